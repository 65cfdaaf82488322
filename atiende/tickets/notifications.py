"""Email about tickets, in each recipient's language and time zone.

Actions call these after their transaction commits; each call enqueues a
background task (``django.tasks``), so a slow or failing mail server never
slows down or breaks the request, and the worker retries.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from atiende.accounts.middleware import user_time_zone
from atiende.accounts.models import User
from atiende.accounts.roles import GROUP_NAMES, Role
from atiende.tickets.models import Message, Ticket


def _send(recipients: Iterable[User], template: str, context: dict[str, object]) -> int:
    """Render ``tickets/email/<template>_{subject,body}.txt`` per recipient and send."""
    sent = 0
    for user in recipients:
        if not user.email or not user.is_active:
            continue
        with translation.override(user.preferred_language), timezone.override(user_time_zone(user)):
            full = {**context, "recipient": user, "site_url": settings.SITE_URL}
            subject = " ".join(
                render_to_string(f"tickets/email/{template}_subject.txt", full).split()
            )
            body = render_to_string(f"tickets/email/{template}_body.txt", full)
        EmailMessage(
            subject, body, to=[user.email], headers={"Auto-Submitted": "auto-generated"}
        ).send()
        sent += 1
    return sent


def _ticket(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("requester", "department", "organisation", "plan").get(
        pk=ticket_id
    )


def _customer_url(ticket: Ticket) -> str:
    return settings.SITE_URL + reverse("clientarea:ticket", args=[ticket.number])


def _agent_url(ticket: Ticket) -> str:
    return settings.SITE_URL + reverse("console:ticket", args=[ticket.number])


def department_agents(ticket: Ticket) -> list[User]:
    """Agents to tell about a new case: the department's members, else every agent."""
    members = list(ticket.department.members.filter(is_active=True))
    if members:
        return members
    return list(
        User.objects.filter(
            Q(groups__name=GROUP_NAMES[Role.AGENT]) | Q(groups__name=GROUP_NAMES[Role.SUPERVISOR]),
            is_active=True,
        ).distinct()
    )


@task
def send_ticket_opened(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    _send([ticket.requester], "opened_customer", {"ticket": ticket, "url": _customer_url(ticket)})
    agents = [a for a in department_agents(ticket) if a.pk != ticket.requester_id]
    _send(agents, "opened_agent", {"ticket": ticket, "url": _agent_url(ticket)})


@task
def send_agent_replied(message_id: int) -> None:
    message = Message.objects.select_related("ticket", "author").get(pk=message_id)
    ticket = _ticket(message.ticket_id)
    _send(
        [ticket.requester],
        "replied_customer",
        {"ticket": ticket, "message": message, "url": _customer_url(ticket)},
    )


@task
def send_ticket_resolved(ticket_id: int) -> None:
    ticket = _ticket(ticket_id)
    _send([ticket.requester], "resolved_customer", {"ticket": ticket, "url": _customer_url(ticket)})


@task
def send_ticket_assigned(ticket_id: int, agent_id: int) -> None:
    ticket = _ticket(ticket_id)
    _send(
        User.objects.filter(pk=agent_id),
        "assigned_agent",
        {"ticket": ticket, "url": _agent_url(ticket)},
    )


@task
def send_ticket_merged(ticket_id: int) -> None:
    ticket = Ticket.objects.select_related("requester", "merged_into").get(pk=ticket_id)
    target = ticket.merged_into
    assert target is not None
    _send(
        [ticket.requester],
        "merged_customer",
        {"ticket": ticket, "target": target, "url": _customer_url(target)},
    )


def ticket_opened(ticket_id: int) -> None:
    send_ticket_opened.enqueue(ticket_id)


def agent_replied(message_id: int) -> None:
    send_agent_replied.enqueue(message_id)


def ticket_resolved(ticket_id: int) -> None:
    send_ticket_resolved.enqueue(ticket_id)


def ticket_assigned(ticket_id: int, agent_id: int) -> None:
    send_ticket_assigned.enqueue(ticket_id, agent_id)


def ticket_merged(ticket_id: int) -> None:
    send_ticket_merged.enqueue(ticket_id)
