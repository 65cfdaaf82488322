"""Which calendar a case's SLA clocks run on.

The clock runs on the calendar of the channel the case came through: a
channel attended 24/7 counts wall-clock time, the others business time on the
plan's calendar.
"""

from __future__ import annotations

from datetime import datetime

from atiende.services.models import Channel, Hours, SupportPlan
from atiende.sla.business_time import BusinessCalendar
from atiende.sla.calendars import business_calendar

# Ticket channels map onto plan channels; the client area and the API are tickets.
PLAN_CHANNEL_FOR_TICKET_CHANNEL = {
    "portal": Channel.TICKET,
    "api": Channel.TICKET,
    "email": Channel.EMAIL,
    "chat": Channel.CHAT,
    "phone": Channel.PHONE,
}


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
