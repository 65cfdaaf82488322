"""Search quality on the shared hosting corpus (skipped when the data is not there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from atiende.kb.evaluation import evaluate, read_queries
from atiende.kb.importing import import_directory
from atiende.kb.tests.factories import NOW

# The repository sits next to the shared data: /work/main and /work/shared.
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.django_db
def test_dev_queries_meet_the_recall_and_mrr_targets():
    if not (SHARED / "kb").is_dir():
        pytest.skip(f"no shared corpus at {SHARED}")
    report = import_directory(SHARED / "kb", now=NOW)
    assert report.errors == []
    evaluation = evaluate(read_queries(SHARED / "kb-queries-dev.jsonl"))
    assert evaluation.recall >= 0.90, evaluation.summary_line()
    assert evaluation.mrr >= 0.80, evaluation.summary_line()
