"""Knowledge-base search: one function, two database backends, shared linguistics.

``search_articles`` analyses the query with the same analyser that built the
index (``analysis.py``), widens each word with what the vocabulary knows
(prefix completions, spelling variants, typo corrections, synonyms), and asks
the database for the best matches among the articles the user may read:

* SQLite: FTS5 ``MATCH`` ranked by ``bm25()`` per column, the title weighted
  above tags and body;
* PostgreSQL: a ``tsvector`` per article with a GIN index; each query word is
  ranked with ``ts_rank`` and weighted by its rarity (inverse document
  frequency from the vocabulary), the same idea as BM25.

Visibility is part of the ranking SQL, so an article a user may not read is
never ranked or returned (and the articles are fetched through the same
filter again). Results in the user's language come first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from atiende.kb.analysis import (
    AnalysedQuery,
    all_concept_tokens,
    allowed_typos,
    analyse_query,
    concepts_of_word,
    edit_distance,
    fold_in_place,
    knows_word,
    normalise_word,
    spelling_variants,
    stems,
    trigrams,
)
from atiende.kb.indexing import ARTICLES_TOKEN, FTS_TABLE, TRIGRAM_TABLE
from atiende.kb.models import Article, SearchTerm, SearchToken
from atiende.kb.permissions import Audience, articles_for, audience_of

# How much more a title match counts than a body match (SQLite bm25 column
# weights; PostgreSQL uses the tsvector weights A/B/D, see migration 0002).
TITLE_WEIGHT = 6.0
TAGS_WEIGHT = 3.0
BODY_WEIGHT = 1.0
# PostgreSQL ts_rank weights for D, C, B, A (body, unused, tags, title).
PG_RANK_WEIGHTS = "{0.1, 0.0, 0.5, 1.0}"
# Rows the PostgreSQL ranking scores precisely (see _rank_postgresql).
PG_CANDIDATES = 200
# Words held by more than this share of the articles barely tell them apart;
# they only look for articles when the rarer words find too few.
COMMON_SHARE = 0.5
# Above this many articles found, titles and tags are searched first (see _rank).
LARGE_RESULT = 1000
# An article in the other language ranks as if its score were this much lower.
OTHER_LANGUAGE_FACTOR = 0.8
CASE_TYPE_BOOST = 1.3
# Prefix completion: how many vocabulary words a partial word may stand for.
MAX_COMPLETIONS = 8
MAX_CORRECTIONS = 3
MIN_PREFIX = 3
# What a result shows and what ordering needs; the rest of the row stays unread.
_HIT_FIELDS = (
    "title",
    "slug",
    "language",
    "translation_key",
    "summary",
    "body_text",
    "status",
    "visibility",
    "case_types",
    "import_id",
    "category__slug",
    "category__name_es",
    "category__name_en",
)
# Ask the database for a few more than needed: language ordering may reorder.
_EXTRA_CANDIDATES = 10


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: float
    snippet: SafeString  # HTML-safe, query words wrapped in <mark>


@dataclass(frozen=True)
class TermGroup:
    """Index tokens that all count as finding one query word (or phrase)."""

    tokens: frozenset[str]
    document_frequency: int
    idf: float  # BM25 inverse document frequency: rare words weigh more


def search_articles(
    query: str,
    *,
    user: object,
    language: str,
    limit: int = 10,
    case_type: str | None = None,
) -> list[SearchHit]:
    """The articles ``user`` may read that best answer ``query``, best first.

    ``language`` is the reader's language ("es"/"en"); ``case_type``, when the
    caller knows it (the ticket form after triage), lifts articles written
    for that kind of case.
    """
    analysed = analyse_query(query)
    if analysed.is_empty or limit <= 0:
        return []
    groups, total = expand_query(analysed)
    if not groups:
        return []
    audience = audience_of(user)
    ranked = _rank(groups, total, audience, limit + _EXTRA_CANDIDATES)
    if not ranked:
        return []
    articles = (
        articles_for(audience)
        .select_related("category")
        .only(*_HIT_FIELDS)
        .in_bulk([article_id for article_id, _ in ranked])
    )
    scored = []
    for article_id, score in ranked:
        article = articles.get(article_id)
        if article is None:  # deleted or hidden since the index was read
            continue
        if case_type and case_type in article.case_types:
            score *= CASE_TYPE_BOOST
        scored.append((article, score))
    ordered = order_for_language(scored, language)[:limit]
    tokens = frozenset().union(*(group.tokens for group in groups))
    return [
        SearchHit(article=article, score=score, snippet=snippet(article, tokens))
        for article, score in ordered
    ]


def reader_language() -> str:
    """The language of the page being served ("es"/"en"), to pass as ``language``."""
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def suggest_articles(
    text: str, *, user: object, language: str, limit: int = 5, case_type: str | None = None
) -> list[SearchHit]:
    """Articles that may answer a ticket being written (ticket deflection).

    The same search as the help center, so what a customer is offered while
    typing matches what they would find by searching; ``case_type`` (a
    triage code) lifts the articles written for that kind of case.
    """
    return search_articles(text, user=user, language=language, limit=limit, case_type=case_type)


# --- Query expansion (shared by both backends) ---------------------------------


def expand_query(query: AnalysedQuery) -> tuple[list[TermGroup], int]:
    """Turn analysed query words into groups of index tokens, one per word;
    also returns how many articles the index holds.

    A word the index knows stands for its stems and synonyms. A partial last
    word stands for the vocabulary words it begins. An unknown word is
    replaced by known spelling variants ("sertificado" → "certificado"), else
    by vocabulary words within one or two edits of it. Tokens no article
    contains are dropped, and so are groups left empty.
    """
    candidates: set[str] = set(all_concept_tokens())
    variants: dict[str, set[str]] = {}
    for word in query.words:
        candidates |= word.tokens
        variants[word.word] = spelling_variants(word.word)
        for variant in variants[word.word]:
            candidates |= stems(variant)
    frequency, total = _document_frequencies(candidates)

    token_sets = []
    for word in query.words:
        tokens = set(word.concepts)
        completions = (
            _completions(word.word) if word.partial and len(word.word) >= MIN_PREFIX else []
        )
        if completions and completions[0].word != word.word:
            # Still typing a word the vocabulary does not have: "contras"
            # means the words it begins, not the stem of "contras" (which is
            # the stem of "contra"). A complete word ("data") is left alone.
            for completion in completions:
                tokens |= {completion.token} | concepts_of_word(completion.word)
                frequency[completion.token] = completion.document_frequency
        else:
            tokens |= word.tokens
            if not any(frequency.get(t) for t in word.tokens) and not knows_word(word.word):
                tokens |= _corrections(word.word, variants[word.word], frequency)
        token_sets.append(tokens)
    token_sets.extend(set(concepts) for concepts in query.phrase_concepts)

    groups: dict[frozenset[str], TermGroup] = {}
    for tokens in token_sets:
        found = frozenset(token for token in tokens if frequency.get(token))
        if found and found not in groups:
            # Articles holding any token of the group: at least as many as
            # hold its most common token (the tokens mostly occur together).
            count = min(max(frequency[token] for token in found), total)
            idf = math.log(1 + (total - count + 0.5) / (count + 0.5))
            groups[found] = TermGroup(found, count, idf)
    return list(groups.values()), total


@dataclass(frozen=True)
class VocabularyWord:
    word: str
    token: str  # what the word is indexed as
    document_frequency: int  # articles holding the token


def _document_frequencies(tokens: set[str]) -> tuple[dict[str, int], int]:
    """How many articles contain each token (tokens no article has are left
    out), and how many articles are indexed, in one query."""
    rows = SearchToken.objects.filter(
        token__in=[*tokens, ARTICLES_TOKEN], article_count__gt=0
    ).values_list("token", "article_count")
    frequency = dict(rows)
    total = frequency.pop(ARTICLES_TOKEN, 0)
    return frequency, total


def _completions(prefix: str) -> list[VocabularyWord]:
    """The word ``prefix`` itself if the vocabulary has it, then the most
    common words it begins."""
    terms = SearchTerm.objects.filter(article_count__gt=0).annotate(
        exact=Case(When(word=prefix, then=Value(1)), default=Value(0)),
        frequency=Subquery(
            SearchToken.objects.filter(token=OuterRef("token")).values("article_count")[:1]
        ),
    )
    if connection.vendor == "sqlite":
        # A range uses the (word, language) index; LIKE would not (it is
        # case-insensitive in SQLite). Words are [a-z0-9] only, and "{"
        # sorts right after "z".
        terms = terms.filter(word__gte=prefix, word__lt=prefix + "{")
    else:
        terms = terms.filter(word__startswith=prefix)  # trigram GIN index
    rows = terms.order_by("-exact", "-article_count").values_list("word", "token", "frequency")
    return [
        VocabularyWord(word, token, frequency or 0)
        for word, token, frequency in rows[:MAX_COMPLETIONS]
    ]


def _corrections(word: str, variants: set[str], frequency: dict[str, int]) -> set[str]:
    """Tokens of the known words the user probably meant by an unknown ``word``."""
    known_variants = [v for v in variants if any(frequency.get(t) for t in stems(v))]
    if known_variants:
        tokens: set[str] = set()
        for variant in known_variants:
            tokens |= stems(variant) | concepts_of_word(variant)
        return tokens
    limit = allowed_typos(word)
    if not limit:
        return set()
    # Fewest edits first, then the most common word.
    close = sorted(
        (
            (distance, count, candidate)
            for candidate, count in _similar_words(word)
            if (distance := edit_distance(word, candidate.word, limit)) <= limit
        ),
        key=lambda item: (item[0], -item[1], item[2].word, item[2].token),
    )
    tokens = set()
    for _distance, _count, candidate in close[:MAX_CORRECTIONS]:
        tokens |= {candidate.token} | concepts_of_word(candidate.word)
        frequency[candidate.token] = candidate.document_frequency
    return tokens


def _similar_words(word: str) -> list[tuple[VocabularyWord, int]]:
    """Vocabulary words sharing many trigrams with ``word``, with their article counts."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            grams = trigrams(word)
            if not grams:
                return []
            match = " OR ".join(f'"{gram}"' for gram in grams)
            cursor.execute(
                f"""
                SELECT t.word, t.token, COALESCE(s.article_count, 0), t.article_count
                FROM {TRIGRAM_TABLE} g
                JOIN kb_searchterm t ON t.id = g.rowid
                LEFT JOIN kb_searchtoken s ON s.token = t.token
                WHERE {TRIGRAM_TABLE} MATCH %s AND t.article_count > 0
                ORDER BY bm25({TRIGRAM_TABLE}) LIMIT 40
                """,  # noqa: S608
                [match],
            )
        else:
            cursor.execute(
                """
                SELECT t.word, t.token, COALESCE(s.article_count, 0), t.article_count
                FROM kb_searchterm t LEFT JOIN kb_searchtoken s ON s.token = t.token
                WHERE t.word %% %s AND t.article_count > 0
                ORDER BY similarity(t.word, %s) DESC LIMIT 40
                """,
                [word, word],
            )
        return [
            (VocabularyWord(found, token, frequency), count)
            for found, token, frequency, count in cursor.fetchall()
        ]


# --- Backends --------------------------------------------------------------------


def _rank(
    groups: list[TermGroup], total: int, audience: Audience, wanted: int
) -> list[tuple[int, float]]:
    """Ask the backend for the best ``wanted`` articles, cheapest way first.

    Ranking costs time per article found, so when the query's words are
    common the search first looks only where they matter most (titles and
    tags), then in the bodies, and lets words held by most articles find
    articles only when the rarer words find too few.
    """
    rank = _rank_sqlite if connection.vendor == "sqlite" else _rank_postgresql
    selective = [g for g in groups if g.document_frequency <= total * COMMON_SHARE] or groups
    attempts = []
    if sum(group.document_frequency for group in selective) > LARGE_RESULT:
        attempts.append((selective, True))
    attempts.append((selective, False))
    if len(selective) < len(groups):
        attempts.append((groups, False))
    ranked: list[tuple[int, float]] = []
    for matching, headings_only in attempts:
        ranked = rank(groups, matching, audience, wanted, headings_only)
        if len(ranked) >= wanted:
            break
    return ranked


def _visible_ids_sql(audience: Audience) -> tuple[str, list[str]]:
    """A subquery of the ids of the articles ``audience`` may read (SQLite).

    The FTS5 table holds no status or visibility; joining the wide article
    rows for them would cost more than the ranking itself, so the ids come
    from the (status, visibility) index instead.
    """
    statuses, visibilities = audience.statuses, audience.visibilities
    marks = ", ".join(["%s"] * len(statuses)), ", ".join(["%s"] * len(visibilities))
    sql = "SELECT id FROM kb_article WHERE status IN ({}) AND visibility IN ({})".format(*marks)  # noqa: S608
    return sql, [*statuses, *visibilities]


def _rank_sqlite(
    groups: list[TermGroup],
    matching: list[TermGroup],
    audience: Audience,
    limit: int,
    headings_only: bool,
) -> list[tuple[int, float]]:
    """FTS5 BM25 per column, weighted and summed (BM25F-like).

    One bm25() with column weights would multiply hit counts, and BM25
    saturates counts: a title hit would count little more than a few body
    hits. Summing per-column scores keeps a title match worth a lot.

    bm25() scores only the tokens in the MATCH expression, so ``matching``
    both finds and scores. Groups left out of it are held by more than half
    the articles, where FTS5's inverse document frequency is nearly zero.
    """
    # Tokens are [a-z0-9] only (analysis.py), so quoting each one is enough
    # to keep FTS5 from reading any of them as an operator.
    match = " OR ".join(f'"{token}"' for group in matching for token in sorted(group.tokens))
    if headings_only:
        match = f"{{title tags}} : ({match})"
    visible, params = _visible_ids_sql(audience)
    with connection.cursor() as cursor:
        cursor.execute(
            # "+rowid": without the plus SQLite hands the IN list to FTS5,
            # which then runs the whole MATCH once per visible article.
            f"""
            SELECT rowid, -(
                %s * bm25({FTS_TABLE}, 1, 0, 0)
                + %s * bm25({FTS_TABLE}, 0, 1, 0)
                + %s * bm25({FTS_TABLE}, 0, 0, 1)
            ) AS score
            FROM {FTS_TABLE}
            WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({visible})
            ORDER BY score DESC LIMIT %s
            """,  # noqa: S608
            [TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT, match, *params, limit],
        )
        return list(cursor.fetchall())


def _rank_postgresql(
    groups: list[TermGroup],
    matching: list[TermGroup],
    audience: Audience,
    limit: int,
    headings_only: bool,
) -> list[tuple[int, float]]:
    """Sum over query words of rarity × best field-weighted match, in two steps.

    ts_rank on a whole OR query averages over its terms and knows nothing of
    rarity, so each token is ranked on its own: a group scores its best
    token's ts_rank (title 1.0, tags 0.5, body 0.1, repeated hits adding a
    little), times the group's BM25 inverse document frequency. That costs a
    ts_rank call per token and row, so the articles holding a ``matching``
    token are first narrowed to the ``PG_CANDIDATES`` best by one plain
    ts_rank; every group, common or not, then counts in the final score.
    """
    # ":AB" restricts a token to the title (A) and tags (B) weights.
    suffix = ":AB" if headings_only else ""
    match = " | ".join(sorted({f"{token}{suffix}" for group in matching for token in group.tokens}))
    terms = []
    params: list[Any] = []
    for group in groups:
        ranks = ", ".join(
            f"ts_rank('{PG_RANK_WEIGHTS}', c.vector, %s::tsquery)" for _ in group.tokens
        )
        terms.append(f"%s * GREATEST({ranks})")
        params += [group.idf, *sorted(group.tokens)]
    statuses, visibilities = list(audience.statuses), list(audience.visibilities)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH candidates AS (
                SELECT f.article_id AS id, f.vector
                FROM {FTS_TABLE} f
                WHERE f.vector @@ to_tsquery('simple', %s)
                    AND f.status = ANY(%s) AND f.visibility = ANY(%s)
                ORDER BY ts_rank('{PG_RANK_WEIGHTS}', f.vector, to_tsquery('simple', %s)) DESC
                LIMIT %s
            )
            SELECT c.id, ({" + ".join(terms)}) AS score
            FROM candidates c
            ORDER BY score DESC, c.id
            LIMIT %s
            """,  # noqa: S608
            [match, statuses, visibilities, match, PG_CANDIDATES, *params, limit],
        )
        return list(cursor.fetchall())


# --- Ordering and snippets ----------------------------------------------------------


def order_for_language(
    scored: list[tuple[Article, float]], language: str
) -> list[tuple[Article, float]]:
    """Best first, the reader's language first.

    An article in the other language counts as somewhat less relevant, and
    when both language versions of an article are found the reader's version
    takes the better place. Readers of the installation's default language
    (the language the knowledge base is written in) then see the other
    version only where its own score puts it. Readers of a translation see
    the original right after it, because translations can lag behind.
    """

    def adjusted(item: tuple[Article, float]) -> float:
        article, score = item
        return score if article.language == language else score * OTHER_LANGUAGE_FACTOR

    def readers_first(item: tuple[Article, float]) -> tuple[bool, float]:
        return (item[0].language != language, -adjusted(item))

    ordered = sorted(scored, key=adjusted, reverse=True)
    versions: dict[str, list[int]] = {}
    for place, (article, _score) in enumerate(ordered):
        versions.setdefault(article.translation_key, []).append(place)
    if language != settings.LANGUAGE_CODE[:2]:
        result = []
        for article, _score in ordered:
            places = versions.pop(article.translation_key, [])
            result.extend(sorted((ordered[place] for place in places), key=readers_first))
        return result
    result = list(ordered)
    for places in versions.values():
        members = sorted((ordered[place] for place in places), key=readers_first)
        for place, member in zip(places, members, strict=True):
            result[place] = member
    return result


_WORD = re.compile(r"[a-z0-9]+")
SNIPPET_WORDS = 28
# The passage is looked for in the first part of the article; past it, the
# time spent is not worth it.
SNIPPET_SCAN_CHARS = 6000


@lru_cache(maxsize=50_000)
def _word_tokens(folded: str) -> frozenset[str]:
    word = normalise_word(folded)
    return stems(word) | concepts_of_word(word)


def snippet(article: Article, tokens: frozenset[str]) -> SafeString:
    """A short passage of the article around the query words, which are marked.

    The passage is the window of words holding the most query words;
    everything is escaped, only the <mark> tags are added.
    """
    text = (article.body_text or article.summary)[:SNIPPET_SCAN_CHARS]
    folded = fold_in_place(text)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
    if not spans:
        return format_html("{}", article.summary)
    hits = [bool(_word_tokens(folded[start:end]) & tokens) for start, end in spans]
    # Hits in each window of SNIPPET_WORDS words, by running sum.
    running = best_count = sum(hits[:SNIPPET_WORDS])
    best_start = 0
    for start in range(1, max(1, len(spans) - SNIPPET_WORDS + 1)):
        running += hits[start + SNIPPET_WORDS - 1] - hits[start - 1]
        if running > best_count:
            best_start, best_count = start, running
    end = min(best_start + SNIPPET_WORDS, len(spans))
    pieces = ["… " if best_start > 0 else ""]
    position = spans[best_start][0]
    for index in range(best_start, end):
        start, stop = spans[index]
        pieces.append(escape(text[position:start]))
        word = escape(text[start:stop])
        pieces.append(f"<mark>{word}</mark>" if hits[index] else word)
        position = stop
    if end < len(spans):
        pieces.append(" …")
    # Every piece of the article text was escaped above.
    return mark_safe("".join(pieces))
