"""The database-specific halves of search, checked on the database they belong to."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from atiende.kb.tests.factories import make_article

pytestmark = pytest.mark.django_db

# Each half runs in its own pass of the suite (see conftest.py).
sqlite_only = pytest.mark.sqlite_only
postgres_only = pytest.mark.postgres_only


def scalar(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


@sqlite_only
def test_sqlite_article_is_indexed_in_the_fts5_table_with_analysed_text():
    article = make_article("Contraseñas del correo", "Texto.")
    title = scalar("SELECT title FROM kb_article_fts WHERE rowid = %s", [article.pk])
    assert title.split()[:2] == ["contrasen", "corre"]


@sqlite_only
def test_sqlite_vocabulary_has_a_trigram_index_for_typos():
    make_article("Certificado", "Texto.")
    found = scalar(
        "SELECT count(*) FROM kb_searchterm_trigram WHERE kb_searchterm_trigram MATCH %s",
        ['"tif"'],
    )
    assert found == 1


@postgres_only
def test_postgresql_has_pg_trgm_and_a_weighted_tsvector_per_article():
    assert scalar("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'") == 1
    article = make_article("Contraseñas del correo", "Texto del cuerpo.")
    vector = scalar("SELECT vector::text FROM kb_article_fts WHERE article_id = %s", [article.pk])
    assert "'contrasen':1A" in vector  # title: weight A
    assert re.search(r"'cuerp':\d+( |$)", vector)  # body: weight D, which is not printed


@postgres_only
def test_postgresql_finds_typos_with_trigram_similarity():
    make_article("Certificado", "Texto.")
    assert scalar("SELECT count(*) FROM kb_searchterm WHERE word %% %s", ["sertificado"]) == 1
