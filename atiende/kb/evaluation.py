"""Measure search quality against a set of queries with known answers.

A query file has one JSON object per line: ``query``, ``relevant`` (the
import ids of the articles that answer it, best first or not) and
``language``. Each query is searched as an anonymous visitor in that
language. Two figures come out:

* recall@3: for each query, the share of its relevant articles found in the
  first three results, averaged over the queries;
* MRR: the mean of 1/rank of the first relevant result (0 if none in the
  first ten).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AnonymousUser

from atiende.kb.search import search_articles

CUTOFF = 3
DEPTH = 10


@dataclass(frozen=True)
class QueryResult:
    query: str
    language: str
    relevant: tuple[str, ...]
    found: tuple[str, ...]  # import ids of the results, best first

    @property
    def recall(self) -> float:
        top = set(self.found[:CUTOFF])
        return sum(1 for item in self.relevant if item in top) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        for rank, item in enumerate(self.found, 1):
            if item in self.relevant:
                return 1 / rank
        return 0.0


@dataclass
class Evaluation:
    results: list[QueryResult] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(r.recall for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def mrr(self) -> float:
        if not self.results:
            return 0.0
        return sum(r.reciprocal_rank for r in self.results) / len(self.results)

    def summary_line(self) -> str:
        return f"recall@{CUTOFF}: {self.recall:.3f}  mrr: {self.mrr:.3f}  n={len(self.results)}"


class BadQueryFile(ValueError):
    pass


def read_queries(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    """(query, relevant ids, language) per non-blank line. Raises BadQueryFile."""
    queries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            query, relevant = str(item["query"]), tuple(item["relevant"])
            language = str(item.get("language", "es"))
        except (ValueError, KeyError, TypeError) as error:
            raise BadQueryFile(f"line {number}: {error}") from None
        if not relevant:
            raise BadQueryFile(f"line {number}: no relevant articles listed")
        queries.append((query, relevant, language))
    return queries


def evaluate(queries: list[tuple[str, tuple[str, ...], str]]) -> Evaluation:
    evaluation = Evaluation()
    visitor = AnonymousUser()
    for query, relevant, language in queries:
        hits = search_articles(query, user=visitor, language=language, limit=DEPTH)
        found = tuple(hit.article.import_id for hit in hits)
        evaluation.results.append(QueryResult(query, language, relevant, found))
    return evaluation
