"""A customer's own list of cases, as the client area shows it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from atiende.accounts.models import User
from atiende.tickets.models import Message, Ticket
from atiende.tickets.permissions import tickets_for_customer
from atiende.tickets.queries import text_condition

CLOSED = [Ticket.Status.RESOLVED, Ticket.Status.CLOSED]


def customer_tickets(user: User, *, state: str = "open", query: str = "") -> QuerySet[Ticket]:
    """``state`` open, closed or all; ``query`` a case number, subject words or what they wrote."""
    tickets = tickets_for_customer(user)
    if state == "closed":
        tickets = tickets.filter(status__in=CLOSED)
    elif state != "all":
        tickets = tickets.filter(status__in=Ticket.OPEN_STATUSES)
    if query:
        public_text = Exists(
            Message.objects.filter(
                ticket=OuterRef("pk"), kind=Message.Kind.REPLY, body__icontains=query
            )
        )
        tickets = tickets.filter(text_condition(query) | Q(public_text))
    return tickets.order_by("-updated_at", "-pk")
