"""Mailboxes are edited in the admin without ever showing the password, and the
worker's scheduler polls them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from atiende.mail.admin import MailboxForm
from atiende.mail.models import Mailbox
from atiende.mail.tests.factories import make_mailbox, raw_email
from atiende.operations.scheduler import periodic_jobs
from atiende.tickets.tests.factories import department

pytestmark = pytest.mark.django_db


def _form_data(mailbox: Mailbox, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": mailbox.code,
        "address": mailbox.address,
        "department": mailbox.department_id,
        "is_active": "on",
        "imap_host": mailbox.imap_host,
        "imap_port": mailbox.imap_port or "",
        "security": mailbox.security,
        "username": mailbox.username,
        "password": "",
        "folder": mailbox.folder,
        "after_import": mailbox.after_import,
        "archive_folder": mailbox.archive_folder,
    }
    return {**data, **changes}


def test_the_mailbox_form_never_shows_the_stored_password():
    mailbox = make_mailbox(imap_host="imap.example.com", username="soporte", password="s3creta-xyz")
    assert "s3creta-xyz" not in str(MailboxForm(instance=mailbox))


def test_leaving_the_password_empty_keeps_it_and_typing_one_replaces_it():
    mailbox = make_mailbox(imap_host="imap.example.com", username="soporte", password="antigua")
    form = MailboxForm(_form_data(mailbox, folder="Soporte"), instance=mailbox)
    assert form.is_valid(), form.errors
    form.save()
    mailbox.refresh_from_db()
    assert (mailbox.password, mailbox.folder) == ("antigua", "Soporte")
    form = MailboxForm(_form_data(mailbox, password="nueva"), instance=mailbox)
    assert form.is_valid(), form.errors
    form.save()
    mailbox.refresh_from_db()
    assert mailbox.password == "nueva"


def test_unencrypted_imap_is_refused_for_a_remote_server():
    mailbox = Mailbox(code="x", address="x@cehis.example", department=department())
    form = MailboxForm(_form_data(mailbox, imap_host="imap.example.com", security="plain"))
    assert not form.is_valid() and "security" in form.errors
    form = MailboxForm(_form_data(mailbox, imap_host="127.0.0.1", security="plain"))
    assert form.is_valid(), form.errors


def test_the_worker_polls_mailboxes_every_configured_interval(settings):
    settings.ATIENDE_MAIL_POLL_SECONDS = 90
    [job] = [job for job in periodic_jobs() if job.name == "poll-mailboxes"]
    assert job.every == timedelta(seconds=90)
    assert job.task.name == "poll_mailboxes_task"


def test_the_poll_task_enqueues_one_poll_per_imap_mailbox(monkeypatch):
    from atiende.mail import tasks

    make_mailbox("soporte", imap_host="127.0.0.1")
    make_mailbox("ventas", imap_host="127.0.0.1", is_active=False)
    make_mailbox("pipe-only")
    polled = []

    class Report:
        def summary(self) -> str:
            return "ok"

    def poll(mailbox, now):
        polled.append(mailbox.code)
        return Report()

    # The test settings run enqueued tasks at once, so the polls happen here.
    monkeypatch.setattr(tasks, "poll_mailbox", poll)
    assert tasks.poll_mailboxes_task.call() == 1
    assert polled == ["soporte"]


def test_poll_and_reprocess_commands(dovecot, monkeypatch):
    folder = dovecot.new_folder()
    mailbox = make_mailbox(
        "soporte",
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        security="plain",
        username="soporte",
        password=dovecot.password,
        folder=folder,
        archive_folder=f"{folder}-importado",
    )
    from atiende.mail import inbound

    monkeypatch.setattr(inbound, "parse_message", lambda raw: 1 / 0)
    dovecot.deliver(folder, raw_email())
    out = io.StringIO()
    call_command("mail", "poll", "--mailbox", "soporte", stdout=out)
    assert out.getvalue() == "soporte: 1 fetched (1 quarantined)\n"
    monkeypatch.undo()
    quarantined = mailbox.inbound_emails.get()
    out = io.StringIO()
    call_command("mail", "reprocess", str(quarantined.pk), stdout=out)
    assert out.getvalue().startswith(f"{quarantined.pk}: created ")


def test_administrators_list_and_edit_mailboxes_and_received_mail_in_the_admin(client):
    from allauth.mfa.models import Authenticator

    from atiende.accounts.tests.factories import make_user
    from atiende.mail.tests.factories import receive

    admin = make_user(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={})
    client.force_login(admin)
    mailbox = make_mailbox(imap_host="imap.example.com", username="u", password="s3creta-xyz")
    receive(raw_email(), mailbox)
    for url in (
        "/admin/mail/mailbox/",
        f"/admin/mail/mailbox/{mailbox.pk}/change/",
        "/admin/mail/inboundemail/",
        f"/admin/mail/inboundemail/{mailbox.inbound_emails.get().pk}/change/",
        "/admin/mail/outboundemail/",
        "/admin/mail/participant/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "s3creta-xyz" not in response.content.decode()
