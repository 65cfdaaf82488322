"""Mail we could not file is kept raw, shown to staff, downloadable and re-processable."""

from __future__ import annotations

import pytest

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_contact, make_staff
from atiende.mail import inbound as inbound_module
from atiende.mail.inbound import reprocess
from atiende.mail.models import InboundEmail
from atiende.mail.tests.factories import make_mailbox, raw_email, receive
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import NOW, department, make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox():
    return make_mailbox("soporte", "soporte@cehis.example")


def _break_parsing(monkeypatch):
    def broken(raw: bytes) -> None:
        raise ValueError("simulated parser bug")

    monkeypatch.setattr(inbound_module, "parse_message", broken)


def test_a_message_that_breaks_parsing_is_quarantined_with_its_raw_bytes(mailbox, monkeypatch):
    _break_parsing(monkeypatch)
    raw = raw_email()
    result = receive(raw, mailbox)
    assert (result.outcome, result.reason) == ("quarantined", "unparseable")
    stored = InboundEmail.objects.get()
    assert bytes(stored.raw) == raw and "simulated parser bug" in stored.detail
    assert not Ticket.objects.exists()


def test_a_quarantined_message_is_processed_again_after_the_fix(mailbox, monkeypatch):
    _break_parsing(monkeypatch)
    receive(raw_email(), mailbox)
    monkeypatch.undo()
    stored = InboundEmail.objects.get()
    result = reprocess(stored, now=NOW)
    assert result.outcome == "created"
    stored.refresh_from_db()
    assert stored.ticket is not None
    assert (stored.outcome, stored.attempts, stored.ticket.display_number) == (
        "created",
        2,
        result.case,
    )


def test_the_same_quarantined_message_fetched_again_is_not_stored_twice(mailbox, monkeypatch):
    _break_parsing(monkeypatch)
    raw = raw_email()
    receive(raw, mailbox)
    assert receive(raw, mailbox).outcome == "duplicate"
    assert InboundEmail.objects.count() == 1


def test_mail_for_an_unknown_mailbox_code_is_kept_until_the_mailbox_exists():
    result = receive(raw_email(), None)
    assert (result.outcome, result.reason) == ("quarantined", "unknown-mailbox")
    stored = InboundEmail.objects.get()
    stored.mailbox = make_mailbox("soporte")
    stored.save()
    assert reprocess(stored, now=NOW).outcome == "created"


def test_mail_without_any_sender_is_quarantined(mailbox):
    result = receive(b"Subject: sin remitente\r\n\r\nhola\r\n", mailbox)
    assert (result.outcome, result.reason) == ("quarantined", "no-sender")


def test_a_message_over_the_size_limit_is_quarantined_without_parsing(settings, mailbox):
    settings.ATIENDE_MAIL_MAX_MESSAGE_MB = 1
    big = raw_email(
        attachments=[("datos.zip", b"PK\x03\x04" + b"\x00" * 1_200_000, "application/zip")]
    )
    result = receive(big, mailbox)
    assert (result.outcome, result.reason) == ("quarantined", "too-large")
    assert bytes(InboundEmail.objects.get().raw) == big


def test_a_message_stuck_after_a_crash_is_processed_by_the_sweep(mailbox):
    raw = raw_email()
    stored = InboundEmail.objects.create(
        mailbox=mailbox,
        source="pipe",
        received_at=NOW,
        raw=raw,
        size=len(raw),
        content_hash="x" * 64,
    )
    assert inbound_module.process_stuck(now=NOW + inbound_module.STUCK_AFTER * 2) == 1
    stored.refresh_from_db()
    assert stored.outcome == "created"


# --- Console pages -----------------------------------------------------------------


@pytest.fixture
def quarantined(mailbox, monkeypatch):
    _break_parsing(monkeypatch)
    receive(raw_email(subject="Correo roto"), mailbox)
    monkeypatch.undo()
    return InboundEmail.objects.get()


def test_staff_see_the_quarantine_list_with_the_reason(client, quarantined):
    client.force_login(make_agent())
    page = client.get("/consola/correo/").content.decode()
    assert "Correo roto" in page and "unparseable" in page


def test_customers_cannot_see_received_mail(client, quarantined):
    client.force_login(make_contact())
    assert client.get("/consola/correo/").status_code == 403
    assert client.get(f"/consola/correo/{quarantined.pk}/").status_code == 403
    assert client.get(f"/consola/correo/{quarantined.pk}/eml/").status_code == 403


def test_restricted_department_mail_is_hidden_from_other_agents(client, monkeypatch):
    restricted = department("facturacion")
    restricted.is_restricted = True
    restricted.save()
    billing = make_mailbox("facturacion", department_code="facturacion")
    _break_parsing(monkeypatch)
    receive(raw_email(), billing)
    stored = InboundEmail.objects.get()
    client.force_login(make_agent())
    assert client.get(f"/consola/correo/{stored.pk}/").status_code == 404
    client.force_login(make_staff(Role.SUPERVISOR))
    assert client.get(f"/consola/correo/{stored.pk}/").status_code == 200


def test_staff_download_the_original_as_eml(client, quarantined):
    client.force_login(make_agent())
    response = client.get(f"/consola/correo/{quarantined.pk}/eml/")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == bytes(quarantined.raw)


def test_staff_reprocess_from_the_console(client, quarantined):
    client.force_login(make_agent())
    response = client.post(f"/consola/correo/{quarantined.pk}/reprocesar/")
    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.outcome == "created" and Ticket.objects.count() == 1


def test_the_original_page_collapses_the_quoted_history(client, mailbox):
    receive(
        raw_email(
            body="Sigue sin cargar.\n\nEl lun, 24 nov 2026, Soporte escribió:\n> ¿Ya probó?\n",
            html="<p>Sigue sin cargar.</p><img src='https://rastreo.example/p.gif'>",
        ),
        mailbox,
    )
    stored = InboundEmail.objects.get()
    client.force_login(make_agent())
    page = client.get(f"/consola/correo/{stored.pk}/").content.decode()
    assert "<details><summary>" in page and "¿Ya probó?" in page
    assert "rastreo.example" not in page
    assert Ticket.objects.get().messages.get().body == "Sigue sin cargar."


def test_remote_images_are_shown_only_when_the_installation_allows_them(settings, client, mailbox):
    settings.ATIENDE_MAIL_REMOTE_IMAGES = True
    receive(raw_email(html="<p>Mire</p><img src='https://cdn.example/foto.png'>"), mailbox)
    stored = InboundEmail.objects.get()
    client.force_login(make_agent())
    response = client.get(f"/consola/correo/{stored.pk}/")
    assert "https://cdn.example/foto.png" in response.content.decode()
    assert "https:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
