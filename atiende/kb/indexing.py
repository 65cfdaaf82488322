"""Keep the search index in step with the articles.

``index_articles`` is the one way in: the domain actions call it after every
save, the importer and the benchmark call it for many articles at once. It

* stores the analysed title, tags and body on the article row;
* replaces the article's row in ``kb_article_fts``: an FTS5 table on SQLite,
  a table of weighted ``tsvector`` values on PostgreSQL (migration 0002);
* keeps the counts of the vocabulary (``SearchTerm``: words, for typo
  correction and prefix completion, with a trigram table on SQLite) and of
  the index tokens (``SearchToken``: how rare each token is) right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import batched
from typing import Any

from django.db import connection
from django.db.models import F

from atiende.kb.analysis import analyse, stem, vocabulary
from atiende.kb.models import Article, SearchTerm, SearchToken

FTS_TABLE = "kb_article_fts"
# The SearchToken row counting every indexed article (no real token is empty).
ARTICLES_TOKEN = ""
TRIGRAM_TABLE = "kb_searchterm_trigram"
_BATCH = 500


@dataclass(frozen=True)
class AnalysedArticle:
    title: str
    tags: str
    body: str
    words: frozenset[str]  # the words typo correction and completion may offer


def analyse_article(article: Article) -> AnalysedArticle:
    """The analysed text of an article, as the index stores it.

    "Tags" say what the article is about without being its title: the
    summary and the case types. (Category names are left out on purpose:
    "Seguridad" would make every security article answer "copias de
    seguridad".)
    """
    language = article.language
    tag_text = " ".join([article.summary, *(code.replace("_", " ") for code in article.case_types)])
    title = analyse(article.title, language)
    tags = analyse(tag_text, language)
    body = analyse(article.body_text, language)
    return AnalysedArticle(
        title=" ".join(title),
        tags=" ".join(tags),
        body=" ".join(body),
        words=frozenset(vocabulary([article.title, tag_text, article.body_text])),
    )


def index_articles(articles: Sequence[Article]) -> None:
    """(Re)index ``articles``, which must already be saved with ``body_text`` rendered.

    Call inside the transaction that saved them, so the index never shows
    text that rolled back.
    """
    for chunk in batched(articles, _BATCH):
        _index_chunk(list(chunk))


def _tokens(*texts: str) -> set[str]:
    return {token for text in texts for token in text.split()}


def _index_chunk(articles: list[Article]) -> None:
    previous = {
        pk: (words, _tokens(title, tags, body))
        for pk, words, title, tags, body in Article.objects.filter(
            pk__in=[a.pk for a in articles]
        ).values_list("pk", "search_words", "search_title", "search_tags", "search_body")
    }
    word_delta: Counter[tuple[str, str]] = Counter()
    token_delta: Counter[str] = Counter()
    for article in articles:
        analysed = analyse_article(article)
        old_words, old_tokens = previous.get(article.pk, ("", set()))
        old_word_set = set(old_words.split())
        for word in analysed.words - old_word_set:
            word_delta[word, article.language] += 1
        for word in old_word_set - analysed.words:
            word_delta[word, article.language] -= 1
        new_tokens = _tokens(analysed.title, analysed.tags, analysed.body)
        token_delta.update(new_tokens - old_tokens)
        token_delta.subtract(old_tokens - new_tokens)
        article.search_title = analysed.title
        article.search_tags = analysed.tags
        article.search_body = analysed.body
        article.search_words = " ".join(sorted(analysed.words))
    Article.objects.bulk_update(
        articles, ["search_title", "search_tags", "search_body", "search_words"]
    )
    # The FTS rows tell which articles were indexed before: the others are new.
    token_delta[ARTICLES_TOKEN] += len(articles) - _replace_fts_rows(articles)
    _update_vocabulary(word_delta)
    _update_token_counts(token_delta)


def unindex_articles(articles: Sequence[Article]) -> None:
    """Take ``articles`` out of the index before they are deleted."""
    word_delta: Counter[tuple[str, str]] = Counter()
    token_delta: Counter[str] = Counter()
    rows = Article.objects.filter(pk__in=[a.pk for a in articles]).values_list(
        "search_words", "language", "search_title", "search_tags", "search_body"
    )
    for words, language, title, tags, body in rows:
        for word in words.split():
            word_delta[word, language] -= 1
        token_delta.subtract(_tokens(title, tags, body))
    token_delta[ARTICLES_TOKEN] -= _delete_fts_rows([a.pk for a in articles])
    _update_vocabulary(word_delta)
    _update_token_counts(token_delta)


def _update_token_counts(delta: Counter[str]) -> None:
    added = [token for token, change in delta.items() if change > 0]
    for chunk in batched(added, _BATCH):
        SearchToken.objects.bulk_create(
            [SearchToken(token=token) for token in chunk], ignore_conflicts=True
        )
    by_change: dict[int, list[str]] = {}
    for token, change in delta.items():
        if change:
            by_change.setdefault(change, []).append(token)
    for change, tokens in by_change.items():
        for chunk in batched(tokens, _BATCH):
            SearchToken.objects.filter(token__in=chunk).update(
                article_count=F("article_count") + change
            )


def _update_vocabulary(delta: Counter[tuple[str, str]]) -> None:
    added = [key for key, change in delta.items() if change > 0]
    _create_missing_terms(added)
    # One UPDATE per (language, change): usually +1 and -1. F() keeps
    # concurrent saves of other articles from losing each other's counts.
    by_change: dict[tuple[str, int], list[str]] = {}
    for (word, language), change in delta.items():
        if change:
            by_change.setdefault((language, change), []).append(word)
    for (language, change), words in by_change.items():
        for chunk in batched(words, _BATCH):
            SearchTerm.objects.filter(language=language, word__in=chunk).update(
                article_count=F("article_count") + change
            )


def _create_missing_terms(keys: Iterable[tuple[str, str]]) -> None:
    by_language: dict[str, list[str]] = {}
    for word, language in keys:
        by_language.setdefault(language, []).append(word)
    for language, words in by_language.items():
        for chunk in batched(words, _BATCH):
            existing = set(
                SearchTerm.objects.filter(language=language, word__in=chunk).values_list(
                    "word", flat=True
                )
            )
            missing = [word for word in chunk if word not in existing]
            if not missing:
                continue
            SearchTerm.objects.bulk_create(
                [
                    SearchTerm(word=word, language=language, token=stem(word, language))
                    for word in missing
                ],
                ignore_conflicts=True,
            )
            if connection.vendor == "sqlite":
                # The trigram table indexes words by rowid; rows of
                # SearchTerm are never deleted, so an insert is all it needs.
                new_rows = SearchTerm.objects.filter(
                    language=language, word__in=missing
                ).values_list("pk", "word")
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {TRIGRAM_TABLE} (rowid, word) VALUES (%s, %s)",  # noqa: S608
                        list(new_rows),
                    )


# The SQL that stores one article's analysed text in kb_article_fts.
_INSERT_FTS = {
    "sqlite": f"""
        INSERT INTO {FTS_TABLE} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)
    """,  # noqa: S608
    # 'simple': lowercase only, the text is analysed already. Weights: title
    # A, tags B, body D (search.py ranks with them). Status and visibility
    # are copied so that ranking never reads the wide, busy article rows.
    "postgresql": f"""
        INSERT INTO {FTS_TABLE} (article_id, status, visibility, vector) VALUES (
            %s, %s, %s,
            setweight(to_tsvector('simple', %s), 'A')
            || setweight(to_tsvector('simple', %s), 'B')
            || setweight(to_tsvector('simple', %s), 'D')
        )
    """,  # noqa: S608
}
_ID_COLUMN = {"sqlite": "rowid", "postgresql": "article_id"}


def _fts_row(article: Article) -> tuple[Any, ...]:
    text = (article.search_title, article.search_tags, article.search_body)
    if connection.vendor == "postgresql":
        return (article.pk, article.status, article.visibility, *text)
    return (article.pk, *text)


def _replace_fts_rows(articles: list[Article]) -> int:
    """Write the articles' rows; returns how many of them had one already."""
    replaced = _delete_fts_rows([a.pk for a in articles])
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT_FTS[connection.vendor], [_fts_row(a) for a in articles])
    return replaced


def _delete_fts_rows(ids: list[int]) -> int:
    """Delete the articles' rows; returns how many there were."""
    column = _ID_COLUMN[connection.vendor]
    deleted = 0
    with connection.cursor() as cursor:
        for chunk in batched(ids, _BATCH):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE {column} IN ({marks})", list(chunk))  # noqa: S608
            deleted += cursor.rowcount
    return deleted


def refresh_status(article: Article) -> None:
    """Copy a changed status or visibility into the index (PostgreSQL keeps them there)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {FTS_TABLE} SET status = %s, visibility = %s WHERE article_id = %s",  # noqa: S608
                [article.status, article.visibility, article.pk],
            )


def rebuild_index() -> int:
    """Re-render and re-index every article from scratch; returns how many.

    For after an upgrade that changed the analyser or the synonym table, or
    when the index is suspected to be out of step.
    """
    from atiende.kb.rendering import render_markdown

    SearchTerm.objects.all().delete()
    SearchToken.objects.all().delete()
    Article.objects.update(search_words="", search_title="", search_tags="", search_body="")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {TRIGRAM_TABLE} ({TRIGRAM_TABLE}) VALUES ('delete-all')")  # noqa: S608
    count = 0
    queryset = Article.objects.select_related("category__parent").order_by("pk")
    last_pk = 0
    while batch := list(queryset.filter(pk__gt=last_pk)[:_BATCH]):
        for article in batch:
            rendered = render_markdown(article.body)
            article.body_html, article.toc_html = rendered.html, rendered.toc_html
            article.body_text = rendered.text
        Article.objects.bulk_update(batch, ["body_html", "toc_html", "body_text"])
        index_articles(batch)
        count += len(batch)
        last_pk = batch[-1].pk
    return count
