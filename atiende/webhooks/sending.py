"""Record events for the webhooks that want them, and deliver them with retries.

An action calls ``emit``; once its transaction commits, one Delivery row per
subscribed webhook is stored with the payload as it stands then, and the
worker POSTs it. Nothing waits on the receiver: a slow or broken endpoint
never delays an agent or a customer, and every attempt's outcome stays on the
row. Failures are retried after growing delays (``RETRY_DELAYS``), then the
delivery is marked failed. A delivery is claimed with a short lease before it
is sent, so two workers never send the same one at the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from atiende.api.representations import RELATED, message_out, ticket_out
from atiende.tickets.models import Message, Ticket
from atiende.webhooks.models import EVENTS, Delivery, Webhook

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Wait after the 1st, 2nd… failed attempt; after the last, the delivery fails.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LEASE = timedelta(minutes=2)
# Finished deliveries are kept this long for the admin's delivery log.
KEEP_FINISHED = timedelta(days=30)
USER_AGENT = "Atiende-Webhooks/1"


def emit(event: str, *, ticket_id: int, message_id: int | None = None, **data: Any) -> None:
    """Announce ``event`` on a case to the webhooks, once the current transaction commits."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    transaction.on_commit(partial(record, event, ticket_id, message_id, data))


def record(
    event: str,
    ticket_id: int,
    message_id: int | None,
    data: dict[str, Any],
    now: datetime | None = None,
) -> list[Delivery]:
    """Store a delivery for each active webhook that wants ``event`` and queue its sending."""
    hooks = subscribers(event)
    if not hooks:
        return []
    now = now or timezone.now()
    payload = _payload(event, ticket_id, message_id, data, now)
    if payload is None:
        return []
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                webhook=hook, event=event, payload=payload, created_at=now, next_attempt_at=now
            )
            for hook in hooks
        ]
    )
    from atiende.webhooks.tasks import deliver_webhook

    for delivery in deliveries:
        deliver_webhook.enqueue(delivery.pk)
    return deliveries


def subscribers(event: str) -> list[Webhook]:
    """The active webhooks that want ``event``."""
    return [hook for hook in Webhook.objects.filter(is_active=True) if hook.wants(event)]


def _payload(
    event: str, ticket_id: int, message_id: int | None, data: dict[str, Any], now: datetime
) -> dict[str, Any] | None:
    ticket = Ticket.objects.select_related(*RELATED).filter(pk=ticket_id).first()
    if ticket is None:
        return None
    case = ticket_out(ticket, staff=True)
    case["url"] = settings.SITE_URL + case["url"]
    body: dict[str, Any] = {"event": event, "occurred_at": now, "ticket": case, **data}
    if message_id is not None:
        message = (
            Message.objects.select_related("author")
            .prefetch_related("attachments")
            .filter(pk=message_id)
            .first()
        )
        if message is not None:
            body["message"] = message_out(message)
    # Stored as JSON text would be: dates as ISO 8601 strings.
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What X-Atiende-Signature carries; receivers compute the same to trust a request."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would resend the event as a GET without body: count it as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """The response status, or None and what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None, "Only http and https URLs are allowed."
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, str(reason)[:500]


def deliver(delivery_id: int, *, now: datetime) -> Delivery | None:
    """Send one delivery if it is due and nobody else is sending it; record the outcome."""
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + LEASE)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    timestamp = str(int(now.timestamp()))
    status, error = _post(
        webhook.url,
        body,
        {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Atiende-Event": delivery.event,
            "X-Atiende-Delivery": str(delivery.pk),
            "X-Atiende-Timestamp": timestamp,
            "X-Atiende-Signature": signature(webhook.secret, timestamp, body),
        },
    )
    delivery.attempts += 1
    delivery.response_status = status
    if status is not None and 200 <= status < 300:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.error = ""
    else:
        delivery.error = error or f"HTTP {status}"
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
            logger.warning("Webhook %s gave up on delivery %s: %s", webhook, delivery.pk, error)
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.save(
        update_fields=[
            "attempts",
            "response_status",
            "status",
            "delivered_at",
            "next_attempt_at",
            "error",
        ]
    )
    return delivery


def retry_due(*, now: datetime, batch: int = 200) -> int:
    """Send the pending deliveries whose next attempt is due; how many were attempted."""
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in due if deliver(pk, now=now) is not None)


def prune(*, now: datetime) -> int:
    """Forget delivered and failed deliveries older than ``KEEP_FINISHED``."""
    deleted, _ = Delivery.objects.filter(
        created_at__lt=now - KEEP_FINISHED,
        status__in=[Delivery.Status.DELIVERED, Delivery.Status.FAILED],
    ).delete()
    return deleted


def send_test(webhook: Webhook, *, now: datetime) -> Delivery:
    """A ``ping`` to check an endpoint from the admin, sent at once and recorded."""
    delivery = Delivery.objects.create(
        webhook=webhook,
        event="ping",
        payload={"event": "ping", "occurred_at": now.isoformat(), "webhook": webhook.name},
        created_at=now,
        next_attempt_at=now,
    )
    sent = deliver(delivery.pk, now=now) or delivery
    if sent.status == Delivery.Status.PENDING:  # a test is not retried
        sent.status = Delivery.Status.FAILED
        sent.next_attempt_at = None
        sent.save(update_fields=["status", "next_attempt_at"])
    return sent
