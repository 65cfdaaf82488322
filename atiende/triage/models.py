"""Case types: the kinds of request of the seed's "tipos de casos", each with an impact."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Department
from atiende.services.models import Impact
from atiende.translated_fields import localized


class CaseType(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="case_types",
        verbose_name=_("default department"),
    )
    min_plan_level = models.PositiveSmallIntegerField(
        _("lowest plan level that covers it"),
        default=1,
        help_text=_(
            "Requests of this type from customers on a lower plan are still answered, "
            "but flagged to the agent with the plan's scope note."
        ),
    )
    customer_selectable = models.BooleanField(_("customers may choose it"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class TriageModel(models.Model):
    """One trained classifier, stored so it can be versioned and rolled back."""

    created_at = models.DateTimeField(_("trained"))
    examples = models.PositiveIntegerField(_("training examples"))
    corrections = models.PositiveIntegerField(_("agent corrections used"), default=0)
    data = models.JSONField(_("model"))
    is_active = models.BooleanField(_("in use"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="one_active_triage_model",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.pk} ({self.created_at:%Y-%m-%d})"


class Classification(models.Model):
    """What the classifier said about a ticket when it arrived, and why."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="classification"
    )
    model_version = models.CharField(max_length=40)
    predicted = models.CharField(_("predicted case type"), max_length=60)
    best_guess = models.CharField(max_length=60)
    confidence = models.FloatField(_("confidence"))
    explanation = models.JSONField(_("why"), default=list)
    customer_choice = models.CharField(max_length=60, blank=True)
    # The customer chose a type the classifier confidently disagrees with.
    mismatch = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.predicted} ({self.confidence:.2f})"


class Correction(models.Model):
    """An agent changed the case type: what the classifier learns from."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="triage_corrections"
    )
    predicted = models.CharField(max_length=60)
    corrected = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    agent = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")
        ordering = ["at"]
        indexes = [models.Index(fields=["at"], name="triage_correction_at_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.predicted} → {self.corrected}"
