"""What each plan offers at a given moment, on the default Bogotá business calendar.

Business hours (data migration): Mon–Fri 08:00–12:00 and 14:00–18:00,
Sat 08:00–12:00, closed on Colombian public holidays.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from atiende.accounts.tests.factories import plan
from atiende.services.entitlements import ChannelAvailability, channel_availability

BOGOTA = ZoneInfo("America/Bogota")
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=BOGOTA)
TUESDAY_LUNCH = datetime(2026, 11, 24, 13, 0, tzinfo=BOGOTA)
SUNDAY_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=BOGOTA)
# 8 December (Immaculate Conception) is a Colombian holiday that is not moved; in 2026 a Tuesday.
HOLIDAY_NOON = datetime(2026, 12, 8, 10, 0, tzinfo=BOGOTA)


def channels(level: int, now: datetime) -> dict[str, ChannelAvailability]:
    return {item.channel: item for item in channel_availability(plan(level), now=now)}


@pytest.mark.django_db
def test_level_1_offers_ticket_and_email_only():
    offer = channels(1, TUESDAY_10)
    assert {c for c, item in offer.items() if item.included} == {"ticket", "email"}
    assert not offer["phone"].usable_now and not offer["chat"].usable_now


@pytest.mark.django_db
def test_level_2_chat_is_attended_in_business_hours():
    assert channels(2, TUESDAY_10)["chat"].attended_now


@pytest.mark.django_db
def test_level_2_chat_is_closed_at_lunch_and_reopens_at_two():
    chat = channels(2, TUESDAY_LUNCH)["chat"]
    assert not chat.usable_now
    assert chat.opens_at == datetime(2026, 11, 24, 14, 0, tzinfo=BOGOTA)


@pytest.mark.django_db
def test_level_2_phone_needs_an_existing_case_number():
    phone = channels(2, TUESDAY_10)["phone"]
    assert phone.included and phone.requires_case_number


@pytest.mark.django_db
def test_tickets_can_be_written_at_night_but_are_answered_on_monday_for_level_1():
    ticket = channels(1, SUNDAY_3AM)["ticket"]
    assert ticket.usable_now
    assert not ticket.attended_now
    assert ticket.opens_at == datetime(2026, 11, 30, 8, 0, tzinfo=BOGOTA)


@pytest.mark.django_db
def test_level_3_tickets_are_attended_24_7_but_phone_only_in_business_hours():
    offer = channels(3, SUNDAY_3AM)
    assert offer["ticket"].attended_now
    assert not offer["phone"].usable_now
    assert offer["remote"].included


@pytest.mark.django_db
def test_public_holiday_closes_live_channels_until_the_next_working_day():
    chat = channels(2, HOLIDAY_NOON)["chat"]
    assert not chat.attended_now
    assert chat.opens_at == datetime(2026, 12, 9, 8, 0, tzinfo=BOGOTA)


@pytest.mark.django_db
def test_a_company_closing_day_counts_like_a_holiday():
    calendar = plan(2).calendar
    calendar.special_days.create(date=TUESDAY_10.date(), description="Inventario")
    assert not channels(2, TUESDAY_10)["chat"].attended_now
