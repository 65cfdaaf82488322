"""Ticket deflection: how many people found their answer instead of opening a case.

A suggestion opened from the ticket form counts as a deflected ticket when the
same person did not open a case within ``WINDOW`` afterwards. The rate compares
those with the cases that were opened from the client area in the same period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from atiende.kb.models import SuggestionClick
from atiende.tickets.models import Ticket

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Deflection:
    suggestions_opened: int
    deflected: int
    tickets_opened: int

    @property
    def rate(self) -> float | None:
        """Share of would-be tickets that were answered by an article (None without data)."""
        total = self.deflected + self.tickets_opened
        return self.deflected / total if total else None


def deflection(*, since: datetime, until: datetime) -> Deflection:
    clicks = SuggestionClick.objects.filter(
        clicked_at__gte=since, clicked_at__lt=until, user__isnull=False
    )
    opened_after = Ticket.objects.filter(
        requester=OuterRef("user"),
        created_at__gte=OuterRef("clicked_at"),
        created_at__lt=OuterRef("clicked_at") + WINDOW,
    )
    # One person opening several suggestions for one problem is one deflection.
    deflected = (
        clicks.filter(~Exists(opened_after)).values("user", "clicked_at__date").distinct().count()
    )
    tickets = Ticket.objects.filter(
        channel=Ticket.Channel.PORTAL, created_at__gte=since, created_at__lt=until
    ).count()
    return Deflection(clicks.count(), deflected, tickets)
