"""Tell the on-duty agents at once about a new high-impact case."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from atiende.accounts.middleware import user_time_zone
from atiende.accounts.roles import department_staff
from atiende.sla.business_time import is_open
from atiende.sla.deadlines import clock_for
from atiende.tickets.models import Ticket


def high_impact_alert(ticket_id: int) -> None:
    send_high_impact_alert.enqueue(ticket_id)


@task
def send_high_impact_alert(ticket_id: int) -> int:
    """Email the on-duty agents, unless the case's clock is closed right now.

    Outside business hours only plans whose tickets are attended 24/7 (Level 3)
    wake people up; the others are seen first thing at the next opening.
    """
    ticket = Ticket.objects.select_related(
        "department", "plan", "organisation", "case_type", "requester"
    ).get(pk=ticket_id)
    # Decided for the moment the case arrived (the task runs right after).
    arrived = ticket.created_at
    if not is_open(clock_for(ticket.plan, ticket.channel, around=arrived), arrived):
        return 0
    url = settings.SITE_URL + reverse("console:ticket", args=[ticket.number])
    sent = 0
    for agent in department_staff(ticket.department):
        if agent.pk == ticket.requester_id or not agent.email:
            continue
        with (
            translation.override(agent.preferred_language),
            timezone.override(user_time_zone(agent)),
        ):
            context = {"ticket": ticket, "url": url}
            subject = " ".join(
                render_to_string("triage/email/high_impact_subject.txt", context).split()
            )
            body = render_to_string("triage/email/high_impact_body.txt", context)
        EmailMessage(
            subject, body, to=[agent.email], headers={"Auto-Submitted": "auto-generated"}
        ).send()
        sent += 1
    return sent
