"""Received email in the agent console: the quarantine and every message's original."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atiende.mail.inbound import reprocess
from atiende.mail.models import InboundEmail
from atiende.mail.permissions import get_inbound_for_agent, inbound_for_agent

console_access = permission_required("accounts.view_console", raise_exception=True)
Outcome = InboundEmail.Outcome


@login_required
@console_access
def inbound_list(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("estado", Outcome.QUARANTINED)
    emails = (
        inbound_for_agent(request.user)  # type: ignore[arg-type]
        .select_related("mailbox", "ticket")
        .defer("raw", "html", "body_text", "quoted_text")
        .order_by("-received_at", "-id")
    )
    if outcome in Outcome.values:
        emails = emails.filter(outcome=outcome)
    page = Paginator(emails, settings.ATIENDE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mail/console/list.html",
        {"page": page, "outcomes": Outcome.choices, "current": outcome},
    )


@login_required
@console_access
def inbound_detail(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = get_inbound_for_agent(request.user, inbound_id)  # type: ignore[arg-type]
    response = render(
        request,
        "mail/console/detail.html",
        {
            "inbound": inbound,
            "can_reprocess": _can_reprocess(inbound),
            "blocked_images": any(note.startswith("remote-images:") for note in inbound.notes),
        },
    )
    if settings.ATIENDE_MAIL_REMOTE_IMAGES:
        # The installation chose to show senders' remote images on this page
        # (the sanitised HTML kept them); the site-wide policy would block them.
        policy: dict[str, Any] = dict(settings.SECURE_CSP)
        img_src = [*policy.get("img-src", []), "https:"]
        response._csp_config = {**policy, "img-src": img_src}  # type: ignore[attr-defined]
    return response


@login_required
@console_access
def inbound_raw(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """The message exactly as received, as an .eml download (never rendered by the browser)."""
    inbound = get_inbound_for_agent(request.user, inbound_id)  # type: ignore[arg-type]
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="correo-{inbound.pk}.eml"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
@console_access
def inbound_reprocess(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = get_inbound_for_agent(request.user, inbound_id)  # type: ignore[arg-type]
    if not _can_reprocess(inbound):
        messages.error(request, _("This email cannot be processed again."))
    else:
        result = reprocess(inbound, now=timezone.now())
        if result.outcome == Outcome.QUARANTINED:
            messages.error(request, _("Still quarantined: %(reason)s") % {"reason": result.reason})
        else:
            messages.success(request, _("Processed: %(result)s") % {"result": result.line()})
    return redirect("mail:inbound_detail", inbound_id=inbound.pk)


def _can_reprocess(inbound: InboundEmail) -> bool:
    return inbound.outcome == Outcome.QUARANTINED and "headers-only" not in inbound.notes
