"""Live chat: who may chat when, and every step of a conversation.

Sales chat is open to anyone during office hours ("Chatear con ventas").
Support chat is for customers whose plan includes chat, during the hours
their plan says (Level 2 and 3: business hours). Outside them the widget
offers to leave a message, which becomes a case: nothing a visitor writes is
lost. When a conversation ends, its transcript is filed as a case of the
chat channel (the agent's answers count as the first response), so the
conversation is on record with a case number like any other request.

Views and websocket consumers call these functions; each change is told to
the people in the conversation and to the agents' desk through the channel
layer once the transaction commits.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import Department, User
from atiende.accounts.permissions import visible_department_ids
from atiende.chat.models import ChatMessage, Conversation
from atiende.mail.parsing import Address
from atiende.mail.senders import user_for_sender
from atiende.services.entitlements import channel_availability
from atiende.services.models import Service, SupportPlan
from atiende.sla.business_time import is_open, next_opening
from atiende.sla.calendars import business_calendar
from atiende.tickets.actions import add_message, open_ticket, update_ticket
from atiende.tickets.models import Message, Ticket

DESK_GROUP = "chat-desk"
MAX_MESSAGE = 4000


class ChatError(Exception):
    """A step that cannot be taken; the message is for the person who tried."""


@dataclass(frozen=True)
class Availability:
    open: bool
    opens_at: datetime | None
    reason: str  # why not, for the person asking


class ChatClosed(ChatError):
    """Chat is not open to this person now; ``availability`` says why and until when."""

    def __init__(self, availability: Availability) -> None:
        super().__init__(availability.reason)
        self.availability = availability


def _office_calendar(now: datetime):  # type: ignore[no-untyped-def]
    """Office hours: the calendar of the plan every service includes (Level 1)."""
    plan = SupportPlan.objects.select_related("calendar").order_by("level").first()
    if plan is None:
        return None
    return business_calendar(plan.calendar, around=now)


def availability(kind: str, user: User | None, *, now: datetime) -> Availability:
    if kind == Conversation.Kind.SALES:
        calendar = _office_calendar(now)
        if calendar is None or is_open(calendar, now):
            return Availability(True, None, "")
        return Availability(
            False,
            next_opening(calendar, now),
            _(
                "Our sales team chats during office hours. "
                "Leave us a message and we will write back."
            ),
        )
    if user is None or not user.is_authenticated:
        return Availability(False, None, _("Log in to your client area to chat with support."))
    return _support_availability(_services_of(user), now=now)


def _support_availability(services: list[Service], *, now: datetime) -> Availability:
    included = False
    opens: list[datetime] = []
    for service in services:
        for channel in channel_availability(service.plan, now=now):
            if channel.channel != "chat" or not channel.included:
                continue
            included = True
            if channel.usable_now:
                return Availability(True, None, "")
            if channel.opens_at is not None:
                opens.append(channel.opens_at)
    if not included:
        return Availability(
            False,
            None,
            _(
                "Your support plan includes help by ticket and email; "
                "chat comes with Levels 2 and 3."
            ),
        )
    return Availability(
        False,
        min(opens) if opens else None,
        _("Support chat is attended in business hours. Open a ticket and we will answer it."),
    )


def _services_of(user: User) -> list[Service]:
    return list(
        Service.objects.filter(organisation__memberships__user=user)
        .exclude(status=Service.Status.CANCELLED)
        .select_related("plan", "plan__calendar", "organisation")
        .order_by("-plan__level")
    )


def _department(kind: str) -> Department:
    if kind == Conversation.Kind.SALES:
        found = Department.objects.filter(is_sales=True).order_by("order").first()
    else:
        found = Department.objects.filter(code="soporte").first()
    return found or Department.objects.order_by("order").first()  # type: ignore[return-value]


def _tell(group: str, message: dict[str, Any]) -> None:
    """Send to a channel-layer group after the current transaction commits."""
    layer = get_channel_layer()
    if layer is None:
        return
    transaction.on_commit(partial(_group_send, layer, group, message))


def _group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    send = async_to_sync(layer.group_send)
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a request's or consumer's worker thread
        send(group, message)
        return
    # This thread runs an event loop (a script or test harness calling the
    # domain functions directly): send from a thread of its own.
    worker = threading.Thread(target=send, args=(group, message))
    worker.start()
    worker.join()


def _tell_desk() -> None:
    _tell(DESK_GROUP, {"type": "desk.changed"})


def message_data(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender": message.sender,
        "author": str(message.author) if message.author else "",
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise ChatError(_("Write a message."))
    if len(body) > MAX_MESSAGE:
        raise ChatError(_("A message can have at most %(max)d characters.") % {"max": MAX_MESSAGE})
    return body


@transaction.atomic
def start(
    kind: str,
    *,
    name: str,
    email: str,
    body: str,
    user: User | None,
    now: datetime,
    page_url: str = "",
    language: str = "es",
) -> Conversation:
    """Open a conversation with the visitor's first message; it waits for an agent.

    Raises ChatClosed when chat is not open to them now, ChatError for a bad message.
    """
    logged_in = user is not None and user.is_authenticated
    organisation = None
    if kind == Conversation.Kind.SUPPORT and user is not None and logged_in:
        services = _services_of(user)
        state = _support_availability(services, now=now)
        organisation = services[0].organisation if services else None
    else:
        state = availability(kind, user, now=now)
    if not state.open:
        raise ChatClosed(state)
    if kind not in Conversation.Kind.values:
        raise ChatError(_("Unknown kind of chat."))
    body = _clean(body)
    conversation = Conversation.objects.create(
        token=secrets.token_urlsafe(24),
        kind=kind,
        department=_department(kind),
        visitor_name=(str(user) if logged_in else name.strip())[:150],
        visitor_email=(user.email if logged_in else email.strip())[:254],  # type: ignore[union-attr]
        user=user if logged_in else None,
        organisation=organisation,
        language=language if language in dict(settings.LANGUAGES) else "es",
        page_url=page_url[:500],
        started_at=now,
    )
    ChatMessage.objects.create(
        conversation=conversation,
        sender=ChatMessage.Sender.VISITOR,
        author=conversation.user,
        body=body,
        created_at=now,
    )
    _tell_desk()
    return conversation


def leave_message(
    kind: str, *, name: str, email: str, body: str, user: User | None, now: datetime
) -> Ticket:
    """Out of chat hours, what the visitor wrote becomes a case for the department."""
    requester = _requester(user, name, email)
    return open_ticket(
        requester=requester,
        subject=_chat_subject(body),
        body=body.strip()[:MAX_MESSAGE],
        channel=Ticket.Channel.CHAT,
        now=now,
        department=_department(kind),
    )


def _requester(user: User | None, name: str, email: str) -> User:
    """The customer, or the contact a visitor's email names (created the first time)."""
    return user or user_for_sender(Address(name[:150], email.lower()))


def _chat_subject(text: str) -> str:
    return _("Chat: %(text)s") % {"text": " ".join(text.split())[:80]}


def conversations_for_agent(agent: User) -> list[Conversation]:
    """Waiting conversations of the departments the agent sees, and the agent's own."""
    return list(
        Conversation.objects.exclude(status=Conversation.Status.ENDED)
        .filter(
            Q(status=Conversation.Status.WAITING, department__in=visible_department_ids(agent))
            | Q(agent=agent)
        )
        .select_related("department", "organisation")
        .order_by("started_at", "pk")
    )


def may_join(agent: User, conversation: Conversation) -> bool:
    if conversation.agent_id is not None:
        return conversation.agent_id == agent.pk
    return conversation.department_id in visible_department_ids(agent)


@transaction.atomic
def post(
    conversation: Conversation, *, sender: str, author: User | None, body: str, now: datetime
) -> ChatMessage:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == Conversation.Status.ENDED:
        raise ChatError(_("This conversation has ended."))
    if sender == ChatMessage.Sender.AGENT and conversation.agent_id != getattr(author, "pk", None):
        raise ChatError(_("Take the conversation before writing in it."))
    message = ChatMessage.objects.create(
        conversation=conversation, sender=sender, author=author, body=_clean(body), created_at=now
    )
    _tell(
        conversation.group,
        {"type": "chat.message", "conversation": conversation.pk, "message": message_data(message)},
    )
    return message


@transaction.atomic
def accept(conversation: Conversation, *, agent: User, now: datetime) -> Conversation:
    """The agent takes a waiting conversation; the visitor is told who is with them."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status != Conversation.Status.WAITING:
        if conversation.agent_id == agent.pk:
            return conversation
        raise ChatError(_("Another agent has already taken this conversation."))
    if not may_join(agent, conversation):
        raise ChatError(_("This conversation belongs to a department you do not attend."))
    conversation.status = Conversation.Status.ACTIVE
    conversation.agent = agent
    conversation.accepted_at = now
    conversation.save(update_fields=["status", "agent", "accepted_at"])
    with translation.override(conversation.language):
        text = _("%(name)s has joined the conversation.") % {"name": agent.full_name or agent}
    _status_changed(conversation, text, by=None, now=now)
    return conversation


@transaction.atomic
def end(conversation: Conversation, *, by: User | None, now: datetime) -> Conversation:
    """End the conversation and file its transcript as a case (once)."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == Conversation.Status.ENDED:
        return conversation
    conversation.status = Conversation.Status.ENDED
    conversation.ended_at = now
    conversation.ticket = _file_transcript(conversation, now=now)
    conversation.save(update_fields=["status", "ended_at", "ticket"])
    with translation.override(conversation.language):
        text = _("The conversation has ended. Its case number is %(number)s.") % {
            "number": conversation.ticket.display_number
        }
    _status_changed(conversation, text, by=by, now=now)
    return conversation


def _status_changed(
    conversation: Conversation, text: str, *, by: User | None, now: datetime
) -> None:
    """Say what happened in the conversation, and tell everyone its new status."""
    message = ChatMessage.objects.create(
        conversation=conversation,
        sender=ChatMessage.Sender.SYSTEM,
        author=by,
        body=text,
        created_at=now,
    )
    _tell(
        conversation.group,
        {"type": "chat.message", "conversation": conversation.pk, "message": message_data(message)},
    )
    _tell(
        conversation.group,
        {"type": "chat.status", "conversation": conversation.pk, "status": conversation.status},
    )
    _tell_desk()


def transcript(conversation: Conversation) -> str:
    zone = ZoneInfo(settings.TIME_ZONE)
    lines = []
    for message in conversation.messages.select_related("author").order_by("created_at", "pk"):
        if message.sender == ChatMessage.Sender.SYSTEM:
            continue
        who = (
            conversation.visitor_name
            if message.sender == ChatMessage.Sender.VISITOR
            else str(message.author or _("Agent"))
        )
        lines.append(f"[{message.created_at.astimezone(zone):%H:%M}] {who}: {message.body}")
    return "\n".join(lines)


def _file_transcript(conversation: Conversation, *, now: datetime) -> Ticket:
    """A case of the chat channel: the opening message, then the whole transcript.

    Answered conversations are assigned to their agent, who resolves the case
    when nothing is left to do; unanswered ones wait in the queue like any
    new case, so a visitor who gave up waiting still gets an answer.
    """
    requester = _requester(conversation.user, conversation.visitor_name, conversation.visitor_email)
    first = conversation.messages.filter(sender=ChatMessage.Sender.VISITOR).order_by("pk").first()
    opening = first.body if first else conversation.visitor_name
    with translation.override(conversation.language):
        subject = _chat_subject(opening)
    ticket = open_ticket(
        requester=requester,
        subject=subject,
        body=opening,
        channel=Ticket.Channel.CHAT,
        now=conversation.started_at,
        organisation=conversation.organisation,
        department=conversation.department,
        acting_user=conversation.agent,
    )
    if conversation.agent is not None:
        add_message(
            ticket,
            author=conversation.agent,
            body=transcript(conversation),
            from_staff=True,
            now=now,
            kind=Message.Kind.CHAT,
            channel=Ticket.Channel.CHAT,
        )
        update_ticket(ticket, acting_user=conversation.agent, now=now, assignee=conversation.agent)
    return ticket
