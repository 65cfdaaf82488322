"""Reads for the knowledge-base pages and the editor, with their joins."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from atiende.kb.models import Article, Attachment, Category, Revision
from atiende.kb.permissions import Audience, articles_for

# Columns the lists never show; deferring them keeps list queries light.
_HEAVY = ("body", "body_html", "toc_html", "body_text", "search_title", "search_tags")
_HEAVY_MORE = ("search_body", "search_words")


def in_reader_language(queryset: QuerySet[Article], audience: Audience, language: str):
    """Keep one version of each article: the reader's language when it exists
    and they may read it, else the other."""
    translated = articles_for(audience).filter(
        translation_key=OuterRef("translation_key"), language=language
    )
    return queryset.filter(Q(language=language) | ~Exists(translated))


def light(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.defer(*_HEAVY, *_HEAVY_MORE)


@dataclass
class CategorySummary:
    category: Category
    article_count: int
    children: list[CategorySummary]


def category_tree(audience: Audience, language: str) -> list[CategorySummary]:
    """Top categories with their subcategories and how many articles each holds
    for this reader (categories with nothing to read are left out). Two queries."""
    visible = in_reader_language(articles_for(audience), audience, language)
    counts = dict(
        visible.order_by().values("category").annotate(n=Count("id")).values_list("category", "n")
    )
    categories = list(Category.objects.all())
    children: dict[int, list[CategorySummary]] = {}
    for category in categories:
        if category.parent_id is not None and counts.get(category.pk):
            children.setdefault(category.parent_id, []).append(
                CategorySummary(category, counts[category.pk], [])
            )
    tree = []
    for category in categories:
        if category.parent_id is None:
            kids = children.get(category.pk, [])
            total = counts.get(category.pk, 0) + sum(kid.article_count for kid in kids)
            if total:
                tree.append(CategorySummary(category, total, kids))
    return tree


def popular_articles(audience: Audience, language: str, limit: int = 8) -> list[Article]:
    """The most read articles this reader may see, one language version each."""
    visible = in_reader_language(articles_for(audience), audience, language)
    return list(light(visible).select_related("category").order_by("-view_count", "title")[:limit])


def get_category(slug: str) -> Category:
    try:
        return Category.objects.select_related("parent").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None


def category_articles(category: Category, audience: Audience, language: str) -> QuerySet[Article]:
    """The articles of one category (not its subcategories) this reader may see."""
    visible = in_reader_language(
        articles_for(audience).filter(category=category), audience, language
    )
    return light(visible).order_by("title")


def subcategories(category: Category, audience: Audience, language: str) -> list[CategorySummary]:
    visible = in_reader_language(articles_for(audience), audience, language)
    counts = dict(
        visible.filter(category__parent=category)
        .order_by()
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [
        CategorySummary(child, counts[child.pk], [])
        for child in category.children.all()
        if counts.get(child.pk)
    ]


def translations_of(article: Article, audience: Audience) -> list[Article]:
    return list(
        light(articles_for(audience))
        .filter(translation_key=article.translation_key)
        .exclude(pk=article.pk)
        .order_by("language")
    )


def related_articles(article: Article, audience: Audience) -> list[Article]:
    return list(light(article.related.filter(audience.q())).order_by("title"))


def attachments_of(article: Article) -> list[Attachment]:
    return list(article.attachments.order_by("uploaded_at", "id"))


# --- Editor ----------------------------------------------------------------------


def articles_for_editor(query: str = "", status: str = "") -> QuerySet[Article]:
    """Every article for the console list, newest change first, with feedback counts."""
    articles = (
        light(Article.objects.all())
        .select_related("category", "owner")
        .annotate(
            helpful_yes=Count("feedback", filter=Q(feedback__helpful=True)),
            helpful_no=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .order_by("-updated_at", "pk")
    )
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(import_id__icontains=query))
    if status == "pending":
        articles = articles.filter(pending_revision__isnull=False)
    elif status in Article.Status.values:
        articles = articles.filter(status=status)
    return articles


def revisions_of(article: Article) -> QuerySet[Revision]:
    return article.revisions.select_related("author", "category").order_by("-number")
