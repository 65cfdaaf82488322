"""The database-specific halves of knowledge-base search.

Both are built from the analysed text columns of kb_article / kb_searchterm
(see atiende/kb/analysis.py and indexing.py), so each backend only stores
and ranks tokens; the linguistics live in Python and are shared. On both,
the article index is a narrow side table keyed by article id, so ranking
never reads the wide article rows (bodies, rendered HTML).

SQLite
  kb_article_fts         FTS5 table (title, tags, body), rowid = article id,
                         ranked with bm25(); filled by indexing.py.
  kb_searchterm_trigram  FTS5 trigram index over kb_searchterm.word (external
                         content), for typo correction.

PostgreSQL
  pg_trgm extension, and a trigram GIN index on kb_searchterm.word (typo
  correction with similarity(), prefix completion with LIKE 'abc%').
  kb_article_fts (article_id, status, visibility, vector): a tsvector per
  article ('simple' configuration: the tokens are already analysed)
  weighting title A, tags B, body D, with a GIN index; filled by
  indexing.py. Status and visibility are copied from kb_article so that
  ranking never reads those wide rows, which view counts keep rewriting.

No foreign key from kb_article_fts to kb_article: Django's test flush
truncates kb_article without CASCADE. indexing.py deletes the rows itself.
Each operation checks the vendor, so this migration runs on both.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE kb_article_fts USING fts5(title, tags, body)",
    "CREATE VIRTUAL TABLE kb_searchterm_trigram USING fts5("
    "word, content='kb_searchterm', content_rowid='id', tokenize='trigram')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS kb_searchterm_trigram",
    "DROP TABLE IF EXISTS kb_article_fts",
]

POSTGRES_FORWARD = [
    # Needs a superuser or a trusted extension (pg_trgm is trusted since PostgreSQL 13).
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX kb_searchterm_word_trgm ON kb_searchterm USING gin (word gin_trgm_ops)",
    """
    CREATE TABLE kb_article_fts (
        article_id bigint PRIMARY KEY,
        status varchar(10) NOT NULL,
        visibility varchar(10) NOT NULL,
        vector tsvector NOT NULL
    )
    """,
    "CREATE INDEX kb_article_fts_vector ON kb_article_fts USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS kb_article_fts",
    "DROP INDEX IF EXISTS kb_searchterm_word_trgm",
    # The extension stays: other apps may use it.
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
