"""HTTP side of the live chat: starting a conversation, leaving a message, the agents' desk."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atiende.accounts.models import User
from atiende.chat import conversations as chat
from atiende.chat.models import Conversation
from atiende.mail.parsing import Address
from atiende.mail.senders import user_for_sender
from atiende.tickets.actions import open_ticket
from atiende.tickets.models import Ticket

# Conversations (or left messages) one address may start in ten minutes.
STARTS_PER_WINDOW = 5
WINDOW_SECONDS = 600


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _too_many(request: HttpRequest) -> bool:
    key = f"chat-starts:{_client_address(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > STARTS_PER_WINDOW


@require_POST
def start(request: HttpRequest) -> JsonResponse:
    """Start a conversation; outside chat hours, sales messages become a case instead."""
    user: User | None = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
    kind = request.POST.get("kind", Conversation.Kind.SALES)
    name = request.POST.get("name", "").strip()
    email = request.POST.get("email", "").strip()
    body = request.POST.get("message", "")
    if user is None and (not name or "@" not in email):
        return JsonResponse({"error": _("Tell us your name and email.")}, status=400)
    if _too_many(request):
        return JsonResponse({"error": _("Too many chats from here; try again later.")}, status=429)
    now = timezone.now()
    state = chat.availability(kind, user, now=now)
    if not state.open:
        return _closed(request, state, kind=kind, user=user, name=name, email=email, body=body)
    try:
        conversation = chat.start(
            kind,
            name=name,
            email=email,
            body=body,
            user=user,
            now=now,
            page_url=request.POST.get("page", "")[:500],
            language=translation.get_language() or "es",
        )
    except chat.ChatError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"token": conversation.token, "status": conversation.status})


def _closed(
    request: HttpRequest,
    state: chat.Availability,
    *,
    kind: str,
    user: User | None,
    name: str,
    email: str,
    body: str,
) -> JsonResponse:
    opens = (
        date_format(timezone.localtime(state.opens_at), "DATETIME_FORMAT") if state.opens_at else ""
    )
    answer: dict[str, object] = {"closed": True, "reason": state.reason, "opens_at": opens}
    if kind == Conversation.Kind.SALES and body.strip():
        # Nothing is lost: the message becomes a case for the sales team.
        requester = user or user_for_sender(Address(name[:150], email.lower()))
        ticket = open_ticket(
            requester=requester,
            subject=_("Chat: %(text)s") % {"text": " ".join(body.split())[:80]},
            body=body.strip()[: chat.MAX_MESSAGE],
            channel=Ticket.Channel.CHAT,
            now=timezone.now(),
            department=chat._department(kind),
        )
        answer["left_message"] = _(
            "We received your message as case %(number)s and will write to %(email)s."
        ) % {"number": ticket.display_number, "email": requester.email}
    elif kind == Conversation.Kind.SUPPORT:
        from django.urls import reverse

        answer["ticket_url"] = reverse("clientarea:new_ticket")
    return JsonResponse(answer, status=200)


@login_required
@permission_required("accounts.view_console", raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    strings = {
        "take": _("Take"),
        "open": _("Continue"),
        "waiting": _("waiting"),
        "mine": _("with you"),
        "connected": _("Connected. New conversations appear here."),
        "disconnected": _("Disconnected; reconnecting…"),
        "none": _("No conversations right now."),
        "ended": _("Ended. Case %(number)s has the transcript."),
        "visitor": _("Visitor"),
        "agent": _("Agent"),
    }
    return render(request, "chat/desk.html", {"desk_strings": strings})
