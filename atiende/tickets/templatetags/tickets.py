"""Small pieces of ticket markup used on many pages and many rows."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from atiende.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def status_badge(ticket: Ticket) -> SafeString:
    """The status as a coloured badge (a tag, not an include: it runs once per queue row)."""
    return format_html(
        '<span class="badge ticket-status status-{}">{}</span>',
        ticket.status,
        ticket.get_status_display(),
    )
