"""Knowledge-base content: categories, articles, their history and how readers use them.

An article is written in Markdown; the domain actions in ``actions.py`` render
it (sanitised HTML cached in ``body_html``), write a ``Revision`` and refresh
the search index on every save. Articles in different languages that share a
``translation_key`` are translations of each other.

The ``search_*`` columns hold the output of ``analysis.py`` (folded, stemmed,
synonym-expanded tokens). The database-specific full-text structures are built
from them by migration 0002: an FTS5 table on SQLite, a generated ``tsvector``
column on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from atiende.translated_fields import localized


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class Category(models.Model):
    """A section of the knowledge base. Categories nest one level: a top
    category may hold subcategories, a subcategory holds only articles."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_es"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kb:category", args=[self.slug])

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent is not None and self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Categories nest only one level: choose a top category.")}
            )
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This category has subcategories, so it must stay at the top.")}
            )

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        CUSTOMERS = "customers", _("Logged-in customers")
        AGENTS = "agents", _("Agents only")

    # Stable identifier shared with the Markdown files of ``atiende kb
    # import/export`` (e.g. "apuntar-dominio-hosting.es").
    import_id = models.CharField(_("import ID"), max_length=150, unique=True)
    translation_key = models.CharField(
        _("translation key"),
        max_length=150,
        help_text=_("Articles in different languages with the same key are translations."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # Set once from the first title and never changed, so links keep working.
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for search results and search engines."),
    )
    body = models.TextField(_("body (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    case_types = models.JSONField(
        _("case types"),
        default=list,
        blank=True,
        help_text=_("Codes of the case types this article helps with."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related articles"))
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    # Changes proposed by someone who may not publish, waiting for a publisher
    # while readers keep seeing the published text.
    pending_revision = models.ForeignKey(
        "Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Derived from ``body`` on every save (rendering.py).
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    # Derived analysed text (analysis.py, indexing.py).
    search_title = models.TextField(editable=False, blank=True)
    search_tags = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)
    search_words = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        permissions = [("publish_article", _("Can publish knowledge-base articles"))]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "language"], name="kb_article_one_per_language"
            ),
        ]
        indexes = [
            # Category pages: the visible articles of one category.
            models.Index(
                fields=["category", "status", "visibility"], name="kb_article_category_idx"
            ),
            # The "most read" list and the sitemap.
            models.Index(
                fields=["status", "visibility", "-view_count"], name="kb_article_popular_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kb:article", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Revision(models.Model):
    """A snapshot of an article's content, written by every save."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PROPOSED = "proposed", _("Change proposed for publication")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        RESTORED = "restored", _("Restored an earlier revision")
        IMPORTED = "imported", _("Imported")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Article.Visibility.choices
    )
    case_types = models.JSONField(_("case types"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Article.Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved"))
    kind = models.CharField(_("change"), max_length=12, choices=Kind.choices)
    restored_from = models.PositiveIntegerField(_("restored from"), null=True, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.number}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never contains what the uploader typed; ``name`` keeps that.
    return f"kb/{instance.article_id}/{instance.storage_name}"


class Attachment(models.Model):
    """An image or PDF uploaded for an article, served only to those who may read it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    storage_name = models.CharField(max_length=80, editable=False)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("kb:attachment", args=[self.pk, self.name])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Feedback(models.Model):
    """A reader's answer to "was this article helpful?": one per session and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    session_key = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"], name="kb_feedback_one_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class SuggestionClick(models.Model):
    """A suggested article opened from the ticket form: the raw data of deflection reports."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestion_clicks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    session_key = models.CharField(max_length=40, blank=True)
    query = models.CharField(max_length=200, blank=True)
    clicked_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("suggestion click")
        verbose_name_plural = _("suggestion clicks")

    def __str__(self) -> str:
        return f"{self.article_id} at {self.clicked_at:%Y-%m-%d %H:%M}"


class SearchTerm(models.Model):
    """The search vocabulary: every distinct word of the indexed articles, per
    language, with the token it is indexed as and how many articles contain it.

    Search uses it for prefix completion and typo correction.
    """

    word = models.CharField(max_length=60)
    language = models.CharField(max_length=2, choices=Language.choices)
    token = models.CharField(max_length=60, db_index=True)
    article_count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["word", "language"], name="kb_searchterm_word"),
        ]

    def __str__(self) -> str:
        return self.word


class SearchToken(models.Model):
    """How many articles contain each index token (stem or concept): how rare,
    and so how telling, a query word is."""

    token = models.CharField(max_length=60, unique=True)
    article_count = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.token
