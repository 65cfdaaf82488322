"""Tell people about SLA warnings and breaches: the assignee and the department's supervisors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from atiende.accounts.models import User
from atiende.accounts.roles import Role, users_with_role
from atiende.sla.models import SlaAlert
from atiende.tickets.models import Ticket
from atiende.tickets.staff_mail import send_to_staff
from atiende.webhooks import sending as webhooks


def alerts_recorded(alerts: Iterable[tuple[int, str, str, datetime]]) -> None:
    """Queue the escalation mail of a sweep batch as one task (a burst of breaches
    must not mean thousands of queue rows)."""
    alerts = list(alerts)
    batch = [[ticket_id, target, kind, due.isoformat()] for ticket_id, target, kind, due in alerts]
    if not batch:
        return
    send_sla_alerts.enqueue(batch)
    # Asked once per batch: a sweep may record thousands of alerts, and most
    # installations have no webhook for them.
    wanted = {e for e in ("sla.warning", "sla.breached") if webhooks.subscribers(e)}
    for ticket_id, target, kind, due in alerts:
        event = "sla.breached" if kind == SlaAlert.Kind.BREACH else "sla.warning"
        if event in wanted:
            webhooks.emit(event, ticket_id=ticket_id, target=target, due_at=due.isoformat())


@task
def send_sla_alerts(alerts: list[list[object]]) -> int:
    sent = 0
    for ticket_id, target, kind, due_iso in alerts:
        sent += _send_alert(int(ticket_id), str(target), str(kind), str(due_iso))  # type: ignore[call-overload]
    return sent


def escalation_recipients(ticket: Ticket) -> list[User]:
    """The assignee and the department's supervisors (all supervisors if it has none)."""
    supervisors = users_with_role(Role.SUPERVISOR)
    in_department = list(supervisors.filter(departments=ticket.department_id).distinct())
    people = in_department or list(supervisors.distinct())
    if ticket.assignee is not None and ticket.assignee.is_active:
        people.insert(0, ticket.assignee)
    seen: set[int] = set()
    unique: list[User] = []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def _send_alert(ticket_id: int, target: str, kind: str, due_iso: str) -> int:
    ticket = Ticket.objects.select_related("assignee", "department", "organisation", "plan").get(
        pk=ticket_id
    )
    due = parse_datetime(due_iso)
    url = settings.SITE_URL + reverse("console:ticket", args=[ticket.number])
    context = {
        "ticket": ticket,
        "target": SlaAlert.Target(target).label,
        "is_breach": kind == SlaAlert.Kind.BREACH,
        "due": due,
        "url": url,
    }
    return send_to_staff(escalation_recipients(ticket), "sla/email/alert", context)
