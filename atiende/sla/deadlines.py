"""Response and resolution deadlines promised by a plan for a case.

The clock runs on the calendar of the channel the case came through: a
channel attended 24/7 counts wall-clock time, the others business time on the
plan's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from atiende.services.models import Channel, Hours, SupportPlan
from atiende.sla.business_time import BusinessCalendar, add_business_time
from atiende.sla.calendars import business_calendar

# Ticket channels map onto plan channels; the client area and the API are tickets.
PLAN_CHANNEL_FOR_TICKET_CHANNEL = {
    "portal": Channel.TICKET,
    "api": Channel.TICKET,
    "email": Channel.EMAIL,
    "chat": Channel.CHAT,
    "phone": Channel.PHONE,
}


@dataclass(frozen=True)
class Deadlines:
    first_response: datetime | None
    resolution: datetime | None


def clock_for(plan: SupportPlan, ticket_channel: str, *, around: datetime) -> BusinessCalendar:
    """The calendar a case's clock runs on."""
    plan_channel = PLAN_CHANNEL_FOR_TICKET_CHANNEL.get(ticket_channel, Channel.TICKET)
    row = next((pc for pc in plan.channels.all() if pc.channel == plan_channel), None)
    if row is None:
        # A channel the plan does not include (a Level 1 customer who phoned):
        # the ticket channel's hours apply.
        row = next((pc for pc in plan.channels.all() if pc.channel == Channel.TICKET), None)
    if row is not None and row.hours == Hours.ALWAYS:
        return BusinessCalendar.always()
    return business_calendar(plan.calendar, around=around)


def deadlines_for(
    plan: SupportPlan, *, impact: str, ticket_channel: str, start: datetime
) -> Deadlines:
    """When the first response and the resolution are due for a case opened at ``start``."""
    target = next((t for t in plan.targets.all() if t.impact == impact), None)
    if target is None:
        return Deadlines(None, None)
    calendar = clock_for(plan, ticket_channel, around=start)
    return Deadlines(
        first_response=add_business_time(
            calendar, start, timedelta(minutes=target.first_response_minutes)
        ),
        resolution=add_business_time(calendar, start, timedelta(minutes=target.resolution_minutes)),
    )
