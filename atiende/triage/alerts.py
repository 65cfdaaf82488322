"""Tell the on-duty agents at once about a new high-impact case."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from atiende.accounts.roles import department_staff
from atiende.sla.business_time import is_open
from atiende.sla.deadlines import clock_for
from atiende.tickets.models import Ticket
from atiende.tickets.staff_mail import send_to_staff


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
    agents = [a for a in department_staff(ticket.department) if a.pk != ticket.requester_id]
    return send_to_staff(agents, "triage/email/high_impact", {"ticket": ticket, "url": url})
