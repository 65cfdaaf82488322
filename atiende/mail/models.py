"""The email channel's own records.

Tickets and their conversation live in ``atiende.tickets``; this app keeps
what is specific to email next to them: the mailboxes we read, every raw
message we received (kept as it arrived, whatever happened to it), every
message we sent (so replies to it find their ticket), and the people a
customer copied on a case.
"""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Department
from atiende.tickets.models import Message, Ticket

# The IMAP keyword a "flag" mailbox marks imported messages with (besides \Seen,
# which a person reading the mailbox may also set or clear).
IMPORTED_KEYWORD = "$AtiendeImported"


def is_loopback_host(host: str) -> bool:
    """True for this machine's own addresses, where an unencrypted IMAP login is harmless."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Mailbox(models.Model):
    """An address customers write to, routed to a department.

    Mail reaches it by IMAP polling (when an IMAP host is set) or by the mail
    server piping each message to ``atiende mail ingest --mailbox CODE``.
    """

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (IMAPS, port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        PLAIN = "plain", _("Unencrypted (only on this machine, 127.0.0.1)")

    class AfterImport(models.TextChoices):
        MOVE = "move", _("Move to a folder")
        FLAG = "flag", _("Mark as read and flag it")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.EmailField(_("address"), unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="mailboxes",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(
        _("IMAP server"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when the mail server pipes messages to Atiende instead."),
    )
    imap_port = models.PositiveIntegerField(
        _("IMAP port"), null=True, blank=True, help_text=_("Empty: 993 with TLS, else 143.")
    )
    security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    # Kept as given (the IMAP server needs it back), never shown in a form,
    # the admin, a log line or an error message.
    password = models.CharField(_("IMAP password"), max_length=200, blank=True)
    folder = models.CharField(_("folder to read"), max_length=200, default="INBOX")
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.MOVE
    )
    archive_folder = models.CharField(
        _("folder for imported mail"),
        max_length=200,
        default="Atiende",
        help_text=_("Created when missing. Used when imported mail is moved."),
    )
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    # One poll at a time per mailbox, even with several workers.
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} <{self.address}>"

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if (
            self.imap_host
            and self.security == self.Security.PLAIN
            and not is_loopback_host(self.imap_host)
        ):
            raise ValidationError(
                {
                    "security": _(
                        "An unencrypted connection would send the password in clear text; "
                        "it is only allowed to a server on this machine."
                    )
                }
            )

    @property
    def port(self) -> int:
        if self.imap_port:
            return self.imap_port
        return 993 if self.security == self.Security.TLS else 143


class InboundEmail(models.Model):
    """One message as received, and what became of it.

    The raw bytes are stored before anything else happens, so no message is
    lost to a parsing bug: it stays here, downloadable and re-processable.
    """

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP")
        PIPE = "pipe", _("Mail server pipe")

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received, not processed yet")
        CREATED = "created", _("Opened a case")
        APPENDED = "appended", _("Added to a case")
        DUPLICATE = "duplicate", _("Duplicate")
        IGNORED = "ignored", _("Ignored")
        QUARANTINED = "quarantined", _("Quarantined")

    mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("mailbox"),
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(_("received"))
    raw = models.BinaryField(editable=False)
    size = models.PositiveBigIntegerField(_("size"))
    # The Message-ID header without angle brackets; "" when the message has none.
    message_id = models.CharField(max_length=255, blank=True)
    # SHA-256 of what makes the message itself (sender, recipients, subject,
    # date, Message-ID and body), not of the trace headers each mailbox adds:
    # the same mail delivered to two of our mailboxes has the same hash.
    content_hash = models.CharField(max_length=64)
    # Set to the content hash by the one row that acted on this message; the
    # unique constraint makes a copy processed at the same time a duplicate.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    imap_uid = models.PositiveBigIntegerField(null=True, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    # Why we must never answer this message automatically ("" when we may).
    no_auto_reply = models.CharField(max_length=40, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    # The conversation entry it became (a reply, or an internal note).
    entry = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # The parsed message for the console: the new text, the quoted previous
    # replies and signature (collapsed on screen), the sanitised HTML.
    body_text = models.TextField(blank=True)
    quoted_text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # To and Cc addresses, for "who already got this" when we notify others.
    recipients = models.JSONField(default=list, blank=True)
    # Attachments not imported into the case (type, size, count), one line each;
    # they remain in the raw message.
    refused_attachments = models.JSONField(default=list, blank=True)
    # Machine-readable flags: "headers-only", "reused-message-id:<id>", "remote-images:<n>".
    notes = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["content_hash"], name="inbound_content_hash_idx"),
            models.Index(
                fields=["message_id"],
                name="inbound_message_id_idx",
                condition=~Q(message_id=""),
            ),
            models.Index(fields=["outcome", "received_at"], name="inbound_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address} {self.subject}"

    @property
    def produced_entry(self) -> bool:
        return self.outcome in (self.Outcome.CREATED, self.Outcome.APPENDED)


class OutboundEmail(models.Model):
    """A message we sent: its Message-ID is how replies find their ticket."""

    class Audience(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SENDER = "sender", _("Unknown sender")

    message_id = models.CharField(max_length=255, unique=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound_emails"
    )
    # The conversation entry it carried (an agent's reply), if any.
    entry = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=40)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    to_address = models.CharField(max_length=254)
    cc = models.JSONField(default=list, blank=True)
    automatic = models.BooleanField(default=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "sent_at"], name="outbound_ticket_idx"),
            # The auto-reply rate limit counts recent automatic mail per address.
            models.Index(
                fields=["to_address", "sent_at"],
                name="outbound_auto_reply_idx",
                condition=Q(automatic=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address}"


class Participant(models.Model):
    """Someone the customer copied on their case: they get the replies too."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    email = models.EmailField(_("address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    added_at = models.DateTimeField()
    added_by_email = models.ForeignKey(
        InboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="unique_participant")
        ]

    def __str__(self) -> str:
        return self.email
