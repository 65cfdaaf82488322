"""Tickets (cases), their conversation, attachments and audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Department, Organisation
from atiende.services.models import Impact, Service, SupportPlan
from atiende.translated_fields import localized
from atiende.triage.models import CaseType

# The sort key of cases with no running deadline: after every real one.
NOTHING_DUE = datetime(2999, 1, 1, tzinfo=UTC)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending on customer")
        ON_HOLD = "on_hold", _("On hold")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Client area")
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Chat")
        PHONE = "phone", _("Phone")
        API = "api", _("API")

    # The case number customers quote on the phone: random digits, never a
    # sequence, so one case number says nothing about other customers' cases.
    number = models.CharField(_("case number"), max_length=12, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tickets", null=True, blank=True
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    plan = models.ForeignKey(
        SupportPlan,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("support plan"),
        help_text=_("The plan whose promises apply: the service's, else the organisation's best."),
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tickets")
    case_type = models.ForeignKey(
        CaseType, on_delete=models.PROTECT, related_name="tickets", null=True, blank=True
    )
    impact = models.CharField(
        _("impact"), max_length=10, choices=Impact.choices, default=Impact.LOW
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The deadline queues sort by: first response until answered, then resolution.
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Queue sort keys, derived by the actions (tickets.actions.derive) so that
    # one index gives the queues their order without sorting every open case:
    # open or not, next deadline (far future when none), impact, plan level.
    queue_open = models.BooleanField(default=True)
    sort_due = models.DateTimeField(default=NOTHING_DUE)
    impact_rank = models.PositiveSmallIntegerField(default=1)
    plan_level = models.PositiveSmallIntegerField(default=1)
    # Since when the customer's latest message waits for an agent's answer
    # (starts the next-response clock once the first response was given).
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    # The SLA warnings and breaches still to come, as
    # [[instant ISO, target, "warning"|"breach", due ISO], ...] in time order;
    # next_alert_at is the first instant, so the sweep reads one index range.
    sla_schedule = models.JSONField(default=list, blank=True)
    next_alert_at = models.DateTimeField(null=True, blank=True)

    class SetBy(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        CLASSIFIER = "classifier", _("Automatic triage")
        AGENT = "agent", _("Agent")

    case_type_set_by = models.CharField(max_length=10, choices=SetBy.choices, blank=True)
    needs_triage = models.BooleanField(_("needs triage"), default=False)
    out_of_scope = models.BooleanField(
        _("outside the plan's scope"),
        default=False,
        help_text=_("Accepted and answered, but the plan does not cover this kind of request."),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_tickets"
    )
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    message_count = models.PositiveIntegerField(default=0)

    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [("work_ticket", _("Can work tickets in the console"))]
        indexes = [
            # Queues: open cases in urgency order; one per common narrowing.
            models.Index(
                fields=[
                    "queue_open",
                    "sort_due",
                    "-impact_rank",
                    "-plan_level",
                    "created_at",
                    "id",
                ],
                name="ticket_urgency_idx",
            ),
            models.Index(
                fields=["assignee", "queue_open", "sort_due"], name="ticket_assignee_queue_idx"
            ),
            models.Index(
                fields=["department", "queue_open", "sort_due"], name="ticket_dept_queue_idx"
            ),
            # Queue counts read only this index.
            models.Index(
                fields=["status", "department", "assignee", "needs_triage"],
                name="ticket_counts_idx",
            ),
            models.Index(fields=["organisation", "status", "created_at"], name="ticket_org_idx"),
            models.Index(fields=["requester", "created_at"], name="ticket_requester_idx"),
            models.Index(
                fields=["next_alert_at"],
                name="ticket_sla_sweep_idx",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(
                fields=["resolved_at"],
                name="ticket_resolved_idx",
                condition=Q(status="resolved"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.subject}"

    @property
    def display_number(self) -> str:
        return format_case_number(self.number)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


def format_case_number(number: str) -> str:
    """``48291537`` → ``4829-1537``: two groups of four read well over the phone."""
    return f"{number[:4]}-{number[4:]}" if len(number) == 8 else number


class Message(models.Model):
    """One entry in a ticket's conversation."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")
        CALL = "call", _("Phone call")
        REMOTE = "remote", _("Remote assistance session")
        CHAT = "chat", _("Chat transcript")

    class Direction(models.TextChoices):
        INBOUND = "in", _("Customer called us")
        OUTBOUND = "out", _("We called the customer")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPLY)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    channel = models.CharField(max_length=10, choices=Ticket.Channel.choices)
    created_at = models.DateTimeField()
    # Phone calls and remote sessions: who called whom and for how long.
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, blank=True
    )
    duration = models.DurationField(_("duration"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_kind_display()}"

    # What the customer sees: replies, chats and the summaries of calls and
    # remote sessions they took part in; internal notes never.
    PUBLIC_KINDS = (Kind.REPLY, Kind.CHAT, Kind.CALL, Kind.REMOTE)
    # An agent's entry of these kinds answers the customer (first/next response).
    RESPONSE_KINDS = (Kind.REPLY, Kind.CALL, Kind.REMOTE, Kind.CHAT)

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tickets/%Y/%m/", max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketEvent(models.Model):
    """Audit: every change to a ticket, who made it, when, before and after."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        IMPACT = "impact", _("Impact changed")
        CASE_TYPE = "case_type", _("Case type changed")
        DEPARTMENT = "department", _("Department changed")
        SERVICE = "service", _("Service changed")
        TAGS = "tags", _("Tags changed")
        MERGED = "merged", _("Merged")
        MERGED_IN = "merged_in", _("Ticket merged in")
        FOLLOW_UP = "follow_up", _("Follow-up opened")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="event_ticket_idx"),
            models.Index(fields=["kind", "at"], name="event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.kind}"


class CannedReply(models.Model):
    """A reusable answer. ``{customer_name}`` and ``{case_number}`` are filled in."""

    title = models.CharField(_("title"), max_length=120)
    body_es = models.TextField(_("text (Spanish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_replies"
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def body(self, language: str) -> str:
        return localized(self, "body", language)


class SavedFilter(models.Model):
    """An agent's named queue: the console's filter form, saved as its query string."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=1000)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_filter_name")
        ]

    def __str__(self) -> str:
        return self.name
