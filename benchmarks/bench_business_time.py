"""Micro-benchmark for atiende.sla.business_time.

Run from the project root:

    python benchmarks/bench_business_time.py [--calls 2000]

Measures, per call, ``add_business_time`` of 1,000 business hours and
``business_time_between`` across two years on a Bogotá office calendar
(Mon-Fri 08:00-12:00 and 14:00-18:00, Sat 08:00-12:00, Colombian public
holidays 2024-2035), and prints the median and 95th percentile in
microseconds. Two situations are timed:

* "warm": one calendar reused for every call, so its per-date cache fills up;
* "fresh calendar": a new ``BusinessCalendar`` per call (construction not
  timed), as when a calendar is rebuilt from the database for each request.

Only the standard library, the module under test and the ``holidays``
package (a dependency of the project, used for the holiday dates) are used.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays as holiday_data

try:
    from atiende.sla.business_time import (
        BusinessCalendar,
        add_business_time,
        business_time_between,
    )
except ModuleNotFoundError:  # running from a checkout where the project is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from atiende.sla.business_time import (
        BusinessCalendar,
        add_business_time,
        business_time_between,
    )

BOGOTA = ZoneInfo("America/Bogota")
MORNING = (time(8, 0), time(12, 0))
AFTERNOON = (time(14, 0), time(18, 0))
WEEKLY_HOURS = {**{weekday: [MORNING, AFTERNOON] for weekday in range(5)}, 5: [MORNING]}
THOUSAND_HOURS = timedelta(hours=1000)
TWO_YEARS = timedelta(days=730)


def colombian_holidays() -> frozenset[date]:
    return frozenset(holiday_data.country_holidays("CO", years=range(2024, 2036)))


def make_calendar(public_holidays: frozenset[date]) -> BusinessCalendar:
    return BusinessCalendar("America/Bogota", WEEKLY_HOURS, holidays=public_holidays)


def random_starts(count: int, seed: int = 2025) -> list[datetime]:
    """Instants spread over 2024-2031 (so 1,000 hours or 2 years stay within the holidays)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample, not security
    first = datetime(2024, 1, 1, tzinfo=BOGOTA)
    span_seconds = int((datetime(2032, 1, 1, tzinfo=BOGOTA) - first).total_seconds())
    return [first + timedelta(seconds=rng.randrange(span_seconds)) for _ in range(count)]


def time_calls(
    starts: Sequence[datetime],
    calendars: Callable[[], BusinessCalendar],
    call: Callable[[BusinessCalendar, datetime], object],
) -> list[float]:
    """Per-call durations in microseconds; building the calendar is not timed."""
    durations: list[float] = []
    for start in starts:
        calendar = calendars()
        began = clock.perf_counter()
        call(calendar, start)
        durations.append((clock.perf_counter() - began) * 1e6)
    return durations


def summarise(label: str, durations: Sequence[float]) -> str:
    p95 = statistics.quantiles(durations, n=20)[-1]
    return f"{label:<52} median {statistics.median(durations):8.1f} us   p95 {p95:8.1f} us"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark atiende.sla.business_time.")
    parser.add_argument("--calls", type=int, default=2000, help="calls per measurement")
    args = parser.parse_args(argv)

    public_holidays = colombian_holidays()
    shared = make_calendar(public_holidays)
    starts = random_starts(args.calls)

    def add(calendar: BusinessCalendar, start: datetime) -> object:
        return add_business_time(calendar, start, THOUSAND_HOURS)

    def between(calendar: BusinessCalendar, start: datetime) -> object:
        return business_time_between(calendar, start, start + TWO_YEARS)

    # Sanity check: the two functions agree, so we are timing real work.
    end = add_business_time(shared, starts[0], THOUSAND_HOURS)
    assert business_time_between(shared, starts[0], end) == THOUSAND_HOURS

    print(f"{args.calls} calls each, Python {sys.version.split()[0]}")
    for label, call in (
        ("add_business_time(1,000 h)", add),
        ("business_time_between(2 years)", between),
    ):
        time_calls(starts[:50], lambda: shared, call)  # warm-up: imports, zone data
        print(summarise(f"{label}, warm", time_calls(starts, lambda: shared, call)))
        fresh = time_calls(starts, lambda: make_calendar(public_holidays), call)
        print(summarise(f"{label}, fresh calendar", fresh))


if __name__ == "__main__":
    main()
