"""Mailboxes and raw emails for the mail tests."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from itertools import count

from atiende.mail.inbound import IngestResult, ingest
from atiende.mail.models import InboundEmail, Mailbox
from atiende.tickets.tests.factories import NOW, department

_numbers = count(1)


def make_mailbox(
    code: str = "soporte",
    address: str | None = None,
    *,
    department_code: str = "soporte",
    **extra: object,
) -> Mailbox:
    return Mailbox.objects.create(
        code=code,
        address=address or f"{code}@cehis.example",
        department=department(department_code),
        **extra,
    )


def raw_email(
    *,
    sender: str = "Ana Gómez <ana@cliente.example>",
    to: str = "soporte@cehis.example",
    subject: str = "El sitio no carga",
    body: str = "Buenos días, desde esta mañana el sitio muestra error 500.",
    html: str | None = None,
    message_id: str | None = None,
    cc: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    """A well-formed message as a mail client would send it (CRLF line ends)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(NOW)
    message["Message-ID"] = message_id or make_msgid(f"m{next(_numbers)}", "cliente.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def receive(raw: bytes, mailbox: Mailbox | None = None, *, now=NOW) -> IngestResult:
    """Ingest as the mail server's pipe would."""
    return ingest(raw, mailbox=mailbox, source=InboundEmail.Source.PIPE, now=now)
