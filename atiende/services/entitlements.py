"""What a support plan entitles a customer to at a given moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from atiende.services.models import LIVE_CHANNELS, Channel, Hours, PlanChannel, SupportPlan
from atiende.sla.business_time import BusinessCalendar, is_open, next_opening
from atiende.sla.calendars import business_calendar


@dataclass(frozen=True)
class ChannelAvailability:
    channel: str
    label: str
    included: bool
    hours: str
    attended_now: bool
    # A customer can use the channel right now: tickets and email always (they
    # are answered when attended); live channels only while attended.
    usable_now: bool
    opens_at: datetime | None
    requires_case_number: bool
    note: str


def channel_availability(
    plan: SupportPlan,
    *,
    now: datetime,
    calendar: BusinessCalendar | None = None,
    plan_channels: Iterable[PlanChannel] | None = None,
) -> list[ChannelAvailability]:
    """Every channel, in display order, with whether ``plan`` includes it and its state at ``now``.

    Pass ``calendar`` and ``plan_channels`` when they are already loaded
    (listing many services on one page) to avoid queries.
    """
    if calendar is None:
        calendar = business_calendar(plan.calendar, around=now)
    rows = {
        pc.channel: pc
        for pc in (plan_channels if plan_channels is not None else plan.channels.all())
    }
    always = BusinessCalendar.always()
    result = []
    for channel in Channel:
        row = rows.get(channel.value)
        if row is None:
            result.append(
                ChannelAvailability(
                    channel=channel.value,
                    label=str(channel.label),
                    included=False,
                    hours="",
                    attended_now=False,
                    usable_now=False,
                    opens_at=None,
                    requires_case_number=False,
                    note="",
                )
            )
            continue
        hours_calendar = always if row.hours == Hours.ALWAYS else calendar
        attended = is_open(hours_calendar, now)
        live = channel in LIVE_CHANNELS
        result.append(
            ChannelAvailability(
                channel=channel.value,
                label=str(channel.label),
                included=True,
                hours=row.hours,
                attended_now=attended,
                usable_now=attended or not live,
                opens_at=None if attended else next_opening(hours_calendar, now),
                requires_case_number=row.requires_case_number,
                note=row.note,
            )
        )
    return result
