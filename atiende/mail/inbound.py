"""Incoming email → cases: store the raw message first, then act on it.

``ingest`` is the one entry point for both channels (IMAP polling and the
mail server's pipe). Each message is handled on its own, in two steps:

1. its raw bytes are stored in their own transaction (if even that fails,
   the caller must leave the message where it is: ``StoreFailed``);
2. it is parsed and acted on in a second transaction: a new case, a reply
   added to one, a duplicate, ignored (loops, bounces, refused senders) or
   quarantined (unreadable). Any error rolls the second step back and
   quarantines the message, keeping its raw bytes for a later re-process.

The same message seen twice (re-fetched after a crash, piped twice, or sent
to two of our mailboxes at once) acts once: the first row to act claims the
message's content hash under a unique constraint.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.file_types import SNIFF_BYTES, FileType, RefusedFile, detect, safe_filename
from atiende.mail import loops, senders
from atiende.mail.html_text import sanitise_html
from atiende.mail.matching import OUR_MESSAGE_ID, ThreadMatch, find_thread
from atiende.mail.models import InboundEmail, Mailbox, OutboundEmail, Participant
from atiende.mail.parsing import (
    Fingerprint,
    ParsedAttachment,
    ParsedEmail,
    clean_text,
    fingerprint,
    parse_message,
)
from atiende.mail.quoting import split_reply
from atiende.tickets.actions import TicketClosed, add_message, open_ticket
from atiende.tickets.attachments import CheckedUpload
from atiende.tickets.models import Message, Ticket, format_case_number
from atiende.tickets.permissions import normalise_case_number

logger = logging.getLogger(__name__)

Outcome = InboundEmail.Outcome
MB = 1024 * 1024
# A message left half-processed (the process died) is retried after this.
STUCK_AFTER = timedelta(minutes=10)
EML = FileType("message/rfc822", ".eml")


class StoreFailed(Exception):
    """The raw message could not be stored: leave it with the sender to try again."""


@dataclass(frozen=True)
class IngestResult:
    outcome: str
    case: str = ""
    reason: str = ""
    inbound_id: int | None = None

    def line(self) -> str:
        """One line for the mail server's log: ``created 4829-1537``, ``ignored own-mail``…"""
        if self.outcome in (Outcome.IGNORED, Outcome.QUARANTINED):
            words = [self.outcome, self.reason or "-", self.case]
        elif self.outcome == Outcome.DUPLICATE:
            # Exactly "duplicate CASE": mail servers' log parsers read two words.
            words = [self.outcome, self.case or "-"]
        else:
            words = [self.outcome, self.case or "-", self.reason]
        return " ".join(word for word in words if word)


class _Unparseable(Exception):
    """The stdlib parser could not read the message (its cause says why)."""


class _Duplicate(Exception):
    def __init__(self, original: InboundEmail | None) -> None:
        super().__init__()
        self.original = original


# --- Entry points ----------------------------------------------------------------


def ingest(
    raw: bytes,
    *,
    mailbox: Mailbox | None,
    source: str,
    now: datetime,
    imap_uid: int | None = None,
) -> IngestResult:
    """Store one raw message and act on it. Raises StoreFailed only if nothing was stored."""
    fp = fingerprint(raw)
    try:
        same = _same_message_here(fp, mailbox)
        if same is not None and same.outcome != Outcome.RECEIVED:
            # Fetched or piped again: it already acted (or was quarantined) once.
            return IngestResult(
                Outcome.DUPLICATE, case=_case_of(same), inbound_id=same.pk, reason=same.outcome
            )
        inbound = same or _store(raw, fp, mailbox=mailbox, source=source, now=now, uid=imap_uid)
    except DatabaseError as error:
        raise StoreFailed(str(error)) from error
    return process(inbound, now=now)


def ingest_headers_only(
    headers: bytes, *, size: int, mailbox: Mailbox, now: datetime, imap_uid: int
) -> IngestResult:
    """Record a message too large to download: its headers only, quarantined.

    The message itself stays on the mail server.
    """
    fp = fingerprint(headers)
    try:
        same = _same_message_here(fp, mailbox)
        if same is not None:
            return IngestResult(Outcome.DUPLICATE, inbound_id=same.pk, reason=same.outcome)
        inbound = _store(
            headers, fp, mailbox=mailbox, source=InboundEmail.Source.IMAP, now=now, uid=imap_uid
        )
        inbound.size = size
        inbound.notes = ["headers-only"]
        return _finish(
            inbound,
            Outcome.QUARANTINED,
            "too-large",
            now=now,
            detail=_too_large_detail(size)
            + " "
            + _("Only its headers were downloaded; the message is still on the mail server."),
        )
    except DatabaseError as error:
        raise StoreFailed(str(error)) from error


def process(inbound: InboundEmail, *, now: datetime) -> IngestResult:
    """Act on a stored message; never raises for anything the message contains."""
    try:
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            return _process(inbound, now=now)
    except _Duplicate as duplicate:
        return _mark_duplicate(inbound, duplicate.original, now=now)
    except Exception as error:
        reason = "unparseable" if isinstance(error, _Unparseable) else "processing-error"
        cause = error.__cause__ if isinstance(error, _Unparseable) else error
        # The traceback goes to the quarantine page, where staff look; the
        # log (and a mail server running the pipe) gets one line.
        logger.error("Email %s quarantined (%s): %r", inbound.pk, reason, cause)
        detail = "".join(traceback.format_exception(cause)).strip()
        try:
            with transaction.atomic():
                inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
                inbound.attempts += 1
                return _finish(inbound, Outcome.QUARANTINED, reason, now=now, detail=detail)
        except DatabaseError:
            # Still stored as "received": the stuck-message sweep retries it.
            return IngestResult(Outcome.QUARANTINED, reason=reason, inbound_id=inbound.pk)


def reprocess(inbound: InboundEmail, *, now: datetime) -> IngestResult:
    """Try a quarantined message again (after a fix, or once its mailbox exists)."""
    if inbound.outcome not in (Outcome.QUARANTINED, Outcome.RECEIVED):
        return _result_of(inbound)
    if "headers-only" in inbound.notes:
        return _result_of(inbound)
    return process(inbound, now=now)


def process_stuck(*, now: datetime) -> int:
    """Process messages stored but never acted on (their process died). Returns how many."""
    stuck = list(
        InboundEmail.objects.filter(
            outcome=Outcome.RECEIVED, received_at__lt=now - STUCK_AFTER
        ).order_by("pk")[:100]
    )
    for inbound in stuck:
        process(inbound, now=now)
    return len(stuck)


# --- Storing ---------------------------------------------------------------------


def _same_message_here(fp: Fingerprint, mailbox: Mailbox | None) -> InboundEmail | None:
    found = InboundEmail.objects.filter(content_hash=fp.content_hash, mailbox=mailbox)
    # The raw bytes stay in the database: the first copy is already stored.
    return found.defer("raw", "html").order_by("pk").first()


def _store(
    raw: bytes,
    fp: Fingerprint,
    *,
    mailbox: Mailbox | None,
    source: str,
    now: datetime,
    uid: int | None,
) -> InboundEmail:
    with transaction.atomic():
        return InboundEmail.objects.create(
            mailbox=mailbox,
            source=source,
            received_at=now,
            raw=raw,
            size=len(raw),
            message_id=fp.message_id,
            content_hash=fp.content_hash,
            imap_uid=uid,
            from_address=fp.from_address,
            subject=fp.subject,
        )


# --- Acting on a message ---------------------------------------------------------


def _process(inbound: InboundEmail, *, now: datetime) -> IngestResult:
    inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if inbound.outcome not in (Outcome.RECEIVED, Outcome.QUARANTINED):
        return _result_of(inbound)  # another process got here first
    inbound.attempts += 1
    inbound.reason = inbound.detail = ""
    mailbox = (
        Mailbox.objects.select_related("department").filter(pk=inbound.mailbox_id).first()
        if inbound.mailbox_id
        else None
    )
    if mailbox is None:
        return _finish(inbound, Outcome.QUARANTINED, "unknown-mailbox", now=now)
    if inbound.size > settings.ATIENDE_MAIL_MAX_MESSAGE_MB * MB:
        return _finish(
            inbound,
            Outcome.QUARANTINED,
            "too-large",
            now=now,
            detail=_too_large_detail(inbound.size),
        )
    try:
        parsed = parse_message(bytes(inbound.raw))
    except Exception as error:
        raise _Unparseable from error
    inbound.subject = parsed.subject[:200]
    inbound.recipients = [address.email for address in parsed.recipients]
    if parsed.sender is None:
        return _finish(inbound, Outcome.QUARANTINED, "no-sender", now=now)
    inbound.from_address = parsed.sender.email
    inbound.no_auto_reply = loops.automatic_reason(parsed)
    _claim(inbound)
    ours = senders.our_addresses()

    if (
        parsed.message_id and OutboundEmail.objects.filter(message_id=parsed.message_id).exists()
    ) or loops.looks_like_our_mail(parsed, ours):
        return _finish(inbound, Outcome.IGNORED, "own-mail", now=now)
    if parsed.bounce is not None:
        return _record_bounce(inbound, parsed, now=now)
    match = find_thread(parsed, sender=parsed.sender.email)
    if loops.is_out_of_office(parsed):
        return _finish(inbound, Outcome.IGNORED, "auto-reply", now=now, ticket=match.ticket)
    if match.ticket is not None:
        return _append(inbound, parsed, match, ours, now=now)
    return _open(inbound, parsed, mailbox, ours, now=now)


def _claim(inbound: InboundEmail) -> None:
    try:
        with transaction.atomic():
            InboundEmail.objects.filter(pk=inbound.pk).update(dedupe_key=inbound.content_hash)
    except IntegrityError:
        original = InboundEmail.objects.filter(dedupe_key=inbound.content_hash).first()
        raise _Duplicate(original) from None
    inbound.dedupe_key = inbound.content_hash


def _open(
    inbound: InboundEmail, parsed: ParsedEmail, mailbox: Mailbox, ours: set[str], *, now: datetime
) -> IngestResult:
    sender = parsed.sender
    assert sender is not None
    user = senders.find_user(sender.email)
    if not senders.may_open_ticket(sender.email, user):
        if not inbound.no_auto_reply:
            from atiende.mail.tasks import send_refusal

            pk = inbound.pk
            transaction.on_commit(lambda: send_refusal.enqueue(pk))
        return _finish(inbound, Outcome.IGNORED, "unknown-sender", now=now)
    requester = user or senders.user_for_sender(sender)
    agent = senders.is_agent(requester)
    uploads, content_ids, refused = _uploads(parsed.attachments)
    new_text, quoted = split_reply(parsed.text)
    ticket = open_ticket(
        requester=requester,
        subject=parsed.subject.strip() or _("(no subject)"),
        body=_body(new_text, refused),
        channel=Ticket.Channel.EMAIL,
        now=now,
        organisation=None if agent else senders.organisation_for(requester),
        department=mailbox.department,
        uploads=uploads,
    )
    message = ticket.messages.order_by("id").first()
    assert message is not None
    if not agent:
        _add_participants(inbound, ticket, parsed, ours, now=now)
    reason = _note_reused_message_id(inbound, ticket, now=now)
    _keep_display(inbound, parsed, message, content_ids, new_text, quoted, refused)
    return _finish(inbound, Outcome.CREATED, reason, now=now, ticket=ticket, message=message)


def _append(
    inbound: InboundEmail, parsed: ParsedEmail, match: ThreadMatch, ours: set[str], *, now: datetime
) -> IngestResult:
    ticket = match.ticket
    sender = parsed.sender
    assert ticket is not None and sender is not None
    user = senders.find_user(sender.email)
    agent = senders.is_agent(user)
    uploads, content_ids, refused = _uploads(parsed.attachments)
    new_text, quoted = split_reply(parsed.text)
    body = _body(new_text, refused)
    reason = ""
    customer = False
    author: object
    if agent and match.via == OUR_MESSAGE_ID:
        # An agent answering our mail from their own mail client.
        kind, from_staff, author = Message.Kind.REPLY, True, user
    elif agent:
        # Staff mail that only names the case in its subject: anyone can
        # write that, so it stays internal until an agent publishes it.
        kind, from_staff, author = Message.Kind.NOTE, True, user
        reason = "agent-note"
    elif senders.is_verified_sender(ticket, sender.email, user):
        kind, from_staff, author = (
            Message.Kind.REPLY,
            False,
            user or senders.user_for_sender(sender),
        )
        customer = True
    else:
        kind, from_staff, author = Message.Kind.NOTE, True, None
        body = f"{senders.unverified_label(sender)}\n\n{body}"
        reason = "unverified-sender"
    try:
        message = add_message(
            ticket,
            author=author,  # None: a system note
            body=body,
            from_staff=from_staff,
            kind=kind,
            channel=Ticket.Channel.EMAIL,
            uploads=uploads,
            now=now,
        )
    except TicketClosed:
        return _finish(inbound, Outcome.IGNORED, "ticket-closed", now=now, ticket=ticket)
    outcome = Outcome.APPENDED
    if message.ticket_id != ticket.pk:
        # A customer writing on a closed case opens a linked follow-up case.
        outcome, reason = Outcome.CREATED, "follow-up"
        ticket = message.ticket
    if customer:
        _add_participants(inbound, ticket, parsed, ours, now=now)
    reason = _note_reused_message_id(inbound, ticket, now=now) or reason
    _keep_display(inbound, parsed, message, content_ids, new_text, quoted, refused)
    return _finish(inbound, outcome, reason, now=now, ticket=ticket, message=message)


def _record_bounce(inbound: InboundEmail, parsed: ParsedEmail, *, now: datetime) -> IngestResult:
    """A delivery failure: an internal note on the case whose mail bounced, never a message."""
    report = parsed.bounce
    assert report is not None
    ticket: Ticket | None = None
    if report.original_message_id:
        sent = (
            OutboundEmail.objects.filter(message_id=report.original_message_id)
            .select_related("ticket")
            .first()
        )
        ticket = sent.ticket if sent is not None else None
    if ticket is None:
        number = normalise_case_number(report.original_ticket)
        if number:
            ticket = Ticket.objects.filter(number=number).first()
    if ticket is None or not report.failed:
        return _finish(inbound, Outcome.IGNORED, "bounce", now=now, ticket=ticket)
    recipients = ", ".join(report.recipients) or _("the customer")
    details = " ".join(part for part in (report.status, report.diagnostic) if part)
    body = _("Our email to %(recipients)s could not be delivered.") % {"recipients": recipients}
    if details:
        body += f"\n\n{details}"
    try:
        message = add_message(
            ticket,
            author=None,  # the mail system, not a person
            body=body,
            from_staff=True,
            kind=Message.Kind.NOTE,
            channel=Ticket.Channel.EMAIL,
            now=now,
        )
    except TicketClosed:
        message = None
    return _finish(inbound, Outcome.IGNORED, "bounce", now=now, ticket=ticket, message=message)


def _note_reused_message_id(inbound: InboundEmail, ticket: Ticket, *, now: datetime) -> str:
    """A different message with a Message-ID we already acted on: kept, and said so."""
    if not inbound.message_id:
        return ""
    earlier = (
        InboundEmail.objects.filter(message_id=inbound.message_id, dedupe_key__isnull=False)
        .exclude(pk=inbound.pk)
        .exclude(content_hash=inbound.content_hash)
        .values_list("pk", "ticket__number")
        .first()
    )
    if earlier is None:
        return ""
    earlier_pk, number = earlier
    where = format_case_number(number) if number else "-"
    add_message(
        ticket,
        author=None,
        body=_(
            "This email has the same Message-ID as a different email received earlier "
            "(case %(case)s). Both were kept as separate messages."
        )
        % {"case": where},
        from_staff=True,
        kind=Message.Kind.NOTE,
        channel=Ticket.Channel.EMAIL,
        now=now,
    )
    inbound.notes = [*inbound.notes, f"reused-message-id:{earlier_pk}"]
    return "reused-message-id"


def _add_participants(
    inbound: InboundEmail, ticket: Ticket, parsed: ParsedEmail, ours: set[str], *, now: datetime
) -> None:
    exclude = ours | {parsed.sender.email if parsed.sender else ""}
    for person in senders.copied_people(ticket, parsed.recipients, exclude=exclude):
        Participant.objects.get_or_create(
            ticket=ticket,
            email=person.email,
            defaults={"name": person.name, "added_at": now, "added_by_email": inbound},
        )


# --- Attachments and display -----------------------------------------------------


def _uploads(
    attachments: list[ParsedAttachment],
) -> tuple[list[CheckedUpload], list[str], list[str]]:
    """Accepted files as uploads (with their Content-IDs), and a line per refused one.

    Refused files stay in the raw message; the conversation says so.
    """
    uploads: list[CheckedUpload] = []
    content_ids: list[str] = []
    refused: list[str] = []
    limit = settings.ATIENDE_MAX_ATTACHMENT_MB * MB
    for index, attachment in enumerate(attachments, start=1):
        name = attachment.filename or f"adjunto-{index}"
        if len(uploads) >= settings.ATIENDE_MAIL_MAX_ATTACHMENTS:
            refused.append(_("“%(name)s”: too many attachments in one email.") % {"name": name})
            continue
        if len(attachment.data) > limit:
            refused.append(
                _("“%(name)s” is larger than %(limit)d MB.")
                % {"name": name, "limit": settings.ATIENDE_MAX_ATTACHMENT_MB}
            )
            continue
        if attachment.is_message:
            # A forwarded email is text a mail client opens; it is served as
            # a download, never rendered, so the HTML it may contain is inert.
            kind = EML
        else:
            try:
                kind = detect(attachment.data[:SNIFF_BYTES], name)
            except RefusedFile as error:
                refused.append(f"“{name}”: {error}")
                continue
        filename = safe_filename(name, kind)
        upload = SimpleUploadedFile(filename, attachment.data, content_type=kind.content_type)
        uploads.append(CheckedUpload(upload, kind, filename))
        content_ids.append(attachment.content_id)
    return uploads, content_ids, refused


def _body(text: str, refused: list[str]) -> str:
    body = text.strip() or _("(no text)")
    if refused:
        body += "\n\n" + _("Attachments not imported (they are kept in the original email):")
        body += "".join(f"\n- {line}" for line in refused)
    return body


def _keep_display(
    inbound: InboundEmail,
    parsed: ParsedEmail,
    message: Message,
    content_ids: list[str],
    new_text: str,
    quoted: str,
    refused: list[str],
) -> None:
    inbound.body_text = new_text
    inbound.quoted_text = quoted
    inbound.refused_attachments = refused
    if parsed.html:
        stored = list(message.attachments.order_by("id").values_list("pk", flat=True))
        inline = {
            content_id: reverse("clientarea:attachment", args=[pk])
            for content_id, pk in zip(content_ids, stored, strict=False)
            if content_id
        }
        inbound.html, blocked = sanitise_html(
            parsed.html,
            inline_images=inline,
            allow_remote_images=settings.ATIENDE_MAIL_REMOTE_IMAGES,
        )
        if blocked:
            inbound.notes = [*inbound.notes, f"remote-images:{blocked}"]


# --- Results ---------------------------------------------------------------------


def _too_large_detail(size: int) -> str:
    return _("%(size).1f MB, over the %(limit)d MB limit for one email.") % {
        "size": size / MB,
        "limit": settings.ATIENDE_MAIL_MAX_MESSAGE_MB,
    }


_RESULT_FIELDS = [
    "size",
    "subject",
    "from_address",
    "recipients",
    "outcome",
    "reason",
    "detail",
    "no_auto_reply",
    "dedupe_key",
    "ticket",
    "entry",
    "body_text",
    "quoted_text",
    "html",
    "refused_attachments",
    "notes",
    "processed_at",
    "attempts",
]


def _finish(
    inbound: InboundEmail,
    outcome: str,
    reason: str = "",
    *,
    now: datetime,
    ticket: Ticket | None = None,
    message: Message | None = None,
    detail: str = "",
) -> IngestResult:
    inbound.outcome = outcome
    inbound.reason = reason
    inbound.detail = clean_text(detail)[:5000]
    inbound.ticket = ticket
    inbound.entry = message
    inbound.processed_at = now
    if outcome == Outcome.QUARANTINED:
        # Quarantined mail has not acted: a later copy or a re-process may.
        inbound.dedupe_key = None
    # Never rewrite the raw bytes (megabytes, and the one thing that must not change).
    inbound.save(update_fields=_RESULT_FIELDS)
    return IngestResult(
        outcome, case=ticket.display_number if ticket else "", reason=reason, inbound_id=inbound.pk
    )


def _mark_duplicate(
    inbound: InboundEmail, original: InboundEmail | None, *, now: datetime
) -> IngestResult:
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(
            outcome=Outcome.DUPLICATE,
            duplicate_of=original,
            ticket=_ticket_of(original),
            processed_at=now,
            reason="",
            detail="",
        )
    ticket = _ticket_of(original)
    return IngestResult(
        Outcome.DUPLICATE,
        case=ticket.display_number if ticket else "",
        inbound_id=inbound.pk,
    )


def _ticket_of(inbound: InboundEmail | None) -> Ticket | None:
    if inbound is None:
        return None
    if inbound.entry is not None:
        return inbound.entry.ticket
    return inbound.ticket


def _case_of(inbound: InboundEmail) -> str:
    ticket = _ticket_of(inbound)
    return ticket.display_number if ticket else ""


def _result_of(inbound: InboundEmail) -> IngestResult:
    return IngestResult(
        inbound.outcome, case=_case_of(inbound), reason=inbound.reason, inbound_id=inbound.pk
    )
