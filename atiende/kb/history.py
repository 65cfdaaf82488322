"""An article's history: what changed between two revisions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from atiende.kb.models import Revision


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context" or "hunk"
    text: str


def _lines(revision: Revision) -> list[str]:
    # Settings are diffed as lines too, so a changed category shows like a changed sentence.
    return [
        f"# {revision.title}",
        f"category: {revision.category}",
        f"visibility: {revision.visibility}",
        f"case types: {', '.join(revision.case_types)}",
        f"summary: {revision.summary}",
        "",
        *revision.body.splitlines(),
    ]


def diff_revisions(old: Revision | None, new: Revision) -> list[DiffLine]:
    """Line diff of two revisions (title and settings first, then the body)."""
    before = _lines(old) if old else []
    diff = difflib.unified_diff(before, _lines(new), lineterm="", n=3)
    result = []
    for line in list(diff)[2:]:  # skip the ---/+++ file headers
        if line.startswith("@@"):
            result.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            result.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("removed", line[1:]))
        else:
            result.append(DiffLine("context", line[1:]))
    return result
