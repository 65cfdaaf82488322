"""Sitemap entries for the knowledge base: public, published articles only."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from atiende.kb.models import Article
from atiende.kb.permissions import PUBLIC, articles_for


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self) -> QuerySet[Article]:
        return articles_for(PUBLIC).only("slug", "updated_at").order_by("pk")

    def lastmod(self, article: Article) -> datetime:
        return article.updated_at
