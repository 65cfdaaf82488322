"""Business-time arithmetic: "when will 8 working hours have passed?".

Framework-free (no Django) so it can be used from models, tasks, the API and
tests alike. Everything here is exact to the microsecond (and therefore to the
second): all arithmetic is done on integer microseconds since the Unix epoch,
never on floats.

Model
-----
A :class:`BusinessCalendar` describes opening hours as *local wall-clock*
intervals per weekday (Monday is 0), in one IANA time zone, plus closed
``holidays`` and ``extra_open_days`` (special dates with their own hours that
win over both the weekday hours and any holiday).

Each interval ``[start, end)`` of a local date is turned into a real interval
of instants by converting both ends with :mod:`zoneinfo`, and business time is
the *real elapsed time* spent inside those intervals. So on the day clocks
spring forward in Europe/Madrid an interval 01:00-04:00 lasts 2 hours, and on
the day they fall back it lasts 4 hours.

Local times that do not exist or exist twice are resolved deterministically:

* ambiguous times (the repeated hour when clocks fall back) use ``fold=0``,
  i.e. their *first* occurrence;
* nonexistent times (inside the gap when clocks spring forward) map to the
  instant right *after* the gap, i.e. the moment of the transition.

This mapping never goes backwards in time, so the intervals of consecutive
days stay ordered and never overlap; an interval that falls entirely inside a
gap simply lasts zero seconds.

Conventions
-----------
* Intervals are half-open: at 08:00 the desk is open, at 12:00 it is closed.
* An interval ending at ``time(0, 0)`` ends at midnight at the end of its day;
  ``(time(0, 0), time(0, 0))`` is the whole day.
* :func:`add_business_time` returns the *earliest* instant at which ``delta``
  of business time has elapsed. Hence adding exactly the time left before
  closing returns the closing instant (12:00, not the 14:00 reopening), and
  adding zero returns ``start`` itself (converted to UTC) even when ``start``
  is outside business hours.
* All returned datetimes are aware and in UTC; all input datetimes must be
  aware (naive ones raise ``ValueError``).

Performance
-----------
Long spans are not walked day by day. A day is *regular* when it is neither a
holiday nor an extra day and the zone's UTC offset does not change during it;
a regular day's business time is simply the nominal length of its weekday's
intervals. Between two irregular days the total is therefore computed in
closed form (whole weeks times the weekly total plus a few leftover weekdays),
and only the irregular days (found by bisecting sorted lists) are converted
exactly. Adding 1,000 business hours touches a few dozen days at most.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BusinessCalendar",
    "add_business_time",
    "business_time_between",
    "is_open",
    "next_closing",
    "next_opening",
]

type _Span = tuple[int, int]
"""A half-open ``[start, end)`` interval in integer microseconds."""

type _Spans = tuple[_Span, ...]

_US_PER_SECOND: Final = 1_000_000
_DAY_US: Final = 86_400 * _US_PER_SECOND
_ONE_US: Final = timedelta(microseconds=1)
_ONE_DAY: Final = timedelta(days=1)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_FULL_DAY: Final[_Spans] = ((0, _DAY_US),)

# Per-calendar cache of the exact UTC spans of a local date. Bounded so that a
# long-running process answering questions about many different dates does
# not grow without limit; clearing it only costs recomputation.
_DAY_CACHE_LIMIT: Final = 8192


# --------------------------------------------------------------------------- #
# Conversions
# --------------------------------------------------------------------------- #


def _to_us(moment: datetime, name: str) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment!r}")
    # Aware subtraction with different tzinfos compares real instants; when
    # both are datetime.UTC the plain wall-clock difference is the same thing.
    return (moment - _EPOCH) // _ONE_US


def _from_us(us: int) -> datetime:
    """Aware UTC datetime for microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=us)


def _offset_us(moment: datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None  # ZoneInfo always answers for aware datetimes
    return offset // _ONE_US


def _local_to_us(tz: ZoneInfo, day: date, us_of_day: int) -> int:
    """The instant of local wall time ``day + us_of_day`` (``us_of_day`` may be a full day).

    Ambiguous times resolve to their first occurrence (``fold=0``); times in a
    spring-forward gap resolve to the instant right after the gap.
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(microseconds=us_of_day)
    # Per PEP 495: in a fold, fold=0 gives the earlier (larger) offset; in a
    # gap, fold=0 gives the offset *before* the transition (the smaller one).
    early = _offset_us(naive.replace(tzinfo=tz))
    late = _offset_us(naive.replace(tzinfo=tz, fold=1))
    local_us = (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US + us_of_day
    if early >= late:  # unambiguous, or ambiguous and we want fold=0
        return local_us - early
    # Nonexistent: the transition lies in (local - late, local - early].
    return _transition_between(tz, local_us - late, local_us - early, early)


def _transition_between(tz: ZoneInfo, low_us: int, high_us: int, before_us: int) -> int:
    """Instant of the offset change in ``(low_us, high_us]``, by bisection on seconds.

    zoneinfo does not expose its transition table, but the offset before the
    transition (``before_us``) is known, and tzdata transitions fall on whole
    seconds, so ~12 probes pin down a one-hour gap exactly. Only days with a
    gap pay for this, and they are cached.
    """
    low = low_us // _US_PER_SECOND  # offset here is still `before_us`
    high = -(-high_us // _US_PER_SECOND)  # offset here is already the new one
    while high - low > 1:
        middle = (low + high) // 2
        probe = (_EPOCH + timedelta(seconds=middle)).astimezone(tz)
        if _offset_us(probe) == before_us:
            low = middle
        else:
            high = middle
    return high * _US_PER_SECOND


@functools.lru_cache(maxsize=1024)
def _offset_change_days(tz: ZoneInfo, year: int) -> tuple[date, ...]:
    """Local dates of ``year`` during which the zone's UTC offset changes.

    A date is flagged when the offsets at its midnight and at the next one
    (both read with ``fold=0``) differ. This would miss two transitions that
    cancel out within a single day; tzdata has no such pair (the closest
    cancelling pair, Africa/Freetown in 1939, is almost four days apart), so
    it is exact in practice. Flagging a day too many would only cost speed, never accuracy.
    """
    flagged: list[date] = []
    # Aware + timedelta is wall-clock arithmetic: it steps from local midnight
    # to local midnight (fold=0), which is cheaper than building each datetime.
    midnight = datetime(year, 1, 1, tzinfo=tz)
    offset = _offset_us(midnight)
    days = (date(year, 12, 31) - date(year, 1, 1)).days + (1 if year < 9999 else 0)
    for _ in range(days):
        following = midnight + _ONE_DAY
        next_offset = _offset_us(following)
        if next_offset != offset:
            flagged.append(midnight.date())
        midnight, offset = following, next_offset
    return tuple(flagged)


# --------------------------------------------------------------------------- #
# Input validation
# --------------------------------------------------------------------------- #


def _load_zone(name: str) -> ZoneInfo:
    if not isinstance(name, str):
        raise TypeError(f"timezone must be an IANA time zone name (str), got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}: expected an IANA name such as 'America/Bogota'"
        ) from exc


def _time_to_us(value: object, where: str) -> int:
    if not isinstance(value, time):
        raise ValueError(f"{where}: interval bounds must be datetime.time, got {value!r}")
    if value.tzinfo is not None:
        raise ValueError(
            f"{where}: interval bounds are local wall-clock times and must not carry a tzinfo"
        )
    seconds = (value.hour * 60 + value.minute) * 60 + value.second
    return seconds * _US_PER_SECOND + value.microsecond


def _normalise_intervals(intervals: Iterable[tuple[time, time]], where: str) -> _Spans:
    """Validate one day's intervals; return them sorted, with touching ones merged."""
    if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Iterable):
        raise ValueError(f"{where}: expected a list of (start, end) time pairs, got {intervals!r}")
    spans: list[_Span] = []
    for item in intervals:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(
                f"{where}: each interval must be a (start, end) pair of datetime.time, got {item!r}"
            ) from None
        start_us = _time_to_us(start, where)
        end_us = _time_to_us(end, where) or _DAY_US  # 00:00 as an end means midnight
        if start_us >= end_us:
            raise ValueError(
                f"{where}: interval {start.isoformat()}-{end.isoformat()} must start before it "
                "ends (use time(0, 0) as the end for midnight)"
            )
        spans.append((start_us, end_us))
    spans.sort()
    merged: list[_Span] = []
    for start_us, end_us in spans:
        if merged and start_us < merged[-1][1]:
            raise ValueError(
                f"{where}: intervals overlap ({_format_span(merged[-1])} and "
                f"{_format_span((start_us, end_us))})"
            )
        if merged and start_us == merged[-1][1]:
            # Touching intervals are one open stretch; merging keeps
            # next_closing() and equality simple.
            merged[-1] = (merged[-1][0], end_us)
        else:
            merged.append((start_us, end_us))
    return tuple(merged)


def _us_to_time(us: int) -> time:
    if us == _DAY_US:
        return time(0, 0)
    seconds, micro = divmod(us, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def _format_span(span: _Span) -> str:
    return f"{_us_to_time(span[0]).isoformat()}-{_us_to_time(span[1]).isoformat()}"


def _check_date(value: object, where: str) -> date:
    # datetime is a subclass of date; accepting it would silently drop its time.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{where} must contain datetime.date values, got {value!r}")
    return value


# --------------------------------------------------------------------------- #
# The calendar
# --------------------------------------------------------------------------- #


class BusinessCalendar:
    """Immutable weekly opening hours in a time zone, with holidays and special days.

    ``weekly_hours`` maps a weekday (0 = Monday ... 6 = Sunday) to a list of
    ``(start, end)`` local times; missing weekdays are closed. ``holidays`` are
    local dates closed all day. ``extra_open_days`` maps a local date to its own
    intervals, replacing the weekday hours and overriding any holiday (an empty
    list closes that date).

    Instances are hashable and compare by value. They cache derived data per
    local date internally; that cache is invisible and does not affect
    equality.
    """

    __slots__ = (
        "_all_days_full",
        "_always",
        "_closing_specials",
        "_day_cache",
        "_extra",
        "_extra_dates",
        "_hash",
        "_holiday_set",
        "_holidays",
        "_nominal",
        "_nominal_prefix",
        "_timezone",
        "_tz",
        "_week_us",
        "_weekly",
    )

    _timezone: str
    _tz: ZoneInfo
    _weekly: tuple[_Spans, ...]
    _nominal: tuple[int, ...]
    _nominal_prefix: tuple[int, ...]
    _week_us: int
    _holidays: tuple[date, ...]
    _holiday_set: frozenset[date]
    _extra: Mapping[date, _Spans]
    _extra_dates: tuple[date, ...]
    _all_days_full: bool
    _always: bool
    _closing_specials: tuple[date, ...]
    _day_cache: dict[date, _Spans]
    _hash: int

    def __init__(
        self,
        timezone: str,
        weekly_hours: Mapping[int, Sequence[tuple[time, time]]],
        holidays: Iterable[date] = (),
        extra_open_days: Mapping[date, Sequence[tuple[time, time]]] | None = None,
    ) -> None:
        tz = _load_zone(timezone)
        if not isinstance(weekly_hours, Mapping):
            raise ValueError("weekly_hours must be a mapping of weekday (0=Monday) to intervals")
        weekly: list[_Spans] = [() for _ in range(7)]
        for weekday, intervals in weekly_hours.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(
                    f"weekly_hours keys must be weekdays 0 (Monday) to 6, got {weekday!r}"
                )
            weekly[int(weekday)] = _normalise_intervals(intervals, f"weekly_hours[{weekday}]")
        holiday_set = frozenset(_check_date(day, "holidays") for day in holidays)
        if extra_open_days is not None and not isinstance(extra_open_days, Mapping):
            raise ValueError("extra_open_days must be a mapping of date to intervals")
        extra: dict[date, _Spans] = {}
        for day, intervals in (extra_open_days or {}).items():
            _check_date(day, "extra_open_days")
            extra[day] = _normalise_intervals(intervals, f"extra_open_days[{day.isoformat()}]")

        nominal = tuple(sum(end - start for start, end in spans) for spans in weekly)
        # prefix[i] = nominal business time of weekdays i' < i, over two weeks,
        # so any run of up to 7 consecutive weekdays is one subtraction.
        prefix = [0]
        for index in range(14):
            prefix.append(prefix[-1] + nominal[index % 7])
        all_days_full = all(spans == _FULL_DAY for spans in weekly)

        set_attr = object.__setattr__
        set_attr(self, "_timezone", timezone)
        set_attr(self, "_tz", tz)
        set_attr(self, "_weekly", tuple(weekly))
        set_attr(self, "_nominal", nominal)
        set_attr(self, "_nominal_prefix", tuple(prefix))
        set_attr(self, "_week_us", sum(nominal))
        set_attr(self, "_holidays", tuple(sorted(holiday_set)))
        set_attr(self, "_holiday_set", holiday_set)
        set_attr(self, "_extra", extra)
        set_attr(self, "_extra_dates", tuple(sorted(extra)))
        set_attr(self, "_all_days_full", all_days_full)
        set_attr(self, "_always", all_days_full and not holiday_set and not extra)
        # Dates that interrupt an otherwise round-the-clock week (used by
        # next_closing to jump over long open stretches).
        closing = {day for day in holiday_set if day not in extra}
        closing.update(day for day, spans in extra.items() if spans != _FULL_DAY)
        set_attr(self, "_closing_specials", tuple(sorted(closing)))
        set_attr(self, "_day_cache", {})
        set_attr(
            self,
            "_hash",
            hash((timezone, tuple(weekly), holiday_set, frozenset(extra.items()))),
        )

    @classmethod
    def always(cls) -> BusinessCalendar:
        """The 24/7 calendar: every instant is business time (UTC, no holidays)."""
        whole_day = [(time(0, 0), time(0, 0))]
        return cls("UTC", {weekday: whole_day for weekday in range(7)})

    # -- value-object plumbing ------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.timezone, self.weekly_hours, self._holidays, self.extra_open_days),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return (
            self.timezone == other.timezone
            and self._weekly == other._weekly
            and self._holiday_set == other._holiday_set
            and self._extra == other._extra
        )

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        days = ", ".join(
            f"{weekday}: [{', '.join(_format_span(span) for span in spans)}]"
            for weekday, spans in enumerate(self._weekly)
            if spans
        )
        return (
            f"BusinessCalendar({self.timezone!r}, {{{days}}}, "
            f"holidays=<{len(self._holidays)} dates>, "
            f"extra_open_days=<{len(self._extra)} dates>)"
        )

    # -- read-only views (normalised: sorted, touching intervals merged) -------

    @property
    def timezone(self) -> str:
        """The IANA name of the zone the intervals are expressed in."""
        return self._timezone

    @property
    def weekly_hours(self) -> dict[int, list[tuple[time, time]]]:
        return {
            weekday: [(_us_to_time(start), _us_to_time(end)) for start, end in spans]
            for weekday, spans in enumerate(self._weekly)
            if spans
        }

    @property
    def holidays(self) -> frozenset[date]:
        return self._holiday_set

    @property
    def extra_open_days(self) -> dict[date, list[tuple[time, time]]]:
        return {
            day: [(_us_to_time(start), _us_to_time(end)) for start, end in spans]
            for day, spans in self._extra.items()
        }

    # -- per-day building blocks ------------------------------------------------

    def _local_spans(self, day: date) -> _Spans:
        """The local (wall-clock) intervals that apply on ``day``."""
        special = self._extra.get(day)
        if special is not None:
            return special
        if day in self._holiday_set:
            return ()
        return self._weekly[day.weekday()]

    def _day_spans(self, day: date) -> _Spans:
        """Exact real intervals (epoch microseconds) of ``day``, empty ones dropped."""
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        spans: list[_Span] = []
        for start, end in self._local_spans(day):
            start_us = _local_to_us(self._tz, day, start)
            end_us = _local_to_us(self._tz, day, end)
            if end_us > start_us:  # an interval inside a DST gap lasts nothing
                spans.append((start_us, end_us))
        result = tuple(spans)
        if len(self._day_cache) >= _DAY_CACHE_LIMIT:
            self._day_cache.clear()
        self._day_cache[day] = result
        return result

    def _day_total(self, day: date) -> int:
        return sum(end - start for start, end in self._day_spans(day))

    def _day_before(self, day: date, moment: int) -> int:
        """Business time of ``day`` that lies before the instant ``moment``."""
        total = 0
        for start, end in self._day_spans(day):
            if start >= moment:
                break
            total += min(end, moment) - start
        return total

    def _local_date(self, moment: int) -> date:
        return _from_us(moment).astimezone(self._tz).date()

    # -- regular / irregular days -------------------------------------------

    def _regular_total(self, first: date, stop: date) -> int:
        """Nominal business time of the days ``[first, stop)``, all assumed regular."""
        weeks, rest = divmod((stop - first).days, 7)
        weekday = first.weekday()
        prefix = self._nominal_prefix
        return weeks * self._week_us + prefix[weekday + rest] - prefix[weekday]

    def _next_irregular_in_year(self, day: date) -> date | None:
        """First holiday, extra day or offset-change day at or after ``day``, same year."""
        best: date | None = None
        for dates in (
            self._holidays,
            self._extra_dates,
            _offset_change_days(self._tz, day.year),
        ):
            index = bisect_left(dates, day)
            if index < len(dates):
                found = dates[index]
                if found.year == day.year and (best is None or found < best):
                    best = found
        return best

    def _irregular_days(self, first: date, stop: date) -> set[date]:
        """All holidays, extra days and offset-change days in ``[first, stop)``."""
        found: set[date] = set()
        for dates in (self._holidays, self._extra_dates):
            found.update(dates[bisect_left(dates, first) : bisect_left(dates, stop)])
        for year in range(first.year, stop.year + 1):
            found.update(day for day in _offset_change_days(self._tz, year) if first <= day < stop)
        return found

    def _whole_days_total(self, first: date, stop: date) -> int:
        """Exact business time of the whole local days ``[first, stop)``."""
        if stop <= first:
            return 0
        total = self._regular_total(first, stop)
        for day in self._irregular_days(first, stop):
            total += self._day_total(day) - self._nominal[day.weekday()]
        return total

    # -- the algorithms -------------------------------------------------------

    def _between(self, start: int, end: int) -> int:
        """Business microseconds in ``[start, end)``; requires ``start < end``.

        Computed as (business time from the start of ``first`` up to ``end``)
        minus (the same up to ``start``). The local date of an instant is not
        always the calendar day it belongs to: where clocks fall back across
        midnight (e.g. America/St_Johns until 2011, 00:01 -> 23:01) the
        following day's hours may already have begun, so the day after each
        local date is looked at too.
        """
        first = self._local_date(start)
        last = self._local_date(end)
        return (
            self._whole_days_total(first, last)
            + self._day_before(last, end)
            + self._day_before(last + _ONE_DAY, end)
            - self._day_before(first, start)
            - self._day_before(first + _ONE_DAY, start)
        )

    def _consume_day(self, day: date, remaining: int) -> tuple[int | None, int]:
        """Spend ``remaining`` in ``day``: (instant where it runs out, or None; what is left)."""
        for start, end in self._day_spans(day):
            length = end - start
            if remaining <= length:
                return start + remaining, 0
            remaining -= length
        return None, remaining

    def _add(self, start: int, amount: int) -> int:
        """Earliest instant with ``amount`` (> 0) business microseconds after ``start``."""
        day = self._local_date(start)
        # Count from the beginning of `day`: what was already spent before
        # `start` (on `day`, or on the next day where clocks fall back across
        # midnight) is added to the budget.
        remaining = amount + self._day_before(day, start) + self._day_before(day + _ONE_DAY, start)
        while True:
            if self._week_us == 0:
                # No weekly hours: only extra days can ever be open.
                index = bisect_left(self._extra_dates, day)
                if index == len(self._extra_dates):
                    raise ValueError(
                        "the calendar has no business hours after "
                        f"{_from_us(start).isoformat()}; cannot add business time"
                    )
                day = self._extra_dates[index]
                result, remaining = self._consume_day(day, remaining)
                if result is not None:
                    return result
                day += _ONE_DAY
                continue
            irregular = self._next_irregular_in_year(day)
            # Stop at the next irregular day, or at New Year (the offset-change
            # days are looked up one year at a time).
            stop = irregular if irregular is not None else date(day.year + 1, 1, 1)
            run_total = self._regular_total(day, stop)
            if remaining <= run_total:
                return self._resolve_in_regular_run(day, remaining)
            remaining -= run_total
            day = stop
            if irregular is not None:
                result, remaining = self._consume_day(irregular, remaining)
                if result is not None:
                    return result
                day = irregular + _ONE_DAY

    def _resolve_in_regular_run(self, day: date, remaining: int) -> int:
        """Find where ``remaining`` runs out in a run of regular days starting at ``day``.

        The caller guarantees the run holds at least ``remaining``. Whole weeks
        are skipped arithmetically; at most seven days are then looked at.
        """
        weeks = (remaining - 1) // self._week_us
        day += timedelta(days=7 * weeks)
        remaining -= weeks * self._week_us
        while True:
            nominal = self._nominal[day.weekday()]
            if remaining <= nominal:
                result, _ = self._consume_day(day, remaining)
                assert result is not None  # a regular day lasts exactly its nominal time
                return result
            remaining -= nominal
            day += _ONE_DAY

    def _is_open(self, moment: int) -> bool:
        day = self._local_date(moment)
        return any(
            start <= moment < end
            for candidate in (day, day + _ONE_DAY)
            for start, end in self._day_spans(candidate)
        )

    def _next_opening(self, moment: int) -> int | None:
        day = self._local_date(moment)
        while True:
            if self._week_us == 0:
                index = bisect_left(self._extra_dates, day)
                if index == len(self._extra_dates):
                    return None
                day = self._extra_dates[index]
            for start, end in self._day_spans(day):
                if end > moment:
                    return max(start, moment)
            # Terminates: with weekly hours, at most a week (plus holidays) away.
            day += _ONE_DAY

    def _next_closing(self, moment: int) -> int | None:
        """First instant at or after ``moment`` that is not business time."""
        if not self._is_open(moment):
            return moment
        if self._always:
            return None
        day = self._local_date(moment)
        stretch_end: int | None = None
        while True:
            if (
                self._all_days_full
                and stretch_end is not None
                and stretch_end == _local_to_us(self._tz, day, 0)
            ):
                # Round-the-clock weekdays: the stretch can only end on a
                # holiday or a shorter extra day, so jump straight to it.
                index = bisect_left(self._closing_specials, day)
                if index == len(self._closing_specials):
                    return None
                day = self._closing_specials[index]
                stretch_end = _local_to_us(self._tz, day, 0)
            for start, end in self._day_spans(day):
                if end <= moment:
                    continue
                if stretch_end is None:
                    # The first span ending after `moment` contains it (we are open).
                    stretch_end = end
                elif start <= stretch_end:
                    stretch_end = max(stretch_end, end)
                else:
                    return stretch_end
            day += _ONE_DAY


# --------------------------------------------------------------------------- #
# Public functions
# --------------------------------------------------------------------------- #


def add_business_time(calendar: BusinessCalendar, start: datetime, delta: timedelta) -> datetime:
    """The earliest instant (aware, UTC) at which ``delta`` of business time has elapsed.

    A ``start`` outside business hours begins counting at the next opening.
    ``delta == 0`` returns ``start`` itself, converted to UTC, whether or not
    the calendar is open then. Raises ``ValueError`` for a naive ``start``, a
    negative ``delta``, or a positive ``delta`` on a calendar that never opens
    again.
    """
    if not isinstance(delta, timedelta):
        raise TypeError(f"delta must be a timedelta, got {type(delta).__name__}")
    if delta < timedelta(0):
        raise ValueError(f"delta must not be negative, got {delta!r}")
    start_us = _to_us(start, "start")
    amount = delta // _ONE_US
    if amount == 0 or calendar._always:
        return _from_us(start_us + amount)
    return _from_us(calendar._add(start_us, amount))


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Business time elapsed in ``[start, end)``; zero when ``end <= start``."""
    start_us = _to_us(start, "start")
    end_us = _to_us(end, "end")
    if end_us <= start_us:
        return timedelta(0)
    if calendar._always:
        return timedelta(microseconds=end_us - start_us)
    return timedelta(microseconds=calendar._between(start_us, end_us))


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether ``at`` is business time (intervals are half-open: closed at closing time)."""
    moment = _to_us(at, "at")
    return calendar._always or calendar._is_open(moment)


def next_opening(calendar: BusinessCalendar, at: datetime) -> datetime | None:
    """The first instant at or after ``at`` that is business time, in UTC.

    ``at`` itself (in UTC) when the calendar is open then; ``None`` when it
    never opens again (no weekly hours and no extra days ahead).
    """
    moment = _to_us(at, "at")
    if calendar._always:
        return _from_us(moment)
    found = calendar._next_opening(moment)
    return None if found is None else _from_us(found)


def next_closing(calendar: BusinessCalendar, at: datetime) -> datetime | None:
    """The first instant at or after ``at`` that is *not* business time, in UTC.

    While open this is when the current open stretch ends (touching intervals,
    including across midnight, count as one stretch). When already closed it
    is ``at`` itself. ``None`` when the calendar never closes again (24/7).
    """
    moment = _to_us(at, "at")
    if calendar._always:
        return None
    found = calendar._next_closing(moment)
    return None if found is None else _from_us(found)
