"""Who may read and who may edit knowledge-base articles.

Readers fall in three audiences: anonymous visitors see published public
articles; customers (logged-in contacts of an organisation) also see
customer-only ones; staff see everything, drafts and agents-only articles
included. Every page, the search and the attachment view go through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from atiende.accounts.permissions import organisations_for_contact
from atiende.accounts.roles import is_staff_member
from atiende.kb.models import Article, Attachment, Revision


@dataclass(frozen=True)
class Audience:
    name: str
    statuses: tuple[str, ...]
    visibilities: tuple[str, ...]

    @property
    def is_staff(self) -> bool:
        return self.name == "staff"

    def allows(self, article: Article) -> bool:
        return article.status in self.statuses and article.visibility in self.visibilities

    def q(self, prefix: str = "") -> Q:
        """Filter for the articles this audience may read (``prefix`` for related lookups)."""
        return Q(**{f"{prefix}status__in": self.statuses}) & Q(
            **{f"{prefix}visibility__in": self.visibilities}
        )


_PUBLISHED = (Article.Status.PUBLISHED.value,)
_EVERY_STATUS = tuple(Article.Status.values)
PUBLIC = Audience("public", _PUBLISHED, (Article.Visibility.PUBLIC.value,))
CUSTOMERS = Audience(
    "customers",
    _PUBLISHED,
    (Article.Visibility.PUBLIC.value, Article.Visibility.CUSTOMERS.value),
)
STAFF = Audience("staff", _EVERY_STATUS, tuple(Article.Visibility.values))


def audience_of(user: object) -> Audience:
    """The audience ``user`` reads as (anonymous users are the public)."""
    if not getattr(user, "is_authenticated", False):
        return PUBLIC
    if is_staff_member(user):  # type: ignore[arg-type]
        return STAFF
    if organisations_for_contact(user).exists():  # type: ignore[arg-type]
        return CUSTOMERS
    # Somebody who signed up but belongs to no customer yet.
    return PUBLIC


def articles_for(audience: Audience) -> QuerySet[Article]:
    return Article.objects.filter(audience.q())


def get_article_for_reader(audience: Audience, slug: str) -> Article:
    """The article if the audience may read it, else 404 (never 403: a hidden
    article's existence is not disclosed)."""
    try:
        return articles_for(audience).select_related("category__parent").get(slug=slug)
    except Article.DoesNotExist:
        raise Http404 from None


def get_article_by_id_for_reader(audience: Audience, article_id: int) -> Article:
    try:
        return articles_for(audience).get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404 from None


def get_attachment_for_reader(audience: Audience, attachment_id: int) -> Attachment:
    try:
        return Attachment.objects.select_related("article").get(
            audience.q("article__"), pk=attachment_id
        )
    except Attachment.DoesNotExist:
        raise Http404 from None


def can_edit(user: object) -> bool:
    return bool(getattr(user, "has_perm", None)) and user.has_perm("kb.change_article")  # type: ignore[attr-defined]


def can_publish(user: object) -> bool:
    return bool(getattr(user, "has_perm", None)) and user.has_perm("kb.publish_article")  # type: ignore[attr-defined]


def get_article_for_editor(user: object, article_id: int) -> Article:
    """The article for the console editor: 403 without kb.change_article, 404 if missing."""
    if not can_edit(user):
        raise PermissionDenied
    try:
        return Article.objects.select_related("category__parent", "owner", "pending_revision").get(
            pk=article_id
        )
    except Article.DoesNotExist:
        raise Http404 from None


def get_revision_for_editor(user: object, article_id: int, number: int) -> Revision:
    article = get_article_for_editor(user, article_id)
    try:
        revision = Revision.objects.select_related("author", "category").get(
            article=article, number=number
        )
    except Revision.DoesNotExist:
        raise Http404 from None
    revision.article = article
    return revision
