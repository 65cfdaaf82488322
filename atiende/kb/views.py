"""Public knowledge-base pages: categories, articles, feedback, files, suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.kb.actions import (
    record_article_view,
    record_feedback,
    record_suggestion_click,
)
from atiende.kb.forms import FeedbackForm
from atiende.kb.models import Feedback
from atiende.kb.permissions import (
    audience_of,
    can_edit,
    get_article_by_id_for_reader,
    get_article_for_reader,
    get_attachment_for_reader,
)
from atiende.kb.queries import (
    attachments_of,
    category_articles,
    category_tree,
    get_category,
    popular_articles,
    related_articles,
    subcategories,
    translations_of,
)
from atiende.kb.rendering import describe
from atiende.kb.search import reader_language, suggest_articles

MAX_QUERY = 200
# A ticket description can be long; its start says what it is about.
MAX_SUGGESTION_TEXT = 2000


def _session_key(request: HttpRequest) -> str:
    # Anonymous readers have no session until something is stored in it.
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    audience = audience_of(request.user)
    language = reader_language()
    return render(
        request,
        "kb/index.html",
        {
            "tree": category_tree(audience, language),
            "popular": popular_articles(audience, language),
            "can_edit": can_edit(request.user),
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    audience = audience_of(request.user)
    language = reader_language()
    found = get_category(slug)
    return render(
        request,
        "kb/category.html",
        {
            "category": found,
            "children": subcategories(found, audience, language),
            "articles": category_articles(found, audience, language).select_related("category"),
        },
    )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    audience = audience_of(request.user)
    found = get_article_for_reader(audience, slug)
    if found.is_published:
        record_article_view(found)
    voted = bool(request.session.session_key) and (
        Feedback.objects.filter(article=found, session_key=request.session.session_key).exists()
    )
    attachments = attachments_of(found)
    return render(
        request,
        "kb/article.html",
        {
            "article": found,
            "description": describe(found.summary, found.body_text),
            "translations": translations_of(found, audience),
            "related": related_articles(found, audience),
            "files": [a for a in attachments if not a.is_image],
            "feedback_form": FeedbackForm(),
            "voted": voted,
            "can_edit": can_edit(request.user),
        },
    )


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_article_for_reader(audience_of(request.user), slug)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        record_feedback(
            found,
            session_key=_session_key(request),
            user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
            now=timezone.now(),
        )
    if request.headers.get("HX-Request"):
        return render(
            request,
            "kb/_feedback.html",
            {"article": found, "voted": form.is_valid(), "feedback_form": form},
        )
    if form.is_valid():
        messages.success(request, _("Thank you for your feedback."))
    return redirect(found.get_absolute_url() + "#feedback")


@require_GET
def attachment(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    found = get_attachment_for_reader(audience_of(request.user), attachment_id)
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=not found.is_image,
        filename=found.name,
    )
    # Files of non-public articles must not sit in shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Articles that may answer what is being typed in the ticket form (htmx partial).

    The text is ``q``, or else the ticket form's own ``subject`` and ``body``
    fields, so the form can send itself (``hx-include``) without renaming them.
    """
    query = request.GET.get("q") or " ".join(
        request.GET.get(field, "") for field in ("subject", "body")
    )
    query = query[:MAX_SUGGESTION_TEXT]
    hits = (
        suggest_articles(query, user=request.user, language=reader_language())
        if query.strip()
        else []
    )
    return render(request, "kb/_suggestions.html", {"hits": hits, "query": query[:MAX_QUERY]})


@require_GET
def suggestion_click(request: HttpRequest, article_id: int) -> HttpResponseRedirect:
    """Record that a suggestion was opened from the ticket form, then show the article."""
    found = get_article_by_id_for_reader(audience_of(request.user), article_id)
    record_suggestion_click(
        found,
        user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        session_key=_session_key(request),
        query=request.GET.get("q", ""),
        now=timezone.now(),
    )
    return redirect(found.get_absolute_url())
