"""Write one benchmark's results into its section of docs/performance.md.

Each benchmark owns one ``## …`` section, with one ``### <database>``
block per database; running a benchmark for one database replaces that
block and keeps the other database's block and every other section.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
DOCS_INTRO = (
    "# Performance\n\n"
    "Measured performance of Atiende, one section per area; each names the script "
    "that reproduces it.\n"
)


def replace_database_block(
    *,
    section_title: str,
    header: str,
    database_titles: Mapping[str, str],
    database: str,
    block: str,
    docs: Path = DOCS,
) -> None:
    """Put ``header`` and the blocks (``block`` for ``database``) in ``section_title``."""
    text = docs.read_text() if docs.exists() else DOCS_INTRO
    start = text.find(section_title + "\n")
    if start == -1:
        before, section, after = text.rstrip("\n") + "\n\n", "", ""
    else:
        following = re.search(r"^## ", text[start + len(section_title) :], re.M)
        end = start + len(section_title) + following.start() if following else len(text)
        before, section, after = text[:start], text[start:end], text[end:]
    blocks = {
        key: match.group(0).rstrip("\n") + "\n"
        for key, title in database_titles.items()
        for match in [re.search(rf"^### {title}\b.*?(?=^### |\Z)", section, re.M | re.S)]
        if match
    }
    blocks[database] = block
    body = "\n".join(blocks[key] for key in database_titles if key in blocks)
    docs.write_text(before + f"{header}\n{body}" + ("\n" + after if after else ""))
