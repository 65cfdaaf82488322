"""What a support plan entitles a customer to at a given moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class PhoneCheck:
    """What the phone desk may do for a caller on ``plan``, and what to warn the agent about."""

    may_open_ticket: bool
    warnings: list[str]


def phone_check(
    plan: SupportPlan,
    *,
    has_case: bool,
    now: datetime,
    channel: str = Channel.PHONE,
    calendar: BusinessCalendar | None = None,
) -> PhoneCheck:
    """Phone (or remote assistance) rules of the plan for a call at ``now``.

    A call can always be logged on an existing case (it happened); a call opens
    a new case only where the plan includes the channel without requiring a
    case number.
    """
    row = next((pc for pc in plan.channels.all() if pc.channel == channel), None)
    label = Channel(channel).label
    if row is None:
        return PhoneCheck(
            False,
            [
                _("%(plan)s does not include %(channel)s support.")
                % {"plan": plan.name, "channel": label}
            ],
        )
    warnings = []
    if row.requires_case_number and not has_case:
        warnings.append(
            _("%(plan)s gives %(channel)s support only for cases that already have a number.")
            % {"plan": plan.name, "channel": label}
        )
    hours = (
        BusinessCalendar.always()
        if row.hours == Hours.ALWAYS
        else (calendar or business_calendar(plan.calendar, around=now))
    )
    if not is_open(hours, now):
        warnings.append(_("This is outside the plan's %(channel)s hours.") % {"channel": label})
    return PhoneCheck(not row.requires_case_number, warnings)
