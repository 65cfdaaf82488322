"""The knowledge-base editor in the agent console: write, preview, publish, history."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.kb.actions import (
    KnowledgeBaseError,
    add_attachment,
    create_article,
    delete_article,
    publish_article,
    restore_revision,
    unpublish_article,
    update_article,
)
from atiende.kb.forms import ArticleForm, AttachmentForm
from atiende.kb.history import diff_revisions
from atiende.kb.models import Article, Revision
from atiende.kb.permissions import (
    can_edit,
    can_publish,
    get_article_for_editor,
    get_revision_for_editor,
)
from atiende.kb.queries import articles_for_editor, attachments_of, revisions_of
from atiende.kb.rendering import render_markdown

# Longer bodies are not previewed: rendering them on every keystroke would be a cost.
MAX_BODY = 200_000


def _require_editor(request: HttpRequest) -> None:
    if not can_edit(request.user):
        raise PermissionDenied


@require_GET
@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    page = Paginator(articles_for_editor(query, status), settings.ATIENDE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "kb/editor/list.html",
        {"page": page, "query": query, "status": status, "statuses": Article.Status.choices},
    )


def _preview(form: ArticleForm) -> str | None:
    body = form.data.get("body", "")
    return render_markdown(body).html if body else None


@require_http_methods(["GET", "POST"])
@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("kb.add_article"):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, initial={"language": "es"})
    action = request.POST.get("action", "save")
    if request.method == "POST" and action != "preview" and form.is_valid():
        try:
            article = create_article(
                content=form.content(),
                language=form.cleaned_data["language"],
                translation_key=form.cleaned_data["translation_key"],
                acting_user=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
                publish=action == "publish",
                details=form.details(default_owner=request.user),  # type: ignore[arg-type]
            )
        except KnowledgeBaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Article created."))
            return redirect("kb:edit", article.pk)
    return render(
        request,
        "kb/editor/form.html",
        {
            "form": form,
            "article": None,
            "can_publish": can_publish(request.user),
            "preview": _preview(form) if action == "preview" else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    form = ArticleForm(
        request.POST or None, article=article, initial=ArticleForm.initial_for(article)
    )
    action = request.POST.get("action", "save")
    if request.method == "POST" and action != "preview" and form.is_valid():
        try:
            article = update_article(
                article,
                content=form.content(),
                acting_user=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
                publish=action == "publish",
                details=form.details(),
            )
        except KnowledgeBaseError as error:
            form.add_error(None, str(error))
        else:
            if article.pending_revision_id:
                messages.info(
                    request,
                    _("Your changes are saved and wait for a supervisor to publish them."),
                )
            else:
                messages.success(request, _("Article saved."))
            return redirect("kb:edit", article.pk)
    return render(
        request,
        "kb/editor/form.html",
        {
            "form": form,
            "article": article,
            "can_publish": can_publish(request.user),
            "preview": _preview(form) if action == "preview" else None,
            "attachments": attachments_of(article),
            "attachment_form": AttachmentForm(),
        },
    )


@require_POST
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The rendered Markdown of the editor's body field (htmx partial)."""
    _require_editor(request)
    body = request.POST.get("body", "")[:MAX_BODY]
    return render(request, "kb/editor/_preview.html", {"preview": render_markdown(body).html})


@require_POST
@login_required
def publish(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    try:
        publish_article(article, acting_user=request.user, now=timezone.now())  # type: ignore[arg-type]
    except KnowledgeBaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Article published."))
    return redirect("kb:edit", article.pk)


@require_POST
@login_required
def unpublish(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    try:
        unpublish_article(article, acting_user=request.user, now=timezone.now())  # type: ignore[arg-type]
    except KnowledgeBaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Article unpublished: readers no longer see it."))
    return redirect("kb:edit", article.pk)


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    if not request.user.has_perm("kb.delete_article"):
        raise PermissionDenied
    if request.method == "POST":
        delete_article(article)
        messages.success(request, _("Article deleted."))
        return redirect("kb:editor")
    return render(request, "kb/editor/delete.html", {"article": article})


@require_POST
@login_required
def upload(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = add_attachment(
                article,
                upload=form.cleaned_data["file"],
                acting_user=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
            )
        except KnowledgeBaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("File attached. Link to it with %(markdown)s")
                % {"markdown": f"![{attachment.name}]({attachment.get_absolute_url()})"},
            )
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("kb:edit", article.pk)


@require_GET
@login_required
def revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_for_editor(request.user, article_id)
    return render(
        request,
        "kb/editor/revisions.html",
        {"article": article, "revisions": revisions_of(article)},
    )


@require_GET
@login_required
def revision_diff(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    revision = get_revision_for_editor(request.user, article_id, number)
    against_number = request.GET.get("against", "")
    against = None
    if against_number.isdigit():
        against = get_revision_for_editor(request.user, article_id, int(against_number))
    else:
        against = (
            Revision.objects.select_related("category")
            .filter(article_id=article_id, number__lt=number)
            .order_by("-number")
            .first()
        )
    return render(
        request,
        "kb/editor/diff.html",
        {
            "article": revision.article,
            "revision": revision,
            "against": against,
            "lines": diff_revisions(against, revision),
        },
    )


@require_POST
@login_required
def restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    revision = get_revision_for_editor(request.user, article_id, number)
    article = restore_revision(revision, acting_user=request.user, now=timezone.now())  # type: ignore[arg-type]
    if article.pending_revision_id:
        messages.info(
            request,
            _("Revision %(number)s is proposed again and waits for a supervisor to publish it.")
            % {"number": number},
        )
    else:
        messages.success(request, _("Revision %(number)s restored.") % {"number": number})
    return redirect("kb:revisions", article.pk)
