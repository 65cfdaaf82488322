"""The knowledge base Atiende ships with: a few short articles for a hosting company.

Loading is idempotent (articles are matched by their import id), so the demo
command can run it any number of times.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from atiende.kb.importing import import_directory

DEMO_ARTICLES = Path(__file__).resolve().parent / "demo_articles"


class DemoArticlesBroken(RuntimeError):
    """A shipped demo article does not import: a bug in Atiende itself."""


def load_demo_articles(*, now: datetime) -> int:
    """Import the demo articles; returns how many were created (0 when already loaded)."""
    report = import_directory(DEMO_ARTICLES, now=now)
    if report.errors:
        raise DemoArticlesBroken("; ".join(f"{name}: {reason}" for name, reason in report.errors))
    return len(report.created)
