"""The ``atiende kb`` command: import report, export, evaluate."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from atiende.kb.models import Article
from atiende.kb.tests.factories import make_article, write_article_file

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("kb", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_report_and_fails_when_a_file_is_bad(tmp_path):
    write_article_file(tmp_path, "bien.md", "id: bien.es\ntitle: Bien\ncategory: C\nlanguage: es")
    (tmp_path / "mal.md").write_text("sin cabecera")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("kb", "import", str(tmp_path), stdout=out, stderr=err)
    assert "created    bien.es" in out.getvalue()
    assert "created: 1  updated: 0  unchanged: 0  errors: 1" in out.getvalue()
    assert "error      mal.md: no front matter" in err.getvalue()
    assert Article.objects.filter(import_id="bien.es").exists()


def test_second_import_reports_everything_unchanged(tmp_path):
    write_article_file(tmp_path, "a.md", "id: a.es\ntitle: A\ncategory: C\nlanguage: es")
    run("import", str(tmp_path))
    out, _ = run("import", str(tmp_path))
    assert out.strip().splitlines()[-1] == "created: 0  updated: 0  unchanged: 1  errors: 0"


def test_export_writes_one_file_per_article(tmp_path):
    make_article("Uno", import_id="uno.es")
    out, _ = run("export", str(tmp_path))
    assert "exported 1 articles" in out
    assert (tmp_path / "uno.es.md").read_text().startswith("---\nid: uno.es\n")


def test_evaluate_lists_misses_and_ends_with_the_summary_line(tmp_path):
    make_article("Certificado SSL", "Instale el certificado.", import_id="ssl.es")
    make_article("Correo lleno", "Buzón sin espacio.", import_id="buzon.es")
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "\n".join(
            json.dumps(line)
            for line in [
                {"query": "certificado", "relevant": ["ssl.es"], "language": "es"},
                {"query": "buzon lleno", "relevant": ["buzon.es"], "language": "es"},
                {"query": "factura", "relevant": ["facturas.es"], "language": "es"},
            ]
        )
    )
    out, _ = run("evaluate", str(queries))
    lines = out.strip().splitlines()
    assert re.fullmatch(r"recall@3: \d\.\d{3}  mrr: \d\.\d{3}  n=\d+", lines[-1])
    assert lines[-1] == "recall@3: 0.667  mrr: 0.667  n=3"
    assert any("'factura'" in line and "facturas.es" in line for line in lines[:-1])


def test_evaluate_rejects_a_broken_query_file(tmp_path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"query": "x"}\n')
    with pytest.raises(CommandError, match="line 1"):
        run("evaluate", str(queries))


def test_reindex_rebuilds_search_from_the_articles():
    from django.contrib.auth.models import AnonymousUser

    from atiende.kb.search import search_articles

    article = make_article("Zafiro", "Texto.")
    out, _ = run("reindex")
    assert "reindexed 1 articles" in out
    assert [h.article for h in search_articles("zafiro", user=AnonymousUser(), language="es")] == [
        article
    ]
