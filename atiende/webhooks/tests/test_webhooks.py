"""Webhooks against a real HTTP server on 127.0.0.1: what a receiving system sees."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from atiende.sla.models import SlaAlert
from atiende.sla.tracking import sweep
from atiende.tickets.actions import add_message, update_ticket
from atiende.tickets.tests.factories import NOW, make_agent, make_ticket
from atiende.webhooks.models import Delivery, Webhook
from atiende.webhooks.sending import (
    KEEP_FINISHED,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    prune,
    retry_due,
    send_test,
)

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """An HTTP endpoint that records requests and answers ``status``."""

    status: int = 200
    requests: list[dict] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/atiende"

    def events(self) -> list[str]:
        return [r["headers"]["X-Atiende-Event"] for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def hook(url: str, events: list[str], **extra: object) -> Webhook:
    return Webhook.objects.create(name="Sistema de monitoreo", url=url, events=events, **extra)


def test_a_new_case_is_posted_signed_to_the_receiver(receiver, django_capture_on_commit_callbacks):
    webhook = hook(receiver.url, ["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(subject="Servidor caído")
    assert receiver.events() == ["ticket.created"]
    request = receiver.requests[0]
    payload = json.loads(request["body"])
    assert payload["ticket"]["display_number"] == ticket.display_number
    assert payload["ticket"]["subject"] == "Servidor caído"
    assert payload["ticket"]["url"].endswith(f"/consola/tickets/{ticket.number}/")
    # The receiver can prove the request came from this installation.
    headers = request["headers"]
    expected = hmac.new(
        webhook.secret.encode(),
        headers["X-Atiende-Timestamp"].encode() + b"." + request["body"],
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-Atiende-Signature"] == f"sha256={expected}"
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.response_status == 200


def test_only_subscribed_events_are_sent(receiver, django_capture_on_commit_callbacks):
    hook(receiver.url, ["message.created"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()
        add_message(ticket, author=make_agent(), body="Ya lo revisamos.", from_staff=True, now=NOW)
    assert receiver.events() == ["message.created"]
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["message"]["body"] == "Ya lo revisamos."
    assert payload["message"]["public"] is True


def test_changes_carry_before_and_after(receiver, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    hook(receiver.url, ["*"])
    with django_capture_on_commit_callbacks(execute=True):
        update_ticket(ticket, acting_user=make_agent(), now=NOW, impact="high")
    payload = json.loads(receiver.requests[-1]["body"])
    assert payload["event"] == "ticket.changed"
    assert payload["change"]["kind"] == "impact"
    assert payload["change"]["after"] == "high"
    assert payload["ticket"]["impact"] == "high"


def test_a_rolled_back_action_announces_nothing(receiver, django_capture_on_commit_callbacks):
    hook(receiver.url, ["*"])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_ticket()
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_a_failing_receiver_is_retried_later_then_given_up(
    receiver, django_capture_on_commit_callbacks
):
    receiver.status = 503
    hook(receiver.url, ["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()  # the case opens whatever the receiver says
    assert ticket.pk
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1 and delivery.response_status == 503
    first_retry = delivery.next_attempt_at
    assert first_retry is not None
    # Not due yet: nothing is sent.
    assert retry_due(now=first_retry - timedelta(seconds=1)) == 0
    now = first_retry
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert retry_due(now=now) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert delivery.next_attempt_at == now + RETRY_DELAYS[attempt - 1]
            now = delivery.next_attempt_at
    assert delivery.status == Delivery.Status.FAILED
    assert "503" in delivery.error
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert retry_due(now=now + timedelta(days=7)) == 0


def test_a_receiver_that_recovers_gets_the_event(receiver, django_capture_on_commit_callbacks):
    receiver.status = 500
    hook(receiver.url, ["ticket.created"])
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    receiver.status = 204
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at is not None
    retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2
    assert delivery.error == ""


def test_an_unreachable_receiver_is_recorded_not_raised(django_capture_on_commit_callbacks):
    hook("http://127.0.0.1:9/nadie", ["ticket.created"])  # port 9: nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.response_status is None and delivery.error


def test_redirects_are_not_followed(receiver):
    receiver.status = 302
    delivery = send_test(hook(receiver.url, []), now=NOW)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.response_status == 302


def test_a_paused_webhook_gets_nothing(receiver, django_capture_on_commit_callbacks):
    hook(receiver.url, ["*"], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    assert receiver.requests == []


def test_sla_breaches_are_announced(receiver, django_capture_on_commit_callbacks):
    ticket = make_ticket(code="service_down")
    hook(receiver.url, ["sla.breached"])
    assert ticket.first_response_due is not None
    with django_capture_on_commit_callbacks(execute=True):
        alerts = sweep(now=ticket.first_response_due + timedelta(minutes=1))
    assert any(a.kind == SlaAlert.Kind.BREACH for a in alerts)
    assert "sla.breached" in receiver.events()
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["ticket"]["number"] == ticket.number
    assert payload["target"] == "first_response"


def test_the_admin_test_button_reports_the_answer(receiver, client):
    from allauth.mfa.models import Authenticator

    from atiende.accounts.tests.factories import make_user

    admin = make_user(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
    client.force_login(admin)
    webhook = hook(receiver.url, [])
    assert client.get("/admin/webhooks/webhook/").status_code == 200
    assert client.get(f"/admin/webhooks/webhook/{webhook.pk}/change/").status_code == 200
    response = client.post(
        "/admin/webhooks/webhook/",
        {"action": "ping", "_selected_action": [webhook.pk]},
        follow=True,
    )
    assert "200" in response.content.decode()
    assert json.loads(receiver.requests[0]["body"])["event"] == "ping"


def test_old_finished_deliveries_are_forgotten_pending_ones_kept(receiver):
    webhook = hook(receiver.url, [])
    done = send_test(webhook, now=NOW)
    waiting = Delivery.objects.create(
        webhook=webhook, event="ticket.created", payload={}, created_at=NOW, next_attempt_at=NOW
    )
    assert prune(now=NOW + KEEP_FINISHED - timedelta(minutes=1)) == 0
    assert prune(now=NOW + KEEP_FINISHED + timedelta(minutes=1)) == 1
    assert not Delivery.objects.filter(pk=done.pk).exists()
    assert Delivery.objects.filter(pk=waiting.pk).exists()
