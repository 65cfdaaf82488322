"""Webhook sending, run by ``atiende worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from atiende.webhooks.sending import deliver, prune, retry_due


@task
def deliver_webhook(delivery_id: int) -> str:
    delivery = deliver(delivery_id, now=timezone.now())
    return delivery.status if delivery is not None else "not due"


@task
def retry_webhooks_task() -> int:
    """Retry the deliveries whose next attempt is due (every minute); forget old ones."""
    now = timezone.now()
    prune(now=now)
    return retry_due(now=now)
