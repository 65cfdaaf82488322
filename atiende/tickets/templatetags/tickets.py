"""Small pieces of ticket markup used on many pages and many rows."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from atiende.tickets.models import Ticket

register = template.Library()
SELECTED = mark_safe(" selected")


@register.simple_tag
def status_badge(ticket: Ticket) -> SafeString:
    """The status as a coloured badge (a tag, not an include: it runs once per queue row)."""
    return format_html(
        '<span class="badge ticket-status status-{}">{}</span>',
        ticket.status,
        ticket.get_status_display(),
    )


@register.simple_tag
def options(choices: Iterable[tuple[object, object]], selected: object = None) -> SafeString:
    """``<option>`` elements for (value, label) pairs, ``selected`` marked.

    One tag per select instead of a loop of template nodes per option: a queue
    page has a hundred options and is the most visited page of the console.
    """
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SELECTED if str(value) == chosen else "", label) for value, label in choices),
    )
