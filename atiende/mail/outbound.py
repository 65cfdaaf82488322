"""Outgoing mail: our Message-IDs, threading headers, delivery with bounded retries.

Every mail about a case carries a Message-ID of ours, recorded before the
next one is sent, so that a reply (In-Reply-To/References) finds its case
even when the customer edits the subject. In-Reply-To and References chain
to the case's earlier mail (the customer's own Message-ID when they wrote by
email), which is what Gmail and Outlook thread on.

``django.tasks`` has no retries of its own: a task that could not reach the
SMTP server re-enqueues itself with an attempt counter, a few minutes later
when the backend can defer, up to ATIENDE_MAIL_SEND_ATTEMPTS attempts. Each
recipient's mail has a Message-ID derived from the task's batch token, so a
retry skips the recipients already served and re-sends the others with the
same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone

from atiende.mail.models import InboundEmail, Mailbox, OutboundEmail
from atiende.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)

Audience = OutboundEmail.Audience
# References keeps the thread's first Message-ID and the latest ones (RFC 5322 §3.6.4).
MAX_REFERENCES = 10
AUTO_REPLY_WINDOW = timedelta(hours=1)


def default_message_id_domain(default_from_email: str) -> str:
    """The domain of DEFAULT_FROM_EMAIL (``Soporte <soporte@example.com>`` → ``example.com``)."""
    address = parseaddr(default_from_email)[1]
    return address.rsplit("@", 1)[-1].lower() if "@" in address else "localhost"


def new_batch() -> str:
    """A token for one notification occasion, kept across its retries."""
    return secrets.token_hex(8)


def make_message_id(*, seed: str, ticket: Ticket | None = None) -> str:
    """Our Message-ID (without angle brackets), unguessable, the same for the same seed."""
    digest = hashlib.sha256(seed.encode()).hexdigest()[:24]
    number = ticket.number if ticket is not None else "0"
    return f"atiende.{digest}.{number}@{settings.ATIENDE_MAIL_MESSAGE_ID_DOMAIN}"


def thread_message_ids(ticket: Ticket) -> list[str]:
    """The Message-IDs of the customer-visible mail about ``ticket``, oldest first."""
    received = InboundEmail.objects.filter(
        entry__ticket=ticket, entry__kind=Message.Kind.REPLY
    ).exclude(message_id="")
    sent = OutboundEmail.objects.filter(ticket=ticket, audience=Audience.CUSTOMER)
    ordered = sorted(
        [
            *received.values_list("received_at", "message_id"),
            *sent.values_list("sent_at", "message_id"),
        ]
    )
    return [message_id for _at, message_id in ordered]


def threading_headers(ticket: Ticket) -> dict[str, str]:
    ids = thread_message_ids(ticket)
    if not ids:
        return {}
    chain = ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return {
        "In-Reply-To": f"<{ids[-1]}>",
        "References": " ".join(f"<{message_id}>" for message_id in chain),
    }


def reply_to_for(ticket: Ticket | None) -> list[str]:
    """Where answers should go: the department's mailbox, when it has one."""
    if ticket is None:
        return []
    mailbox = (
        Mailbox.objects.filter(department_id=ticket.department_id, is_active=True)
        .order_by("pk")
        .first()
    )
    if mailbox is None:
        return []
    return [formataddr((settings.ATIENDE_COMPANY_NAME, mailbox.address))]


def opening_email(ticket: Ticket) -> InboundEmail | None:
    """The email that opened ``ticket``, if it was opened by email."""
    return (
        InboundEmail.objects.filter(ticket=ticket, outcome=InboundEmail.Outcome.CREATED)
        .order_by("pk")
        .first()
    )


def auto_reply_allowed(address: str, *, inbound: InboundEmail | None, now: datetime) -> bool:
    """May we answer ``address`` automatically (acknowledgement, refusal)?

    Never to automatic mail (the loop guard), never to ourselves, and at most
    ATIENDE_MAIL_AUTO_REPLY_LIMIT automatic mails per address per hour: a
    responder we failed to recognise still cannot make us flood it.
    """
    from atiende.mail.senders import our_addresses

    if inbound is not None and inbound.no_auto_reply:
        return False
    address = address.lower()
    if not address or address in our_addresses():
        return False
    recent = OutboundEmail.objects.filter(
        to_address=address, automatic=True, sent_at__gte=now - AUTO_REPLY_WINDOW
    ).count()
    return recent < settings.ATIENDE_MAIL_AUTO_REPLY_LIMIT


@dataclass
class OutgoingEmail:
    email: EmailMultiAlternatives
    message_id: str
    kind: str
    audience: str
    automatic: bool
    ticket: Ticket | None = None
    entry: Message | None = None


def compose(
    *,
    subject: str,
    text: str,
    html: str,
    to: list[str],
    seed: str,
    kind: str,
    audience: str,
    automatic: bool,
    ticket: Ticket | None = None,
    entry: Message | None = None,
    cc: list[str] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> OutgoingEmail:
    """One mail with our Message-ID, the case's threading headers and our loop markers."""
    message_id = make_message_id(seed=seed, ticket=ticket)
    headers = {"Message-ID": f"<{message_id}>"}
    if ticket is not None:
        headers["X-Atiende-Ticket"] = ticket.display_number
        headers.update(threading_headers(ticket))
    if automatic:
        # RFC 3834: automatic mail says so, so that responders don't answer
        # it; Exchange/Outlook read X-Auto-Response-Suppress instead.
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    headers.update(extra_headers or {})
    email = EmailMultiAlternatives(
        subject, text, to=to, cc=cc or [], reply_to=reply_to_for(ticket), headers=headers
    )
    email.attach_alternative(html, "text/html")
    return OutgoingEmail(email, message_id, kind, audience, automatic, ticket, entry)


def is_temporary(error: BaseException) -> bool:
    """Worth trying again later: the server was unreachable or said 4xx."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, OSError)  # connection refused, timeouts, disconnects


def deliver(outgoing: list[OutgoingEmail], *, now: datetime) -> list[OutgoingEmail]:
    """Send each mail not sent before, record it; return those to try again later."""
    already = set(
        OutboundEmail.objects.filter(message_id__in=[o.message_id for o in outgoing]).values_list(
            "message_id", flat=True
        )
    )
    retry = []
    for item in outgoing:
        if item.message_id in already:
            continue
        try:
            item.email.send(using="default")
        except Exception as error:
            if is_temporary(error):
                logger.warning("Could not send %s now (%s); will retry", item.kind, error)
                retry.append(item)
            else:
                logger.error("Gave up sending %s to %s: %s", item.kind, item.email.to, error)
            continue
        OutboundEmail.objects.create(
            message_id=item.message_id,
            ticket=item.ticket,
            entry=item.entry,
            kind=item.kind,
            audience=item.audience,
            to_address=(item.email.to or [""])[0].lower()[:254],
            cc=[address.lower() for address in item.email.cc],
            automatic=item.automatic,
            sent_at=now,
        )
    return retry


def retry_later(task: Task, *args: Any, batch: str, attempt: int) -> bool:
    """Enqueue ``task`` again for the mail that failed; False once attempts are used up."""
    if attempt >= settings.ATIENDE_MAIL_SEND_ATTEMPTS:
        logger.error("Giving up %s%r after %d attempts", task.name, args, attempt)
        return False
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(minutes=2**attempt))
    task.enqueue(*args, batch=batch, attempt=attempt + 1)
    return True


def deliver_or_retry(
    task: Task, *args: Any, outgoing: list[OutgoingEmail], batch: str, attempt: int
) -> int:
    """Deliver now; re-enqueue ``task(*args)`` for what failed. Returns how many were sent."""
    failed = deliver(outgoing, now=timezone.now())
    if failed:
        retry_later(task, *args, batch=batch, attempt=attempt)
    return len(outgoing) - len(failed)


def recipients_of(entry: Message) -> set[str]:
    """Who already received the mail an entry came from (an agent writing from their client)."""
    found: set[str] = set()
    for inbound in InboundEmail.objects.filter(Q(entry=entry)):
        found.update(inbound.recipients)
        found.add(inbound.from_address)
    return found
