"""SLA clocks that stop while a case waits on the customer.

A clock has a start, a target amount of business time and the periods it was
paused. Its deadline is the instant when the business time elapsed *outside*
the pauses reaches the target. Deadlines are stored on the ticket (queues sort
by them) but always recomputed from the start and the pause history, never
nudged incrementally, so a pause, a resumption, an impact change or an edited
calendar all give the same exact answer.

Framework-free: the Django side (``sla/tracking.py``) feeds it the ticket's
status history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from atiende.sla.business_time import BusinessCalendar, add_business_time, business_time_between

Pause = tuple[datetime, datetime | None]  # (paused at, resumed at or None while still paused)


@dataclass(frozen=True)
class ClockReading:
    """Where a clock stands: its deadline, or how much is left while paused."""

    due: datetime | None
    remaining: timedelta
    paused: bool


def pauses_from_status_changes(
    changes: Iterable[tuple[datetime, str, str]], pause_statuses: frozenset[str]
) -> list[Pause]:
    """Pause periods from ``(at, before, after)`` status changes in time order."""
    pauses: list[Pause] = []
    started: datetime | None = None
    for at, before, after in changes:
        if started is None and after in pause_statuses and before not in pause_statuses:
            started = at
        elif started is not None and after not in pause_statuses:
            pauses.append((started, at))
            started = None
    if started is not None:
        pauses.append((started, None))
    return pauses


def read_clock(
    calendar: BusinessCalendar,
    *,
    start: datetime,
    target: timedelta,
    pauses: Sequence[Pause] = (),
) -> ClockReading:
    """The deadline of a clock started at ``start`` for ``target`` of business time.

    Pauses that began before ``start`` are clipped to it; while the last pause
    is still open the clock has no deadline, only the business time remaining.
    """
    remaining = target
    cursor = start
    for paused_at, resumed_at in sorted(pauses, key=lambda p: p[0]):
        if resumed_at is not None and resumed_at <= cursor:
            continue
        paused_at = max(paused_at, cursor)
        running = business_time_between(calendar, cursor, paused_at)
        if running >= remaining:
            return ClockReading(add_business_time(calendar, cursor, remaining), timedelta(0), False)
        remaining -= running
        if resumed_at is None:
            return ClockReading(None, remaining, True)
        cursor = resumed_at
    return ClockReading(add_business_time(calendar, cursor, remaining), remaining, False)
