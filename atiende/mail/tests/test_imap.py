"""Polling a real IMAP server (Dovecot on 127.0.0.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError

from atiende.accounts.tests.factories import make_contact
from atiende.mail import inbound
from atiende.mail.imap import poll_mailbox
from atiende.mail.models import IMPORTED_KEYWORD, InboundEmail, Mailbox
from atiende.mail.tests.factories import make_mailbox, raw_email
from atiende.tickets.models import Message, Ticket
from atiende.tickets.tests.factories import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap_mailbox(dovecot):
    folder = dovecot.new_folder()
    return make_mailbox(
        "soporte",
        "soporte@cehis.example",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        security=Mailbox.Security.PLAIN,
        username="soporte",
        password=dovecot.password,
        folder=folder,
        archive_folder=f"{folder}-importado",
    )


def test_new_mail_becomes_cases_and_is_moved_only_once_stored(dovecot, imap_mailbox):
    make_contact(email="ana@cliente.example")
    dovecot.deliver(
        imap_mailbox.folder,
        raw_email(subject="Uno", body="uno"),
        raw_email(subject="Dos", body="dos"),
    )
    report = poll_mailbox(imap_mailbox, now=NOW)
    assert (report.fetched, report.error, dict(report.outcomes)) == (2, "", {"created": 2})
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Dos", "Uno"]
    assert dovecot.count(imap_mailbox.folder) == 0
    assert dovecot.count(imap_mailbox.archive_folder) == 2
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_polled_at == NOW and imap_mailbox.poll_lease_until is None


def test_flag_mode_marks_imported_mail_and_a_second_poll_creates_nothing(dovecot, imap_mailbox):
    imap_mailbox.after_import = Mailbox.AfterImport.FLAG
    imap_mailbox.save()
    dovecot.deliver(imap_mailbox.folder, raw_email())
    assert poll_mailbox(imap_mailbox, now=NOW).fetched == 1
    assert dovecot.count(imap_mailbox.folder, "SEEN") == 1
    assert dovecot.count(imap_mailbox.folder, "KEYWORD", IMPORTED_KEYWORD) == 1
    assert poll_mailbox(imap_mailbox, now=NOW).fetched == 0
    assert Ticket.objects.count() == 1


def test_a_crash_before_marking_leaves_the_mail_and_the_refetch_adds_nothing(
    dovecot, imap_mailbox, monkeypatch
):
    imap_mailbox.after_import = Mailbox.AfterImport.FLAG
    imap_mailbox.save()
    dovecot.deliver(imap_mailbox.folder, raw_email(subject="Uno"), raw_email(subject="Dos"))
    real_ingest = inbound.ingest
    calls = []

    def database_goes_away(raw, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise inbound.StoreFailed("database is down")
        return real_ingest(raw, **kwargs)

    monkeypatch.setattr("atiende.mail.imap.ingest", database_goes_away)
    report = poll_mailbox(imap_mailbox, now=NOW)
    assert report.error.startswith("database")
    # The first message is stored and marked; the second is untouched on the server.
    assert dovecot.count(imap_mailbox.folder, "UNKEYWORD", IMPORTED_KEYWORD) == 1
    monkeypatch.undo()
    # Unmark everything, as if the marking itself had been lost: both are fetched again.
    with dovecot.client() as client:
        client.select_folder(imap_mailbox.folder)
        client.remove_flags(client.search(["ALL"]), [IMPORTED_KEYWORD.encode()])
    report = poll_mailbox(imap_mailbox, now=NOW)
    assert dict(report.outcomes) == {"duplicate": 1, "created": 1}
    assert Ticket.objects.count() == 2 and Message.objects.count() == 2


def test_a_huge_message_and_one_with_fifty_attachments_do_not_block_the_others(
    dovecot, imap_mailbox
):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
        b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
        b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    thirty_mb = raw_email(
        subject="Copia de seguridad",
        attachments=[
            ("backup.zip", b"PK\x03\x04" + b"\x00" * (30 * 1024 * 1024), "application/zip")
        ],
    )
    fifty = raw_email(
        subject="Fotos del error",
        attachments=[(f"foto{n}.png", png, "image/png") for n in range(50)],
    )
    dovecot.deliver(
        imap_mailbox.folder,
        raw_email(subject="Antes"),
        thirty_mb,
        fifty,
        raw_email(subject="Después"),
    )
    report = poll_mailbox(imap_mailbox, now=NOW)
    assert report.fetched == 4 and report.error == ""
    assert dict(report.outcomes) == {"created": 3, "quarantined": 1}
    assert dovecot.count(imap_mailbox.folder) == 0
    big = InboundEmail.objects.get(reason="too-large")
    # Never downloaded: only its headers are here; the message stays on the server.
    assert big.size > 40 * 1024 * 1024 and len(big.raw) < 10_000
    assert big.subject == "Copia de seguridad"
    photos = Ticket.objects.get(subject="Fotos del error").messages.get()
    assert photos.attachments.count() == 50
    assert set(Ticket.objects.values_list("subject", flat=True)) >= {"Antes", "Después"}


def test_a_wrong_password_is_reported_without_revealing_it(dovecot, imap_mailbox):
    imap_mailbox.password = "contraseña-equivocada-123"
    imap_mailbox.save()
    report = poll_mailbox(imap_mailbox, now=NOW)
    imap_mailbox.refresh_from_db()
    assert report.error and imap_mailbox.last_error == report.error
    assert "contraseña-equivocada-123" not in report.error


def test_a_running_poll_is_not_started_twice(dovecot, imap_mailbox):
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(poll_lease_until=NOW.replace(year=2030))
    assert poll_mailbox(imap_mailbox, now=NOW).skipped


def test_unencrypted_imap_to_another_host_is_refused():
    mailbox = Mailbox(
        code="x", address="x@cehis.example", imap_host="imap.example.com", security="plain"
    )
    with pytest.raises(Exception, match="unencrypted"):
        from atiende.mail.imap import connect

        connect(mailbox)
    with pytest.raises(Exception, match="security"):
        mailbox.clean()


def test_database_error_while_storing_is_reported_as_not_stored(imap_mailbox, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(inbound, "_store", down)
    with pytest.raises(inbound.StoreFailed):
        inbound.ingest(raw_email(), mailbox=imap_mailbox, source="imap", now=NOW)


@pytest.mark.django_db(transaction=True)
def test_idle_files_new_mail_as_soon_as_it_arrives(dovecot, reference_data):
    import threading

    from atiende.mail.imap import watch_mailbox

    folder = dovecot.new_folder()
    mailbox = make_mailbox(
        "soporte",
        "soporte@cehis.example",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        security=Mailbox.Security.PLAIN,
        username="soporte",
        password=dovecot.password,
        folder=folder,
        archive_folder=f"{folder}-importado",
    )
    make_contact(email="ana@cliente.example")
    stop = threading.Event()
    # Renewal far away: only the server's announcement can trigger the second poll.
    watcher = threading.Thread(
        target=watch_mailbox, args=(mailbox,), kwargs={"stop": stop, "renew": timedelta(hours=1)}
    )
    watcher.start()
    try:
        # Deliver only after the watcher's first poll, so only IDLE can bring it in.
        for _ in range(100):
            if Mailbox.objects.filter(pk=mailbox.pk, last_polled_at__isnull=False).exists():
                break
            stop.wait(0.1)
        # The watcher was in IDLE before it polled: the server announces this mail.
        dovecot.deliver(folder, raw_email(subject="Llegó por IDLE", body="hola"))
        for _ in range(100):  # bounded wait for the event, not a speed assertion
            if Ticket.objects.filter(subject="Llegó por IDLE").exists():
                break
            stop.wait(0.1)
        assert Ticket.objects.filter(subject="Llegó por IDLE").exists()
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
