"""HTTP side of the live chat: starting a conversation, leaving a message, the agents' desk."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from atiende.accounts.models import User
from atiende.chat import conversations as chat
from atiende.chat.models import Conversation

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


def _embedding_origin(request: HttpRequest) -> str:
    """The other site the request comes from, if it may embed the bubble; else ""."""
    origin = request.headers.get("Origin", "")
    return origin if origin in settings.ATIENDE_CHAT_ORIGINS else ""


def _for_embedding(response: JsonResponse, origin: str) -> JsonResponse:
    response["Vary"] = "Origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    return response


def widget_strings() -> dict[str, str]:
    return {
        "you": _("You"),
        "agent": _("Agent"),
        "waiting": _("Thank you! An agent will be with you in a moment."),
        "reconnecting": _("Connection lost; reconnecting…"),
        "starting": _("Connecting you with an agent…"),
        "failed": _("The chat could not start. Please try again."),
        "opens": _("Opens:"),
        "open_ticket": _("Open a ticket"),
        # The form, for the bubble built by embed.js on other sites.
        "toggle": _("Do you want to chat?"),
        "intro": _("Hi 👋, if you need a sales agent, do not hesitate to chat with us."),
        "name": _("Your name"),
        "email": _("Your email"),
        "message": _("How can we help?"),
        "start": _("Start chat"),
        "your_message": _("Your message"),
        "send": _("Send"),
        "end": _("End chat"),
        "label": _("Live chat"),
    }


@require_GET
def widget(request: HttpRequest) -> JsonResponse:
    """What embed.js needs on another site: its texts (in the visitor's language) and URLs."""
    origin = _embedding_origin(request)
    base = request.build_absolute_uri("/").rstrip("/")
    socket = ("wss://" if request.is_secure() else "ws://") + request.get_host()
    return _for_embedding(
        JsonResponse(
            {
                "start_url": base + reverse("chat:start"),
                "socket_base": socket,
                "strings": widget_strings(),
            }
        ),
        origin,
    )


@csrf_exempt
@require_POST
def start(request: HttpRequest) -> JsonResponse:
    """Start a conversation; outside chat hours, sales messages become a case instead.

    From this site's pages the CSRF token is required, as for any form. From a
    site allowed to embed the bubble there is no token to send: the request
    is taken as an anonymous visitor's (no session is used), so another site
    can never act as a logged-in customer.
    """
    origin = _embedding_origin(request)
    if not origin:
        # Checked against the undecorated view (the decorated one is exempt).
        rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
            request, _start, (), {}
        )
        if rejected is not None:
            return JsonResponse({"error": _("Reload the page and try again.")}, status=403)
    return _for_embedding(_start(request, embedded=bool(origin)), origin)


def _start(request: HttpRequest, *, embedded: bool) -> JsonResponse:
    logged_in = request.user.is_authenticated and not embedded
    user: User | None = request.user if logged_in else None  # type: ignore[assignment]
    kind = request.POST.get("kind", Conversation.Kind.SALES)
    name = request.POST.get("name", "").strip()
    email = request.POST.get("email", "").strip()
    body = request.POST.get("message", "")
    if user is None and (not name or "@" not in email):
        return JsonResponse({"error": _("Tell us your name and email.")}, status=400)
    if _too_many(request):
        return JsonResponse({"error": _("Too many chats from here; try again later.")}, status=429)
    now = timezone.now()
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
    except chat.ChatClosed as closed:
        state = closed.availability
        return _closed(request, state, kind=kind, user=user, name=name, email=email, body=body)
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
        ticket = chat.leave_message(
            kind, name=name, email=email, body=body, user=user, now=timezone.now()
        )
        answer["left_message"] = _(
            "We received your message as case %(number)s and will write to %(email)s."
        ) % {"number": ticket.display_number, "email": ticket.requester.email}
    elif kind == Conversation.Kind.SUPPORT:
        answer["ticket_url"] = request.build_absolute_uri(reverse("clientarea:new_ticket"))
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
