"""Customer services and the support plans that come with them.

A support plan's promises are data, so the hosting company can edit them in
the admin: which channels (``PlanChannel``) at which hours, with which
conditions, and how fast (``ResponseTarget`` per impact).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Organisation
from atiende.sla.models import Calendar
from atiende.translated_fields import localized


class Impact(models.TextChoices):
    """How much a case affects the service (the seed's "tipos de casos"); its priority."""

    LOW = "low", _("Low impact")
    MEDIUM = "medium", _("Medium impact")
    HIGH = "high", _("High impact")


class Channel(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    REMOTE = "remote", _("Remote assistance")


# Tickets and email are accepted at any hour and answered when the team is
# attending; the live channels exist only while somebody is there.
LIVE_CHANNELS = frozenset({Channel.CHAT, Channel.PHONE, Channel.REMOTE})


class Hours(models.TextChoices):
    BUSINESS = "business", _("Business hours")
    ALWAYS = "always", _("24/7")


class SupportPlan(models.Model):
    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    tagline_es = models.CharField(_("tagline (Spanish)"), max_length=200, blank=True)
    tagline_en = models.CharField(_("tagline (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    features_es = models.TextField(
        _("what it includes (Spanish)"), blank=True, help_text=_("One per line.")
    )
    features_en = models.TextField(
        _("what it includes (English)"), blank=True, help_text=_("One per line.")
    )
    scope_es = models.TextField(
        _("scope note (Spanish)"),
        blank=True,
        help_text=_("Shown to agents when a request falls outside the plan."),
    )
    scope_en = models.TextField(_("scope note (English)"), blank=True)
    is_premium = models.BooleanField(_("premium (additional cost)"), default=False)
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("business hours"),
        help_text=_("When the team attends channels marked 'business hours'."),
    )

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def tagline(self) -> str:
        return localized(self, "tagline")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def scope(self) -> str:
        return localized(self, "scope")

    @property
    def features(self) -> list[str]:
        return [line.strip() for line in localized(self, "features").splitlines() if line.strip()]


class PlanChannel(models.Model):
    """One channel a plan includes, the hours it is attended, and its condition."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    hours = models.CharField(
        _("attended"), max_length=10, choices=Hours.choices, default=Hours.BUSINESS
    )
    requires_case_number = models.BooleanField(
        _("only for an existing case number"),
        default=False,
        help_text=_("E.g. phone support only for cases that already have a ticket."),
    )
    note_es = models.CharField(_("note (Spanish)"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan channel")
        verbose_name_plural = _("plan channels")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "channel"], name="one_row_per_plan_channel")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_channel_display()}"

    @property
    def note(self) -> str:
        return localized(self, "note")


class ResponseTarget(models.Model):
    """How fast a plan promises to answer and to resolve a case of one impact.

    Minutes count on the calendar of the channel's hours: business minutes
    for channels attended in business hours, wall-clock minutes for 24/7.
    """

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="targets")
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))

    class Meta:
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "impact"], name="one_target_per_plan_impact")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_impact_display()}"


class Service(models.Model):
    class ProductType(models.TextChoices):
        SHARED_HOSTING = "shared_hosting", _("Shared hosting")
        RESELLER = "reseller", _("Reseller hosting")
        VPS = "vps", _("VPS")
        DEDICATED = "dedicated", _("Dedicated server")
        DOMAIN = "domain", _("Domain")
        EMAIL = "email", _("Email")
        SSL = "ssl", _("SSL certificate")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    product_type = models.CharField(_("product"), max_length=20, choices=ProductType.choices)
    identifier = models.CharField(
        _("domain or hostname"), max_length=255, blank=True, help_text=_("e.g. tienda.example.com")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    plan = models.ForeignKey(
        SupportPlan,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("support plan"),
    )
    started_on = models.DateField(_("start date"))
    renews_on = models.DateField(_("renewal date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation", "name"]
        indexes = [models.Index(fields=["organisation", "status"], name="service_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})" if self.identifier else self.name
