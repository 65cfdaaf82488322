"""Turn a stored ``Calendar`` into the arithmetic's ``BusinessCalendar``."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime, time

import holidays as holiday_data

from atiende.sla.business_time import BusinessCalendar
from atiende.sla.models import Calendar

# Years of public holidays loaded around "now": enough for any SLA deadline
# (a few weeks at most) and for the "opens next" display.
HOLIDAY_YEARS_BEFORE = 1
HOLIDAY_YEARS_AFTER = 2


def public_holidays(country: str, *, around: datetime) -> set[date]:
    if not country:
        return set()
    return set(_holidays(country, around.year))


@functools.lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    # Computing a country's holidays takes milliseconds; they do not change
    # while the process runs.
    years = range(year - HOLIDAY_YEARS_BEFORE, year + HOLIDAY_YEARS_AFTER + 1)
    return frozenset(holiday_data.country_holidays(country, years=years).keys())


def business_calendar(calendar: Calendar, *, around: datetime) -> BusinessCalendar:
    """The calendar's hours, public holidays and special days as a BusinessCalendar.

    Uses ``calendar.intervals`` and ``calendar.special_days``; prefetch them
    when converting many calendars.
    """
    if calendar.always_open:
        return BusinessCalendar.always()
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for interval in calendar.intervals.all():
        weekly[interval.weekday].append((interval.start, interval.end))
    closed = public_holidays(calendar.holiday_country, around=around)
    extra_open: dict[date, list[tuple[time, time]]] = {}
    for day in calendar.special_days.all():
        if day.is_closed:
            closed.add(day.date)
        else:
            assert day.open_from is not None and day.open_until is not None
            extra_open.setdefault(day.date, []).append((day.open_from, day.open_until))
    return BusinessCalendar(
        calendar.time_zone,
        {weekday: sorted(spans) for weekday, spans in weekly.items()},
        holidays=closed,
        extra_open_days=extra_open,
    )
