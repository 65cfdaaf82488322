"""Keep a ticket's SLA deadlines, warnings and breaches up to date.

``refresh_deadlines`` recomputes everything from the ticket's start, its
status history and its plan; actions call it whenever something that moves a
deadline changes. ``sweep`` records warnings and breaches that came due; the
worker runs it every minute.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from atiende.services.models import ResponseTarget
from atiende.sla.business_time import business_time_between
from atiende.sla.clocks import pauses_from_status_changes, read_clock
from atiende.sla.deadlines import clock_for
from atiende.sla.models import SlaAlert
from atiende.tickets.models import Ticket, TicketEvent

Target = SlaAlert.Target
Kind = SlaAlert.Kind


def pause_statuses() -> frozenset[str]:
    """Statuses that stop the clocks: waiting on the customer, and optionally on a third party."""
    paused = {Ticket.Status.PENDING.value}
    if settings.ATIENDE_SLA_PAUSE_ON_HOLD:
        paused.add(Ticket.Status.ON_HOLD.value)
    return frozenset(paused)


@dataclass(frozen=True)
class Alert:
    at: datetime
    target: str
    kind: str
    due: datetime


def response_target(ticket: Ticket) -> ResponseTarget | None:
    """The plan's targets for the ticket's impact (None if the plan has none for it)."""
    return next((t for t in ticket.plan.targets.all() if t.impact == ticket.impact), None)


def status_changes(ticket: Ticket) -> list[tuple[datetime, str, str]]:
    events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS).order_by(
        "at", "id"
    )
    return [(e.at, e.data.get("before", ""), e.data.get("after", "")) for e in events]


def refresh_deadlines(
    ticket: Ticket, *, changes: list[tuple[datetime, str, str]] | None = None
) -> None:
    """Recompute the ticket's deadlines, ``due_at`` and alert schedule (the caller saves).

    ``changes`` are the ticket's status changes (loaded when not given).
    Deadlines already met stay as they were, for the reports.
    """
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        # Nothing is due on a finished case; the deadlines stay for the reports.
        ticket.due_at, ticket.next_alert_at, ticket.sla_schedule = None, None, []
        return
    target = response_target(ticket)
    if target is None:
        ticket.due_at, ticket.next_alert_at, ticket.sla_schedule = None, None, []
        return
    if changes is None:
        changes = status_changes(ticket) if ticket.pk else []
    calendar = clock_for(ticket.plan, ticket.channel, around=ticket.created_at)
    pauses = pauses_from_status_changes(changes, pause_statuses())
    share = settings.ATIENDE_SLA_WARNING_PERCENT / 100
    clocks: list[tuple[str, datetime, int]] = []
    if ticket.first_response_at is None:
        clocks.append((Target.FIRST_RESPONSE, ticket.created_at, target.first_response_minutes))
    elif ticket.awaiting_reply_since is not None:
        clocks.append(
            (Target.NEXT_RESPONSE, ticket.awaiting_reply_since, target.next_response_minutes)
        )
    clocks.append((Target.RESOLUTION, ticket.created_at, target.resolution_minutes))
    if ticket.awaiting_reply_since is None:
        ticket.next_response_due = None

    schedule: list[Alert] = []
    running_dues = []
    for name, start, minutes in clocks:
        reading = read_clock(
            calendar, start=start, target=timedelta(minutes=minutes), pauses=pauses
        )
        setattr(ticket, f"{name}_due", reading.due)
        if reading.due is None:
            continue  # paused: no deadline, no alerts until the clock runs again
        running_dues.append(reading.due)
        warning = read_clock(
            calendar, start=start, target=timedelta(minutes=minutes * share), pauses=pauses
        )
        if warning.due is not None and warning.due < reading.due:
            schedule.append(Alert(warning.due, name, Kind.WARNING, reading.due))
        schedule.append(Alert(reading.due, name, Kind.BREACH, reading.due))

    ticket.due_at = min(running_dues) if running_dues else None
    if ticket.pk:
        recorded = set(
            SlaAlert.objects.filter(ticket=ticket).values_list("target", "kind", "due_at")
        )
        schedule = [a for a in schedule if (a.target, a.kind, a.due) not in recorded]
    schedule.sort(key=lambda a: a.at)
    ticket.sla_schedule = [
        [a.at.isoformat(), a.target, a.kind, a.due.isoformat()] for a in schedule
    ]
    ticket.next_alert_at = schedule[0].at if schedule else None


SLA_FIELDS = [
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "due_at",
    "sla_schedule",
    "next_alert_at",
]


def _save_schedules(tickets: list[Ticket]) -> None:
    """Write each ticket's remaining schedule with one prepared UPDATE run many times.

    ``bulk_update`` would build a CASE expression over the whole batch, which
    costs more to compile than the update itself.
    """
    if not tickets:
        return
    schedule_field = Ticket._meta.get_field("sla_schedule")
    alert_field = Ticket._meta.get_field("next_alert_at")
    schedule_column, alert_column, pk_column = (
        schedule_field.column,
        alert_field.column,
        Ticket._meta.pk.column,
    )
    # Concrete fields always have a column.
    assert schedule_column is not None and alert_column is not None and pk_column is not None
    quote = connection.ops.quote_name
    # Only quoted model and column names are interpolated; values are parameters.
    sql = (
        f"UPDATE {quote(Ticket._meta.db_table)} SET {quote(schedule_column)} = %s, "  # noqa: S608
        f"{quote(alert_column)} = %s WHERE {quote(pk_column)} = %s"
    )
    rows = [
        (
            schedule_field.get_db_prep_save(ticket.sla_schedule, connection),
            alert_field.get_db_prep_save(ticket.next_alert_at, connection),
            ticket.pk,
        )
        for ticket in tickets
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def sweep(*, now: datetime, batch: int = 500) -> list[SlaAlert]:
    """Record every warning and breach that came due by ``now``; each exactly once.

    Reads only tickets whose next alert is due (a partial index on
    ``next_alert_at``), in batches, skipping rows another worker holds.
    Escalation mail goes out after each batch commits.
    """
    from atiende.sla import escalation

    recorded: list[SlaAlert] = []
    while True:
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(next_alert_at__lte=now)
                .order_by("next_alert_at")
                .only("pk", "sla_schedule", "next_alert_at")[:batch]
            )
            batch_alerts = []
            for ticket in tickets:
                remaining = []
                for at_iso, target, kind, due_iso in ticket.sla_schedule:
                    at, due = parse_datetime(at_iso), parse_datetime(due_iso)
                    if at is not None and due is not None and at <= now:
                        batch_alerts.append(
                            SlaAlert(
                                ticket_id=ticket.pk,
                                target=target,
                                kind=kind,
                                due_at=due,
                                at=at,
                                recorded_at=now,
                            )
                        )
                    else:
                        remaining.append([at_iso, target, kind, due_iso])
                ticket.sla_schedule = remaining
                ticket.next_alert_at = parse_datetime(remaining[0][0]) if remaining else None
            _save_schedules(tickets)
            created = SlaAlert.objects.bulk_create(batch_alerts, ignore_conflicts=True)
            ids = [(a.ticket_id, a.target, a.kind, a.due_at) for a in created]
            transaction.on_commit(functools.partial(escalation.alerts_recorded, ids))
        recorded.extend(created)
        if len(tickets) < batch:
            return recorded


@dataclass(frozen=True)
class TimeLeft:
    """The clock an agent should watch: which target, its deadline and what is left."""

    target: str
    due: datetime
    business_left: timedelta  # negative when overdue (wall-clock time since the deadline)
    state: str  # "ok", "warning" (past the warning share) or "late"

    @property
    def label(self) -> str:
        return str(Target(self.target).label)


def time_left(ticket: Ticket, *, now: datetime) -> TimeLeft | None:
    """What is left on the ticket's most urgent running clock, in business time."""
    if ticket.due_at is None:
        return None
    if ticket.first_response_at is None:
        name, minutes_field = Target.FIRST_RESPONSE, "first_response_minutes"
    elif ticket.next_response_due == ticket.due_at:
        name, minutes_field = Target.NEXT_RESPONSE, "next_response_minutes"
    else:
        name, minutes_field = Target.RESOLUTION, "resolution_minutes"
    due = ticket.due_at
    if due <= now:
        return TimeLeft(name, due, -(now - due), "late")
    calendar = clock_for(ticket.plan, ticket.channel, around=now)
    left = business_time_between(calendar, now, due)
    target = response_target(ticket)
    share_left = 1 - settings.ATIENDE_SLA_WARNING_PERCENT / 100
    total = timedelta(minutes=getattr(target, minutes_field, 0) or 0)
    state = "warning" if total and left <= total * share_left else "ok"
    return TimeLeft(name, due, left, state)
