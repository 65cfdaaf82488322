"""Cases and messages as JSON: one shape for the API and the webhooks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from atiende.tickets.models import Message, Ticket

# What ticket_out reads besides the ticket row.
RELATED = ("organisation", "department", "case_type", "assignee")


def ticket_out(ticket: Ticket, *, staff: bool) -> dict[str, Any]:
    page = "console:ticket" if staff else "clientarea:ticket"
    return {
        "number": ticket.number,
        "display_number": ticket.display_number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "impact": ticket.impact,
        "case_type": ticket.case_type.code if ticket.case_type else None,
        "department": ticket.department.code if ticket.department else None,
        "channel": ticket.channel,
        "organisation": (
            {"id": ticket.organisation.pk, "name": ticket.organisation.name}
            if ticket.organisation
            else None
        ),
        "service_id": ticket.service_id,
        "assignee": str(ticket.assignee) if staff and ticket.assignee else None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_due": ticket.first_response_due,
        "next_response_due": ticket.next_response_due,
        "resolution_due": ticket.resolution_due,
        "url": reverse(page, args=[ticket.number]),
    }


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "public": message.is_public,
        "from_staff": message.from_staff,
        "author": str(message.author) if message.author else None,
        "body": message.body,
        "created_at": message.created_at,
        "attachments": [
            {
                "name": a.filename,
                "size": a.size,
                "content_type": a.content_type,
                "url": reverse("clientarea:attachment", args=[a.pk]),
            }
            for a in message.attachments.all()
        ],
    }
