from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.models import Department, Organisation, User
from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import (
    make_contact,
    make_organisation,
    make_service,
    make_staff,
)
from atiende.tickets.actions import open_ticket
from atiende.tickets.models import Ticket
from atiende.triage.models import CaseType

BOGOTA = ZoneInfo("America/Bogota")
# A Tuesday at 10:00 in Bogotá: inside business hours.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=BOGOTA)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(name: str = "captura.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def case_type(code: str) -> CaseType:
    return CaseType.objects.get(code=code)


def department(code: str = "soporte") -> Department:
    return Department.objects.get(code=code)


def make_ticket(
    organisation: Organisation | None = None,
    *,
    requester: User | None = None,
    level: int = 1,
    code: str | None = "how_to",
    subject: str = "No puedo entrar al webmail",
    body: str = "Desde ayer no abre el correo.",
    now: datetime = NOW,
    channel: str = Ticket.Channel.PORTAL,
    **extra: Any,
) -> Ticket:
    organisation = organisation or make_organisation()
    requester = requester or make_contact(organisation)
    service = make_service(organisation, level=level)
    return open_ticket(
        requester=requester,
        organisation=organisation,
        service=service,
        case_type=case_type(code) if code else None,
        subject=subject,
        body=body,
        channel=channel,
        now=now,
        **extra,
    )


def make_agent(**extra: Any) -> User:
    return make_staff(Role.AGENT, **extra)
