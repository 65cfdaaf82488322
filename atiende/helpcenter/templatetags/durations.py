"""Show response targets as people say them: "30 min", "4 h", "2 días"."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes_as_duration(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours, rest = divmod(minutes, 60)
    if rest:
        return ngettext("%(h)d h %(m)d min", "%(h)d h %(m)d min", hours) % {"h": hours, "m": rest}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


@register.filter
def timedelta_as_duration(value: timedelta | None) -> str:
    """A (possibly negative) span as hours and minutes, e.g. "2 h 30 min"."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    return minutes_as_duration(minutes)


@register.filter
def wait_duration(value: timedelta | None) -> str:
    """A short wait: "40 seconds" under a minute, else as timedelta_as_duration."""
    if value is None:
        return ""
    seconds = int(abs(value).total_seconds())
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    return timedelta_as_duration(value)
