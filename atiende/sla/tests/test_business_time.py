"""Tests for the framework-free business-time arithmetic.

Run without Django:
    python -m pytest -p no:django --noconftest atiende/sla/tests/test_business_time.py
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_data
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from atiende.sla.business_time import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    is_open,
    next_closing,
    next_opening,
)

BOGOTA = ZoneInfo("America/Bogota")
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")

MORNING = (time(8, 0), time(12, 0))
AFTERNOON = (time(14, 0), time(18, 0))
# Mon-Fri 08:00-12:00 and 14:00-18:00, Saturday 08:00-12:00: 44 hours a week.
OFFICE_HOURS: dict[int, list[tuple[time, time]]] = {
    **{weekday: [MORNING, AFTERNOON] for weekday in range(5)},
    5: [MORNING],
}
WHOLE_DAY = [(time(0, 0), time(0, 0))]

# A plain week in Bogotá: Monday 2025-03-10 ... Sunday 2025-03-16, no holidays.
MONDAY = date(2025, 3, 10)


def at(tz: ZoneInfo, day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def bogota(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return at(BOGOTA, day, hour, minute, second)


def office(
    holidays: Iterable[date] = (),
    extra_open_days: dict[date, list[tuple[time, time]]] | None = None,
) -> BusinessCalendar:
    return BusinessCalendar("America/Bogota", OFFICE_HOURS, holidays, extra_open_days)


def day_of(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


# --------------------------------------------------------------------------- #
# add_business_time: exact cases
# --------------------------------------------------------------------------- #


def test_start_inside_hours_adds_wall_clock_time() -> None:
    result = add_business_time(office(), bogota(MONDAY, 9), timedelta(hours=2))
    assert result == bogota(MONDAY, 11)
    assert result.tzinfo is UTC
    assert result == datetime(2025, 3, 10, 16, 0, tzinfo=UTC)


def test_start_before_opening_counts_from_opening() -> None:
    result = add_business_time(office(), bogota(MONDAY, 6, 30), timedelta(hours=1))
    assert result == bogota(MONDAY, 9)


def test_start_after_closing_counts_from_next_morning() -> None:
    result = add_business_time(office(), bogota(MONDAY, 19), timedelta(hours=1))
    assert result == bogota(day_of(1), 9)


def test_start_on_a_weekend_counts_from_monday_morning() -> None:
    sunday = day_of(6)
    result = add_business_time(office(), bogota(sunday, 10), timedelta(minutes=30))
    assert result == bogota(sunday + timedelta(days=1), 8, 30)


def test_start_on_a_holiday_counts_from_next_working_morning() -> None:
    tuesday = day_of(1)
    calendar = office(holidays=[tuesday])
    result = add_business_time(calendar, bogota(tuesday, 10), timedelta(hours=1))
    assert result == bogota(day_of(2), 9)


def test_lunch_break_is_not_counted() -> None:
    result = add_business_time(office(), bogota(MONDAY, 11), timedelta(hours=2))
    assert result == bogota(MONDAY, 15)


def test_weekend_is_skipped_after_the_saturday_morning() -> None:
    friday = day_of(4)
    # Friday 17-18 (1h), Saturday 8-12 (4h), Monday 8-9 (1h).
    result = add_business_time(office(), bogota(friday, 17), timedelta(hours=6))
    assert result == bogota(day_of(7), 9)


def test_saturday_is_a_half_day() -> None:
    saturday = day_of(5)
    assert business_time_between(office(), bogota(saturday), bogota(day_of(6))) == timedelta(
        hours=4
    )
    result = add_business_time(office(), bogota(saturday, 11), timedelta(hours=2))
    assert result == bogota(day_of(7), 9)


def test_a_full_week_holds_44_business_hours() -> None:
    start = bogota(MONDAY, 10, 17, 3)
    assert business_time_between(office(), start, start + timedelta(days=7)) == timedelta(hours=44)
    assert add_business_time(office(), start, timedelta(hours=44)) == start + timedelta(days=7)


def test_reaching_closing_time_exactly_returns_the_closing_instant() -> None:
    result = add_business_time(office(), bogota(MONDAY, 8), timedelta(hours=4))
    assert result == bogota(MONDAY, 12)  # not the 14:00 reopening


def test_interval_ending_at_midnight_runs_to_the_end_of_the_day() -> None:
    calendar = BusinessCalendar("America/Bogota", {0: [(time(18, 0), time(0, 0))]})
    assert add_business_time(calendar, bogota(MONDAY, 23), timedelta(hours=1)) == bogota(day_of(1))
    assert add_business_time(calendar, bogota(MONDAY, 23), timedelta(minutes=90)) == bogota(
        day_of(7), 18, 30
    )
    assert business_time_between(calendar, bogota(MONDAY, 12), bogota(day_of(1), 6)) == timedelta(
        hours=6
    )


def test_extra_opening_day_on_a_holiday_overrides_the_holiday() -> None:
    tuesday = day_of(1)
    calendar = office(holidays=[tuesday], extra_open_days={tuesday: [(time(10), time(13))]})
    result = add_business_time(calendar, bogota(tuesday, 9), timedelta(hours=1))
    assert result == bogota(tuesday, 11)
    assert business_time_between(calendar, bogota(tuesday), bogota(day_of(2))) == timedelta(hours=3)


def test_extra_opening_day_on_a_sunday_is_counted() -> None:
    sunday = day_of(6)
    calendar = office(extra_open_days={sunday: [(time(9), time(11))]})
    result = add_business_time(calendar, bogota(day_of(5), 12), timedelta(hours=3))
    assert result == bogota(day_of(7), 9)


def test_extra_day_with_no_intervals_closes_that_date() -> None:
    calendar = office(extra_open_days={MONDAY: []})
    result = add_business_time(calendar, bogota(MONDAY, 9), timedelta(hours=1))
    assert result == bogota(day_of(1), 9)


def test_always_open_calendar_is_plain_wall_clock_arithmetic() -> None:
    calendar = BusinessCalendar.always()
    # The night clocks spring forward in Madrid: irrelevant to a UTC 24/7 calendar.
    start = at(MADRID, date(2025, 3, 29), 22, 15, 7).astimezone(UTC)
    assert add_business_time(calendar, start, timedelta(hours=1000)) == start + timedelta(
        hours=1000
    )
    end = start + timedelta(days=400, seconds=5)
    assert business_time_between(calendar, start, end) == end - start
    assert is_open(calendar, start)
    assert next_opening(calendar, start) == start
    assert next_closing(calendar, start) is None


def test_zero_delta_returns_the_start_itself_in_utc_even_when_closed() -> None:
    inside = bogota(MONDAY, 9, 30)
    outside = bogota(day_of(6), 3)
    assert add_business_time(office(), inside, timedelta(0)) == inside
    assert add_business_time(office(), outside, timedelta(0)) == outside
    assert add_business_time(office(), outside, timedelta(0)).tzinfo is UTC


def test_seconds_and_microseconds_are_kept_exactly() -> None:
    start = bogota(MONDAY, 11, 59, 59).replace(microsecond=250_000)
    result = add_business_time(office(), start, timedelta(seconds=1, microseconds=1))
    assert result == bogota(MONDAY, 14, 0, 0).replace(microsecond=250_001)


def test_start_given_in_another_zone_is_the_same_instant() -> None:
    start = bogota(MONDAY, 9).astimezone(MADRID)
    assert add_business_time(office(), start, timedelta(hours=1)) == bogota(MONDAY, 10)


def test_negative_delta_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(office(), bogota(MONDAY, 9), timedelta(seconds=-1))


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2025, 3, 10, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(office(), naive, timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(office(), naive, bogota(MONDAY, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(BusinessCalendar.always(), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_opening(office(), naive)


def test_adding_time_to_a_calendar_that_never_opens_raises() -> None:
    calendar = BusinessCalendar("America/Bogota", {})
    with pytest.raises(ValueError, match="no business hours"):
        add_business_time(calendar, bogota(MONDAY), timedelta(seconds=1))


def test_calendar_with_only_extra_days_uses_them() -> None:
    calendar = BusinessCalendar(
        "America/Bogota", {}, extra_open_days={date(2026, 1, 2): [(time(9), time(10))]}
    )
    assert add_business_time(calendar, bogota(MONDAY), timedelta(minutes=30)) == bogota(
        date(2026, 1, 2), 9, 30
    )
    with pytest.raises(ValueError, match="no business hours"):
        add_business_time(calendar, bogota(MONDAY), timedelta(hours=2))


# --------------------------------------------------------------------------- #
# business_time_between
# --------------------------------------------------------------------------- #


def test_between_is_zero_when_end_is_not_after_start() -> None:
    start = bogota(MONDAY, 9)
    assert business_time_between(office(), start, start) == timedelta(0)
    assert business_time_between(office(), start, start - timedelta(hours=1)) == timedelta(0)


def test_between_counts_only_business_hours_over_a_day() -> None:
    calendar = office()
    assert business_time_between(calendar, bogota(MONDAY, 7), bogota(MONDAY, 20)) == timedelta(
        hours=8
    )
    assert business_time_between(
        calendar, bogota(MONDAY, 11, 30), bogota(MONDAY, 14, 15)
    ) == timedelta(minutes=45)


def test_between_over_a_year_subtracts_every_holiday() -> None:
    year_holidays = {day for day in holiday_data.country_holidays("CO", years=2025)}
    calendar = office(holidays=year_holidays)
    start, end = bogota(date(2025, 1, 1)), bogota(date(2026, 1, 1))
    expected = timedelta(0)
    day = date(2025, 1, 1)
    while day < date(2026, 1, 1):
        if day not in year_holidays:
            expected += timedelta(hours=8 if day.weekday() < 5 else 4 if day.weekday() == 5 else 0)
        day += timedelta(days=1)
    assert business_time_between(calendar, start, end) == expected


# --------------------------------------------------------------------------- #
# Colombian public holidays (Ley Emiliani moves many of them to Monday)
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def colombian_weekdays() -> BusinessCalendar:
    public = holiday_data.country_holidays("CO", years=range(2025, 2028))
    return BusinessCalendar(
        "America/Bogota",
        {weekday: [MORNING, AFTERNOON] for weekday in range(5)},
        holidays=public,
    )


def test_holiday_moved_to_monday_is_skipped(colombian_weekdays: BusinessCalendar) -> None:
    # San José (19 March) is observed on Monday 2025-03-24.
    assert date(2025, 3, 24) in colombian_weekdays.holidays
    assert date(2025, 3, 19) not in colombian_weekdays.holidays
    friday = date(2025, 3, 21)
    result = add_business_time(colombian_weekdays, bogota(friday, 17), timedelta(hours=2))
    assert result == bogota(date(2025, 3, 25), 9)


def test_original_date_of_a_moved_holiday_is_a_working_day(
    colombian_weekdays: BusinessCalendar,
) -> None:
    # Epiphany 2026 falls on Tuesday 6 January and is observed on Monday 12 January.
    tuesday, monday = date(2026, 1, 6), date(2026, 1, 12)
    assert business_time_between(
        colombian_weekdays, bogota(tuesday), bogota(tuesday + timedelta(days=1))
    ) == timedelta(hours=8)
    assert business_time_between(
        colombian_weekdays, bogota(monday), bogota(monday + timedelta(days=1))
    ) == timedelta(0)
    assert next_opening(colombian_weekdays, bogota(date(2026, 1, 9), 18)) == bogota(
        date(2026, 1, 13), 8
    )


def test_holy_week_thursday_and_friday_are_skipped(colombian_weekdays: BusinessCalendar) -> None:
    wednesday = date(2026, 4, 1)
    result = add_business_time(colombian_weekdays, bogota(wednesday, 17), timedelta(hours=2))
    assert result == bogota(date(2026, 4, 6), 9)


# --------------------------------------------------------------------------- #
# Daylight-saving time
# --------------------------------------------------------------------------- #

MADRID_SPRING = date(2025, 3, 30)  # 02:00 CET -> 03:00 CEST
MADRID_FALL = date(2025, 10, 26)  # 03:00 CEST -> 02:00 CET
NEW_YORK_SPRING = date(2025, 3, 9)  # 02:00 EST -> 03:00 EDT
NEW_YORK_FALL = date(2025, 11, 2)  # 02:00 EDT -> 01:00 EST


def sundays_only(zone: str, *intervals: tuple[time, time]) -> BusinessCalendar:
    return BusinessCalendar(zone, {6: list(intervals)})


def one_day(calendar: BusinessCalendar, tz: ZoneInfo, day: date) -> timedelta:
    return business_time_between(calendar, at(tz, day), at(tz, day + timedelta(days=1)))


@pytest.mark.parametrize(
    ("zone", "tz", "day", "hours"),
    [
        ("Europe/Madrid", MADRID, MADRID_SPRING, 23),
        ("Europe/Madrid", MADRID, MADRID_FALL, 25),
        ("America/New_York", NEW_YORK, NEW_YORK_SPRING, 23),
        ("America/New_York", NEW_YORK, NEW_YORK_FALL, 25),
        ("America/Bogota", BOGOTA, NEW_YORK_SPRING, 24),
    ],
)
def test_whole_day_interval_lasts_the_real_length_of_the_day(
    zone: str, tz: ZoneInfo, day: date, hours: int
) -> None:
    calendar = sundays_only(zone, *WHOLE_DAY)
    assert one_day(calendar, tz, day) == timedelta(hours=hours)
    assert add_business_time(calendar, at(tz, day), timedelta(hours=hours)) == at(
        tz, day + timedelta(days=1)
    )


def test_madrid_01_to_04_lasts_two_hours_when_clocks_spring_forward() -> None:
    calendar = sundays_only("Europe/Madrid", (time(1), time(4)))
    assert one_day(calendar, MADRID, MADRID_SPRING) == timedelta(hours=2)
    assert one_day(calendar, MADRID, MADRID_SPRING + timedelta(days=7)) == timedelta(hours=3)


def test_madrid_01_to_04_lasts_four_hours_when_clocks_fall_back() -> None:
    calendar = sundays_only("Europe/Madrid", (time(1), time(4)))
    assert one_day(calendar, MADRID, MADRID_FALL) == timedelta(hours=4)
    # 01:00 CEST is 23:00 UTC on Saturday; 3h30 of real time later it is
    # 03:30 CET (the wall clock showed 02:00-03:00 twice).
    result = add_business_time(calendar, at(MADRID, MADRID_FALL), timedelta(hours=3, minutes=30))
    assert result == datetime(2025, 10, 26, 2, 30, tzinfo=UTC)
    assert result.astimezone(MADRID).hour == 3


def test_madrid_early_interval_counts_real_time_across_spring_forward() -> None:
    calendar = sundays_only("Europe/Madrid", (time(0), time(6)))
    result = add_business_time(calendar, at(MADRID, MADRID_SPRING), timedelta(hours=3))
    assert result == at(MADRID, MADRID_SPRING, 4)  # 00:00 CET + 3h = 04:00 CEST
    assert one_day(calendar, MADRID, MADRID_SPRING) == timedelta(hours=5)


def test_madrid_early_interval_counts_real_time_across_fall_back() -> None:
    calendar = sundays_only("Europe/Madrid", (time(0), time(6)))
    result = add_business_time(calendar, at(MADRID, MADRID_FALL), timedelta(hours=3))
    # 00:00 CEST is 22:00 UTC; three real hours later the clock reads 02:00 a second time.
    assert result == datetime(2025, 10, 26, 1, 0, tzinfo=UTC)
    assert result.astimezone(MADRID).replace(tzinfo=None) == datetime(2025, 10, 26, 2, 0)
    assert result.astimezone(MADRID).fold == 1
    assert one_day(calendar, MADRID, MADRID_FALL) == timedelta(hours=7)


def test_new_york_early_interval_counts_real_time_across_both_changes() -> None:
    calendar = sundays_only("America/New_York", (time(0), time(6)))
    spring = add_business_time(calendar, at(NEW_YORK, NEW_YORK_SPRING), timedelta(hours=3))
    assert spring == at(NEW_YORK, NEW_YORK_SPRING, 4)  # 05:00 UTC + 3h = 04:00 EDT
    fall = add_business_time(calendar, at(NEW_YORK, NEW_YORK_FALL), timedelta(hours=3))
    assert fall == datetime(2025, 11, 2, 7, 0, tzinfo=UTC)  # 02:00 EST
    assert one_day(calendar, NEW_YORK, NEW_YORK_SPRING) == timedelta(hours=5)
    assert one_day(calendar, NEW_YORK, NEW_YORK_FALL) == timedelta(hours=7)


def test_nonexistent_opening_time_opens_right_after_the_gap() -> None:
    calendar = sundays_only("Europe/Madrid", (time(2, 30), time(5)))
    opening = next_opening(calendar, at(MADRID, MADRID_SPRING))
    assert opening == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert one_day(calendar, MADRID, MADRID_SPRING) == timedelta(hours=2)


def test_ambiguous_opening_time_uses_its_first_occurrence() -> None:
    calendar = sundays_only("Europe/Madrid", (time(2, 30), time(5)))
    opening = next_opening(calendar, at(MADRID, MADRID_FALL))
    assert opening == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert one_day(calendar, MADRID, MADRID_FALL) == timedelta(hours=3, minutes=30)


def test_interval_inside_the_spring_forward_gap_lasts_nothing() -> None:
    calendar = sundays_only("Europe/Madrid", (time(2, 10), time(2, 50)))
    assert one_day(calendar, MADRID, MADRID_SPRING) == timedelta(0)
    result = add_business_time(calendar, at(MADRID, MADRID_SPRING), timedelta(minutes=10))
    assert result == at(MADRID, MADRID_SPRING + timedelta(days=7), 2, 20)


ST_JOHNS = ZoneInfo("America/St_Johns")
ST_JOHNS_FALL = date(2005, 10, 30)  # 00:01 NDT -> 23:01 NST on the 29th (02:31 UTC)


def test_hours_after_midnight_count_while_the_clock_still_shows_the_day_before() -> None:
    calendar = sundays_only("America/St_Johns", (time(0), time(6)))
    # Sunday 00:00 first occurs at 02:30 UTC; one minute later clocks go back
    # to Saturday 23:01, yet Sunday's hours are running.
    opening = datetime(2005, 10, 30, 2, 30, tzinfo=UTC)
    moment = datetime(2005, 10, 30, 2, 45, tzinfo=UTC)
    assert moment.astimezone(ST_JOHNS).date() == date(2005, 10, 29)
    assert is_open(calendar, moment)
    assert next_opening(calendar, moment) == moment
    assert next_closing(calendar, moment) == datetime(2005, 10, 30, 9, 30, tzinfo=UTC)
    assert add_business_time(calendar, moment, timedelta(hours=1)) == moment + timedelta(hours=1)
    saturday_noon = at(ST_JOHNS, date(2005, 10, 29), 12)
    assert business_time_between(calendar, saturday_noon, moment) == timedelta(minutes=15)
    assert business_time_between(calendar, moment, moment + timedelta(minutes=10)) == timedelta(
        minutes=10
    )
    assert business_time_between(calendar, moment, at(ST_JOHNS, date(2005, 10, 31))) == (
        timedelta(hours=6, minutes=45)
    )
    assert business_time_between(calendar, saturday_noon, at(ST_JOHNS, date(2005, 10, 31))) == (
        timedelta(hours=7)
    )
    assert add_business_time(calendar, saturday_noon, timedelta(minutes=15)) == moment
    assert next_opening(calendar, saturday_noon) == opening


def test_office_week_spanning_a_clock_change_still_holds_its_hours() -> None:
    calendar = BusinessCalendar("Europe/Madrid", OFFICE_HOURS)
    start = at(MADRID, date(2025, 3, 27), 10)  # Thursday before spring-forward
    assert business_time_between(calendar, start, start + timedelta(days=7)) == timedelta(hours=44)
    assert add_business_time(calendar, start, timedelta(hours=44)) == start + timedelta(days=7)


def test_long_span_loses_and_regains_exactly_one_hour_per_year() -> None:
    calendar = sundays_only("Europe/Madrid", *WHOLE_DAY)
    # 2025 has 52 Sundays; spring-forward loses an hour, fall-back returns it.
    year = business_time_between(
        calendar, at(MADRID, date(2025, 1, 1)), at(MADRID, date(2026, 1, 1))
    )
    assert year == timedelta(hours=52 * 24)
    summer = business_time_between(
        calendar, at(MADRID, date(2025, 3, 1)), at(MADRID, date(2025, 10, 1))
    )
    assert summer == timedelta(hours=31 * 24 - 1)  # 31 Sundays from March to September
    start = at(MADRID, date(2025, 1, 4), 12)
    assert add_business_time(calendar, start, timedelta(hours=13 * 24 - 1)) == at(
        MADRID, date(2025, 3, 31)
    )


# --------------------------------------------------------------------------- #
# is_open / next_opening / next_closing
# --------------------------------------------------------------------------- #


def test_intervals_are_open_at_opening_and_closed_at_closing() -> None:
    calendar = office()
    assert is_open(calendar, bogota(MONDAY, 8))
    assert is_open(calendar, bogota(MONDAY, 11, 59, 59))
    assert not is_open(calendar, bogota(MONDAY, 12))
    assert not is_open(calendar, bogota(day_of(6), 10))


def test_next_opening_is_the_instant_itself_when_open() -> None:
    moment = bogota(MONDAY, 9, 15)
    assert next_opening(office(), moment) == moment
    assert next_opening(office(), moment).tzinfo is UTC  # type: ignore[union-attr]


def test_next_opening_after_the_saturday_half_day_is_monday() -> None:
    assert next_opening(office(), bogota(day_of(5), 12)) == bogota(day_of(7), 8)
    assert next_opening(office(), bogota(MONDAY, 12, 30)) == bogota(MONDAY, 14)


def test_next_opening_is_none_without_any_hours() -> None:
    assert next_opening(BusinessCalendar("Europe/Madrid", {}), bogota(MONDAY)) is None


def test_next_closing_is_the_end_of_the_current_interval() -> None:
    assert next_closing(office(), bogota(MONDAY, 9)) == bogota(MONDAY, 12)
    assert next_closing(office(), bogota(MONDAY, 15)) == bogota(MONDAY, 18)


def test_next_closing_is_the_instant_itself_when_closed() -> None:
    moment = bogota(MONDAY, 13)
    assert next_closing(office(), moment) == moment


def test_next_closing_follows_touching_intervals_across_midnight() -> None:
    calendar = BusinessCalendar(
        "America/Bogota",
        {0: [(time(12), time(0))], 1: [(time(0), time(6)), (time(6), time(9))]},
    )
    assert next_closing(calendar, bogota(MONDAY, 13)) == bogota(day_of(1), 9)


def test_round_the_clock_weekdays_close_only_on_a_holiday() -> None:
    holiday = date(2026, 2, 3)
    calendar = BusinessCalendar(
        "Europe/Madrid", dict.fromkeys(range(7), WHOLE_DAY), holidays=[holiday]
    )
    assert next_closing(calendar, at(MADRID, date(2025, 3, 1), 10)) == at(MADRID, holiday)
    assert next_closing(calendar, at(MADRID, holiday, 10)) == at(MADRID, holiday, 10)
    assert next_closing(calendar, at(MADRID, holiday + timedelta(days=1))) is None


# --------------------------------------------------------------------------- #
# Construction and validation
# --------------------------------------------------------------------------- #


def test_unknown_time_zone_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        BusinessCalendar("Mars/Olympus", OFFICE_HOURS)
    with pytest.raises(ValueError, match="unknown time zone"):
        BusinessCalendar("../etc/passwd", OFFICE_HOURS)


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ({0: [(time(12), time(8))]}, "must start before it ends"),
        ({0: [(time(8), time(8))]}, "must start before it ends"),
        ({0: [(time(8), time(12)), (time(11), time(13))]}, "overlap"),
        ({7: [MORNING]}, "weekdays 0"),
        ({0: [(time(8), "12:00")]}, "datetime.time"),
        ({0: [(time(8, tzinfo=UTC), time(9))]}, "tzinfo"),
    ],
)
def test_invalid_intervals_are_rejected(weekly: dict[int, list[object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("America/Bogota", weekly)  # type: ignore[arg-type]


def test_invalid_extra_days_and_holidays_are_rejected() -> None:
    with pytest.raises(ValueError, match="extra_open_days"):
        BusinessCalendar(
            "America/Bogota", OFFICE_HOURS, extra_open_days={MONDAY: [(time(9), time(9))]}
        )
    with pytest.raises(ValueError, match="holidays"):
        BusinessCalendar("America/Bogota", OFFICE_HOURS, holidays=[datetime(2025, 1, 1)])


def test_touching_intervals_are_merged_into_one_stretch() -> None:
    calendar = BusinessCalendar("America/Bogota", {0: [(time(12), time(14)), MORNING]})
    assert calendar.weekly_hours == {0: [(time(8), time(14))]}
    assert calendar == BusinessCalendar("America/Bogota", {0: [(time(8), time(14))]})


def test_calendar_is_immutable_hashable_and_picklable() -> None:
    calendar = office(holidays=[day_of(1)], extra_open_days={day_of(6): [MORNING]})
    with pytest.raises(AttributeError):
        calendar.timezone = "UTC"  # type: ignore[misc]
    assert calendar == office(holidays=[day_of(1)], extra_open_days={day_of(6): [MORNING]})
    assert hash(calendar) == hash(
        office(holidays=[day_of(1)], extra_open_days={day_of(6): [MORNING]})
    )
    assert calendar != office()
    assert pickle.loads(pickle.dumps(calendar)) == calendar  # noqa: S301 - our own data


def test_read_only_views_report_the_normalised_definition() -> None:
    calendar = BusinessCalendar(
        "America/Bogota",
        {4: [AFTERNOON, MORNING], 0: [(time(22), time(0))]},
        holidays=[day_of(1)],
    )
    assert calendar.weekly_hours == {0: [(time(22), time(0))], 4: [MORNING, AFTERNOON]}
    assert calendar.holidays == frozenset({day_of(1)})
    assert calendar.extra_open_days == {}
    assert calendar.timezone == "America/Bogota"


# --------------------------------------------------------------------------- #
# Property tests against a deliberately naive reference
# --------------------------------------------------------------------------- #

MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Zone:
    lowest: int  # smallest and largest UTC offset (minutes) in the years drawn
    highest: int
    clock_changes: tuple[date, ...]
    years: tuple[date, date]


ZONES = {
    "America/Bogota": Zone(-300, -300, (), (date(2024, 1, 1), date(2026, 12, 31))),
    "Europe/Madrid": Zone(
        60,
        120,
        (date(2024, 3, 31), date(2024, 10, 27), date(2025, 3, 30), date(2025, 10, 26)),
        (date(2024, 1, 1), date(2026, 12, 31)),
    ),
    "America/New_York": Zone(
        -300,
        -240,
        (date(2024, 3, 10), date(2024, 11, 3), date(2025, 3, 9), date(2025, 11, 2)),
        (date(2024, 1, 1), date(2026, 12, 31)),
    ),
    # Until 2011 St. John's changed clocks at 00:01, falling back from 00:01 to
    # 23:01 the previous evening: a day's hours can begin while the wall clock
    # still shows the day before.
    "America/St_Johns": Zone(
        -210,
        -150,
        (date(2005, 4, 3), date(2005, 10, 30), date(2006, 4, 2), date(2006, 10, 29)),
        (date(2005, 1, 1), date(2006, 12, 31)),
    ),
}

type MinuteSpans = tuple[tuple[int, int], ...]  # local minutes, end 1440 = midnight


def to_time(minute: int) -> time:
    return time(0, 0) if minute == 1440 else time(minute // 60, minute % 60)


def to_minutes(moment: datetime) -> int:
    return (moment - EPOCH) // MINUTE


def from_minutes(minutes: int) -> datetime:
    return EPOCH + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Spec:
    """A random calendar, kept in plain minutes so the reference can read it."""

    zone: str
    weekly: tuple[MinuteSpans, ...]
    holidays: frozenset[date]
    extra: tuple[tuple[date, MinuteSpans], ...]
    calendar: BusinessCalendar = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        calendar = BusinessCalendar(
            self.zone,
            {
                weekday: [(to_time(s), to_time(e)) for s, e in spans]
                for weekday, spans in enumerate(self.weekly)
            },
            holidays=self.holidays,
            extra_open_days={
                day: [(to_time(s), to_time(e)) for s, e in spans] for day, spans in self.extra
            },
        )
        object.__setattr__(self, "calendar", calendar)


class Reference:
    """Naive business time: one minute at a time, no cleverness.

    The local-to-UTC rule is re-derived independently of the module: a local
    wall time maps to the *earliest* instant whose wall-clock reading is at or
    after it (first occurrence in a fold, first instant after a gap), found by
    scanning every candidate minute.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.tz = ZoneInfo(spec.zone)
        self.extra = dict(spec.extra)
        self.lowest, self.highest = ZONES[spec.zone].lowest, ZONES[spec.zone].highest
        self.wall_to_minute = functools.cache(self._wall_to_minute)
        self.day_spans = functools.cache(self._day_spans)

    def wall(self, minute: int) -> datetime:
        return from_minutes(minute).astimezone(self.tz).replace(tzinfo=None)

    def _wall_to_minute(self, wall: datetime) -> int:
        naive_utc = to_minutes(wall.replace(tzinfo=UTC))
        for candidate in range(naive_utc - self.highest, naive_utc - self.lowest + 1):
            if self.wall(candidate) >= wall:
                return candidate
        raise AssertionError("offset table is wrong")

    def local_spans(self, day: date) -> MinuteSpans:
        if day in self.extra:
            return self.extra[day]
        if day in self.spec.holidays:
            return ()
        return self.spec.weekly[day.weekday()]

    def _day_spans(self, day: date) -> list[tuple[int, int]]:
        midnight = datetime(day.year, day.month, day.day)
        return [
            (
                self.wall_to_minute(midnight + timedelta(minutes=start)),
                self.wall_to_minute(midnight + timedelta(minutes=end)),
            )
            for start, end in self.local_spans(day)
        ]

    def is_open(self, minute: int) -> bool:
        day = self.wall(minute).date()
        return any(
            start <= minute < end
            for candidate in (day - timedelta(days=1), day, day + timedelta(days=1))
            for start, end in self.day_spans(candidate)
        )

    def add(self, start: int, amount: int) -> int:
        minute = start
        while amount > 0:
            if self.is_open(minute):
                amount -= 1
            minute += 1
        return minute

    def between(self, start: int, end: int) -> int:
        return sum(self.is_open(minute) for minute in range(start, end))

    def between_by_days(self, start: int, end: int) -> int:
        """Day-walking variant for long spans: clip every day's spans to [start, end)."""
        total = 0
        day = self.wall(start).date() - timedelta(days=1)
        while day <= self.wall(end).date() + timedelta(days=1):
            for low, high in self.day_spans(day):
                total += max(0, min(high, end) - max(low, start))
            day += timedelta(days=1)
        return total


# Boundaries on a minute grid, biased towards the small hours where clocks change.
boundary = st.one_of(
    st.integers(0, 1440),
    st.sampled_from([0, 60, 90, 120, 150, 180, 240, 360, 1440]),
)


@st.composite
def day_spans(draw: st.DrawFn) -> MinuteSpans:
    points = sorted(draw(st.lists(boundary, unique=True, max_size=6)))
    points = points[: len(points) // 2 * 2]
    return tuple((points[i], points[i + 1]) for i in range(0, len(points), 2))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Spec, int]:
    """A random calendar (with at least an hour a week) and a start minute near it."""
    zone = draw(st.sampled_from(sorted(ZONES)))
    dates = st.dates(*ZONES[zone].years)
    if ZONES[zone].clock_changes:  # half of the time, right at a clock change
        dates = st.one_of(st.sampled_from(ZONES[zone].clock_changes), dates)
    base = draw(dates)
    weekly = tuple(draw(day_spans()) for _ in range(7))
    assume(sum(end - start for spans in weekly for start, end in spans) >= 60)
    offsets = st.integers(-4, 24)
    holidays = frozenset(base + timedelta(days=n) for n in draw(st.lists(offsets, max_size=6)))
    extra_offsets = draw(st.lists(offsets, unique=True, max_size=3))
    extra = tuple((base + timedelta(days=n), draw(day_spans())) for n in extra_offsets)
    spec = Spec(zone, weekly, holidays, extra)
    local_midnight = datetime(base.year, base.month, base.day, tzinfo=ZoneInfo(zone))
    # Often within hours of the base date's midnight: clocks change in the small hours.
    start = to_minutes(local_midnight) + draw(
        st.one_of(st.integers(-3 * 1440, 2 * 1440), st.integers(-120, 300))
    )
    return spec, start


def weekly_minutes(spec: Spec) -> int:
    return sum(end - start for spans in spec.weekly for start, end in spans)


def property_settings(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(max_examples=examples, deadline=None, database=None)


@property_settings(200)
@given(scenarios(), st.integers(0, 3 * 1440))
def test_add_matches_the_minute_stepping_reference(scenario: tuple[Spec, int], amount: int) -> None:
    spec, start = scenario
    amount = min(amount, 2 * weekly_minutes(spec))  # keep the naive walk short
    expected = Reference(spec).add(start, amount)
    result = add_business_time(spec.calendar, from_minutes(start), amount * MINUTE)
    assert result == from_minutes(expected)


@property_settings(150)
@given(scenarios(), st.integers(0, 3 * 1440))
def test_between_matches_the_minute_stepping_reference(
    scenario: tuple[Spec, int], length: int
) -> None:
    spec, start = scenario
    expected = Reference(spec).between(start, start + length)
    result = business_time_between(spec.calendar, from_minutes(start), from_minutes(start + length))
    assert result == expected * MINUTE


@property_settings(150)
@given(scenarios(), st.integers(0, 7 * 1440))
def test_open_and_next_opening_and_closing_match_the_reference(
    scenario: tuple[Spec, int], shift: int
) -> None:
    spec, start = scenario
    reference = Reference(spec)
    moment = start + shift
    assert is_open(spec.calendar, from_minutes(moment)) == reference.is_open(moment)
    opening = moment
    while not reference.is_open(opening):
        opening += 1
    assert next_opening(spec.calendar, from_minutes(moment)) == from_minutes(opening)
    closing = moment
    while reference.is_open(closing):
        closing += 1
    assert next_closing(spec.calendar, from_minutes(moment)) == from_minutes(closing)


@property_settings(60)
@given(scenarios(), st.integers(1, 400 * 60), st.integers(0, 3 * 1440))
def test_long_spans_match_the_day_walking_reference(
    scenario: tuple[Spec, int], amount: int, beyond: int
) -> None:
    """Hundreds of hours: exercises the whole-week jumps against a day-by-day walk."""
    spec, start = scenario
    amount = min(amount, 20 * weekly_minutes(spec))
    reference = Reference(spec)
    result = add_business_time(spec.calendar, from_minutes(start), amount * MINUTE)
    end = to_minutes(result)
    assert result == from_minutes(end)  # every boundary is on the minute grid
    assert reference.between_by_days(start, end) == amount
    assert reference.is_open(end - 1)  # the earliest such instant: the last minute counted
    total = business_time_between(spec.calendar, from_minutes(start), from_minutes(end + beyond))
    assert total == reference.between_by_days(start, end + beyond) * MINUTE


instants = st.integers(0, 10**6 * 3600 * 24 * 30)  # microseconds within a month


@property_settings(150)
@given(scenarios(), instants, st.integers(0, 10**6 * 3600 * 500))
def test_between_inverts_add_to_the_microsecond(
    scenario: tuple[Spec, int], jitter: int, amount: int
) -> None:
    spec, start_minute = scenario
    start = from_minutes(start_minute) + timedelta(microseconds=jitter)
    delta = timedelta(microseconds=amount)
    end = add_business_time(spec.calendar, start, delta)
    assert end >= start
    assert business_time_between(spec.calendar, start, end) == delta
    # Earliest instant: one microsecond earlier, not enough time has passed.
    if delta:
        assert business_time_between(spec.calendar, start, end - timedelta(microseconds=1)) < delta


@property_settings(200)
@given(
    scenarios(),
    st.integers(0, 60 * 24 * 60),
    st.integers(0, 300 * 3600),
    st.integers(0, 300 * 3600),
)
def test_add_is_monotonic_and_composes(
    scenario: tuple[Spec, int], later_by: int, first: int, second: int
) -> None:
    spec, start_minute = scenario
    calendar = spec.calendar
    start = from_minutes(start_minute)
    later = start + timedelta(seconds=later_by)
    small, large = sorted((timedelta(seconds=first), timedelta(seconds=second)))
    assert add_business_time(calendar, start, small) <= add_business_time(calendar, start, large)
    assert add_business_time(calendar, start, small) <= add_business_time(calendar, later, small)
    step = add_business_time(calendar, start, small)
    assert add_business_time(calendar, step, large) == add_business_time(
        calendar, start, small + large
    )


@property_settings(200)
@given(scenarios(), st.lists(st.integers(0, 10**6 * 86_400 * 400), min_size=3, max_size=3))
def test_between_is_additive(scenario: tuple[Spec, int], offsets: list[int]) -> None:
    spec, start_minute = scenario
    a, b, c = (
        from_minutes(start_minute) + timedelta(microseconds=offset) for offset in sorted(offsets)
    )
    calendar = spec.calendar
    assert business_time_between(calendar, a, b) + business_time_between(
        calendar, b, c
    ) == business_time_between(calendar, a, c)
