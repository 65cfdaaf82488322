"""Background work on tickets, run by ``atiende worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from atiende.tickets.actions import close_resolved_tickets


@task
def close_resolved_tickets_task() -> int:
    """Close cases resolved more than ATIENDE_AUTO_CLOSE_DAYS ago."""
    return close_resolved_tickets(now=timezone.now())
