"""Every change to the knowledge base: writing, publishing, restoring, feedback.

Saving an article renders its Markdown, writes a ``Revision`` and refreshes the
search index in one transaction. Who may publish is decided here, not in the
views: someone without ``kb.publish_article`` who edits a published article
*proposes* the change (a pending revision) and readers keep seeing the
published text until a publisher publishes it.

``acting_user=None`` means the system itself (import, demo content).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.kb.indexing import index_articles, refresh_status, unindex_articles
from atiende.kb.models import (
    Article,
    Attachment,
    Category,
    Feedback,
    Revision,
    SuggestionClick,
)
from atiende.kb.permissions import can_publish
from atiende.kb.rendering import render_markdown


class KnowledgeBaseError(Exception):
    """A change the knowledge base refuses; ``str()`` is a message for the user."""


class PublishNotAllowed(KnowledgeBaseError):
    pass


class AttachmentRejected(KnowledgeBaseError):
    pass


class InvalidCategory(KnowledgeBaseError):
    pass


@dataclass(frozen=True)
class ArticleContent:
    """What a revision records: everything readers see of an article."""

    title: str
    body: str
    category: Category
    summary: str = ""
    visibility: str = Article.Visibility.PUBLIC
    case_types: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, source: Article | Revision) -> ArticleContent:
        return cls(
            title=source.title,
            body=source.body,
            category=source.category,
            summary=source.summary,
            visibility=source.visibility,
            case_types=tuple(source.case_types),
        )

    def differs_from(self, source: Article | Revision) -> bool:
        return self != ArticleContent.of(source)


@dataclass(frozen=True)
class ArticleDetails:
    """Bookkeeping around an article, set directly (not part of revisions)."""

    owner: User | None = None
    last_reviewed_on: date | None = None
    translation_key: str = ""
    related: tuple[Article, ...] = ()


def _may_publish(acting_user: User | None) -> bool:
    return acting_user is None or can_publish(acting_user)


def _unique_slug(wanted: str, language: str) -> str:
    base = slugify(wanted)
    if len(base) > 80:
        # Cut at a word boundary: long titles make long, fragile links.
        base = base[:80].rsplit("-", 1)[0]
    base = base.strip("-") or f"articulo-{language}"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _apply(article: Article, content: ArticleContent) -> None:
    article.title = content.title
    article.body = content.body
    article.category = content.category
    article.summary = content.summary
    article.visibility = content.visibility
    article.case_types = list(content.case_types)
    rendered = render_markdown(content.body)
    article.body_html, article.toc_html, article.body_text = (
        rendered.html,
        rendered.toc_html,
        rendered.text,
    )


def _write_revision(
    article: Article,
    content: ArticleContent,
    *,
    status: str,
    acting_user: User | None,
    now: datetime,
    kind: str,
    restored_from: int | None = None,
) -> Revision:
    last = article.revisions.aggregate(last=Max("number"))["last"] or 0
    return Revision.objects.create(
        article=article,
        number=last + 1,
        title=content.title,
        summary=content.summary,
        body=content.body,
        category=content.category,
        visibility=content.visibility,
        case_types=list(content.case_types),
        status=status,
        author=acting_user,
        created_at=now,
        kind=kind,
        restored_from=restored_from,
    )


@transaction.atomic
def create_article(
    *,
    content: ArticleContent,
    language: str,
    acting_user: User | None,
    now: datetime,
    publish: bool = False,
    import_id: str = "",
    translation_key: str = "",
    owner: User | None = None,
    kind: str = Revision.Kind.CREATED,
    details: ArticleDetails | None = None,
    slug: str = "",
) -> Article:
    """Create an article (a draft unless ``publish``) and its first revision.

    The slug comes from ``slug`` or else the title, made unique; it never
    changes afterwards.

    Raises PublishNotAllowed if ``publish`` and the user may not publish.
    """
    if publish and not _may_publish(acting_user):
        raise PublishNotAllowed(_("Only supervisors may publish articles."))
    slug = _unique_slug(slug or content.title, language)
    translation_key = translation_key or import_id.removesuffix(f".{language}") or slug
    if Article.objects.filter(translation_key=translation_key, language=language).exists():
        raise KnowledgeBaseError(
            _("Another article in this language already has this translation key.")
        )
    article = Article(
        language=language,
        slug=slug,
        import_id=import_id or f"{slug}.{language}",
        translation_key=translation_key,
        owner=owner if owner is not None else acting_user,
        status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        created_at=now,
        updated_at=now,
        published_at=now if publish else None,
    )
    _apply(article, content)
    article.save()
    _write_revision(
        article,
        content,
        status=article.status,
        acting_user=acting_user,
        now=now,
        kind=kind,
    )
    index_articles([article])
    if details is not None:
        _apply_details(article, details)
    return article


@transaction.atomic
def update_article(
    article: Article,
    *,
    content: ArticleContent,
    acting_user: User | None,
    now: datetime,
    publish: bool = False,
    kind: str | None = None,
    restored_from: int | None = None,
    details: ArticleDetails | None = None,
) -> Article:
    """Save new content (and ``details``) for ``article``, writing a revision.

    * A draft takes the content (and is published if ``publish``).
    * A published article takes it if the user may publish; otherwise the
      content becomes a pending revision for a publisher to review.
    A save that changes no content writes no revision (unless it publishes).

    Raises PublishNotAllowed if ``publish`` and the user may not publish, and
    KnowledgeBaseError if ``details`` give a translation key already taken.
    """
    may_publish = _may_publish(acting_user)
    if publish and not may_publish:
        raise PublishNotAllowed(_("Only supervisors may publish articles."))
    article = (
        # Only the article row is locked: two editors saving at once get
        # consecutive revision numbers.
        Article.objects.select_for_update(of=("self",))
        .select_related("category__parent", "pending_revision")
        .get(pk=article.pk)
    )
    becomes_published = publish and not article.is_published
    baseline: Article | Revision = (
        article.pending_revision if article.pending_revision and not may_publish else article
    )
    if not content.differs_from(baseline) and not becomes_published:
        pass
    elif article.is_published and not may_publish:
        article.pending_revision = _write_revision(
            article,
            content,
            status=Article.Status.DRAFT,
            acting_user=acting_user,
            now=now,
            kind=Revision.Kind.PROPOSED,
            restored_from=restored_from,
        )
        article.save(update_fields=["pending_revision"])
    else:
        _apply(article, content)
        if publish:
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or now
        article.pending_revision = None
        article.updated_at = now
        article.save()
        _write_revision(
            article,
            content,
            status=article.status,
            acting_user=acting_user,
            now=now,
            kind=kind or (Revision.Kind.PUBLISHED if becomes_published else Revision.Kind.EDITED),
            restored_from=restored_from,
        )
        index_articles([article])
    if details is not None:
        _apply_details(article, details)
    return article


@transaction.atomic
def publish_article(article: Article, *, acting_user: User | None, now: datetime) -> Article:
    """Publish a draft, or the changes waiting in its pending revision.

    Raises PublishNotAllowed if the user may not publish.
    """
    if not _may_publish(acting_user):
        raise PublishNotAllowed(_("Only supervisors may publish articles."))
    current = Article.objects.select_related("pending_revision").get(pk=article.pk)
    pending = current.pending_revision
    content = ArticleContent.of(pending) if pending else ArticleContent.of(current)
    return update_article(
        current,
        content=content,
        acting_user=acting_user,
        now=now,
        publish=True,
        kind=Revision.Kind.PUBLISHED,
    )


@transaction.atomic
def unpublish_article(article: Article, *, acting_user: User | None, now: datetime) -> Article:
    """Take an article back to draft: readers no longer see it.

    Raises PublishNotAllowed if the user may not publish.
    """
    if not _may_publish(acting_user):
        raise PublishNotAllowed(_("Only supervisors may unpublish articles."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not article.is_published:
        return article
    article.status = Article.Status.DRAFT
    article.updated_at = now
    article.save(update_fields=["status", "updated_at"])
    refresh_status(article)
    _write_revision(
        article,
        ArticleContent.of(article),
        status=article.status,
        acting_user=acting_user,
        now=now,
        kind=Revision.Kind.UNPUBLISHED,
    )
    return article


def restore_revision(revision: Revision, *, acting_user: User | None, now: datetime) -> Article:
    """Bring back an old revision's content as a new revision.

    Follows the same rules as a save: on a published article, someone who
    may not publish only proposes the restore.
    """
    return update_article(
        revision.article,
        content=ArticleContent.of(revision),
        acting_user=acting_user,
        now=now,
        kind=Revision.Kind.RESTORED,
        restored_from=revision.number,
    )


def _apply_details(article: Article, details: ArticleDetails) -> None:
    article.owner = details.owner
    article.last_reviewed_on = details.last_reviewed_on
    article.translation_key = details.translation_key or article.translation_key
    try:
        with transaction.atomic():
            article.save(update_fields=["owner", "last_reviewed_on", "translation_key"])
    except IntegrityError:
        raise KnowledgeBaseError(
            _("Another article in this language already has this translation key.")
        ) from None
    article.related.set([other for other in details.related if other.pk != article.pk])


@transaction.atomic
def delete_article(article: Article) -> None:
    """Delete an article with its history, feedback and files."""
    unindex_articles([article])
    files = [str(attachment.file.name) for attachment in article.attachments.all()]
    storage = Attachment._meta.get_field("file").storage  # type: ignore[attr-defined]
    article.delete()

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    # Files go only once the rows are gone for good.
    transaction.on_commit(delete_files)


def get_or_create_category(path: str) -> Category:
    """The category named by ``path`` ("Correo" or "Correo / Configuración"),
    created (with its parent) if missing. Names are matched without regard to case.

    Raises InvalidCategory for deeper paths or empty names.
    """
    names = [name.strip() for name in path.split("/")]
    if not names or any(not name for name in names) or len(names) > 2:
        raise InvalidCategory(
            _("Category must be a name or 'Parent / Child' (one level of nesting).")
        )
    parent = None
    for name in names:
        found = Category.objects.filter(parent=parent, name_es__iexact=name).first()
        if found is None:
            base = slugify(name) or "categoria"
            slug, number = base, 2
            while Category.objects.filter(slug=slug).exists():
                slug = f"{base}-{number}"
                number += 1
            found = Category.objects.create(parent=parent, name_es=name, slug=slug)
        parent = found
    assert parent is not None
    return parent


def category_path(category: Category) -> str:
    """The import/export name of a category ("Parent / Child" for subcategories)."""
    if category.parent is not None:
        return f"{category.parent.name_es} / {category.name_es}"
    return category.name_es


# --- Readers ------------------------------------------------------------------


def record_article_view(article: Article) -> None:
    """Count one view. F() so that simultaneous readers all count."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def record_feedback(
    article: Article,
    *,
    session_key: str,
    user: User | None,
    helpful: bool,
    comment: str,
    now: datetime,
) -> Feedback:
    """Record "was this helpful?". One vote per session: voting again changes it."""
    defaults = {"helpful": helpful, "comment": comment.strip(), "user": user, "updated_at": now}
    feedback, _created = Feedback.objects.update_or_create(
        article=article,
        session_key=session_key,
        defaults=defaults,
        create_defaults={**defaults, "created_at": now},
    )
    return feedback


def record_suggestion_click(
    article: Article, *, user: User | None, session_key: str, query: str, now: datetime
) -> SuggestionClick:
    """Note that a suggested article was opened from the ticket form."""
    return SuggestionClick.objects.create(
        article=article,
        user=user,
        session_key=session_key,
        query=query[:200],
        clicked_at=now,
    )


# --- Attachments --------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# The file's first bytes decide its type; the name and the browser's claim do not.
_SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"%PDF-", 0, "application/pdf", ".pdf"),
]


def detect_file_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from a file's first bytes, or None if not allowed."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    for signature, offset, content_type, extension in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type, extension
    return None


@transaction.atomic
def add_attachment(
    article: Article, *, upload: UploadedFile, acting_user: User | None, now: datetime
) -> Attachment:
    """Store an image or PDF for ``article``.

    Raises AttachmentRejected if the file is too big or not a PNG, JPEG, GIF,
    WebP or PDF file by its content.
    """
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    detected = detect_file_type(head)
    if detected is None:
        raise AttachmentRejected(
            _("Only PNG, JPEG, GIF and WebP images and PDF documents can be attached.")
        )
    content_type, extension = detected
    original = (upload.name or "archivo").rsplit("/", 1)[-1]
    stem = slugify(original.rsplit(".", 1)[0])[:80] or "archivo"
    attachment = Attachment(
        article=article,
        storage_name=f"{uuid.uuid4().hex}{extension}",
        name=f"{stem}{extension}",
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
        uploaded_at=now,
    )
    attachment.file.save(attachment.storage_name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        # Do not leave an orphan file behind a failed insert.
        attachment.file.delete(save=False)
        raise
    return attachment
