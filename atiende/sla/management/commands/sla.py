"""``atiende sla recompute``: recompute deadlines after editing plans or calendars.

``atiende sla sweep`` records due warnings and breaches now (the worker does it every minute).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from atiende.sla.tracking import sweep
from atiende.tickets.actions import DERIVED_FIELDS, derive
from atiende.tickets.models import Ticket


class Command(BaseCommand):
    help = "SLA maintenance: recompute deadlines of open tickets, or sweep alerts now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="Recompute deadlines of open tickets.")
        recompute.add_argument("--plan", type=int, help="Only tickets on this plan level.")
        sub.add_parser("sweep", help="Record due warnings and breaches now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            alerts = sweep(now=timezone.now())
            self.stdout.write(f"{len(alerts)} alerts recorded")
            return
        tickets = Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).select_related("plan")
        if options.get("plan"):
            tickets = tickets.filter(plan__level=options["plan"])
        count = 0
        for ticket_id in tickets.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update().select_related("plan").get(pk=ticket_id)
                derive(ticket)
                ticket.save(update_fields=DERIVED_FIELDS)
            count += 1
        self.stdout.write(f"{count} tickets recomputed")
