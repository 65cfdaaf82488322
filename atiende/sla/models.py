"""Business calendars ("horario hábil"): when the support team works.

The models are what the admin edits; the arithmetic lives in the
framework-free ``business_time`` module, reached through ``calendars.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Calendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Bogota")
    always_open = models.BooleanField(
        _("open 24/7"),
        default=False,
        help_text=_("Ignore hours and holidays: every minute counts."),
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        default="CO",
        help_text=_("ISO country code whose public holidays close the calendar; blank for none."),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingInterval(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class SpecialDay(models.Model):
    """A company closing day, or an opening day with its own hours (even on a holiday)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="special_days")
    date = models.DateField(_("date"))
    open_from = models.TimeField(_("open from"), null=True, blank=True)
    open_until = models.TimeField(_("open until"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_special_day_per_date"),
            models.CheckConstraint(
                condition=(
                    models.Q(open_from__isnull=True, open_until__isnull=True)
                    | models.Q(open_from__isnull=False, open_until__isnull=False)
                ),
                name="special_day_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"

    @property
    def is_closed(self) -> bool:
        return self.open_from is None


class SlaAlert(models.Model):
    """A warning (a share of the target used) or a breach, recorded once per deadline."""

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_RESPONSE = "next_response", _("Next response")
        RESOLUTION = "resolution", _("Resolution")

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_alerts"
    )
    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("deadline"))
    at = models.DateTimeField(_("when it happened"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "kind", "due_at"], name="one_alert_per_deadline"
            )
        ]
        indexes = [models.Index(fields=["kind", "at"], name="sla_alert_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} {self.kind}"
