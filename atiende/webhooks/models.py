"""Outgoing webhooks: other systems told, by HTTP POST, what happened to cases."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# The events a webhook may subscribe to, with what they mean.
EVENTS = {
    "ticket.created": _("A case was opened (any channel)"),
    "ticket.changed": _("A case's status, impact, type, department, assignee or tags changed"),
    "message.created": _("A reply, internal note, call or chat transcript was added to a case"),
    "sla.warning": _("A case reached the warning share of a response or resolution target"),
    "sla.breached": _("A case missed a response or resolution target"),
}


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("Receives a JSON POST for each event.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_(
            "Each request carries X-Atiende-Signature: sha256=HMAC(secret, timestamp + '.' + body)."
        ),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_('Event names, e.g. ["ticket.created", "sla.breached"]; ["*"] for all.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return "*" in self.events or event in self.events


class Delivery(models.Model):
    """One event for one webhook, with every attempt's outcome (kept, never dropped)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_idx"),
            # The retry sweep reads only what is waiting.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"
