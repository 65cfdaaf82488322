"""What the API reads and writes (OpenAPI is generated from these)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class Detail(Schema):
    detail: str


class FormErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="Messages per field, in the caller's language")


class OrganisationRef(Schema):
    id: int
    name: str


class Me(Schema):
    email: str
    name: str
    language: str
    staff: bool
    roles: list[str]
    organisations: list[OrganisationRef]


class TicketOut(Schema):
    number: str = Field(description="The case number's digits, as used in URLs")
    display_number: str = Field(description="As customers read it on the phone: 4829-1537")
    subject: str
    status: str
    status_label: str
    impact: str
    case_type: str | None
    department: str | None
    channel: str
    organisation: OrganisationRef | None
    service_id: int | None
    assignee: str | None = Field(description="Staff only; null for customers")
    created_at: datetime
    updated_at: datetime
    first_response_due: datetime | None
    next_response_due: datetime | None
    resolution_due: datetime | None
    url: str = Field(description="The case's page for the caller (client area or console)")


class TicketPage(Schema):
    count: int
    page: int
    pages: int
    results: list[TicketOut]


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    kind: str
    public: bool
    from_staff: bool
    author: str | None
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TicketDetail(TicketOut):
    messages: list[MessageOut]


class TicketIn(Schema):
    organisation: int | None = Field(
        None, description="Required when the contact belongs to several organisations"
    )
    service: int | None = None
    department: str = Field("soporte", description="Department code")
    case_type: str | None = Field(None, description="Case type code; omitted: automatic triage")
    subject: str
    body: str


class MessageIn(Schema):
    body: str
    internal: bool = Field(False, description="Staff only: an internal note customers never see")


class TicketChange(Schema):
    status: str | None = None
    impact: str | None = None
    case_type: str | None = None
    department: str | None = None
    assignee: str | None = Field(None, description="An agent's email; empty string unassigns")
    add_tags: list[str] = []
    remove_tags: list[str] = []


class ArticleHit(Schema):
    title: str
    url: str
    language: str
    snippet: str = Field(description="HTML: an excerpt with the query's words in <mark>")
