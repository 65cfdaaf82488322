"""``atiende mail ingest``: what the mail server's pipe sees."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from atiende.accounts.tests.factories import make_contact
from atiende.mail.models import InboundEmail
from atiende.mail.tests.factories import make_mailbox, raw_email
from atiende.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _pipe(monkeypatch, raw: bytes, mailbox: str = "soporte") -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("mail", "ingest", "--mailbox", mailbox, stdout=out)
    return out.getvalue()


def test_ingest_prints_one_line_per_outcome(monkeypatch):
    make_mailbox("soporte", "soporte@cehis.example")
    make_contact(email="ana@cliente.example")
    raw = raw_email()
    created = _pipe(monkeypatch, raw)
    ticket = Ticket.objects.get()
    assert created == f"created {ticket.display_number}\n"
    assert _pipe(monkeypatch, raw) == f"duplicate {ticket.display_number}\n"
    answer = raw_email(subject=f"Re: [#{ticket.display_number}] El sitio", body="más")
    assert _pipe(monkeypatch, answer) == f"appended {ticket.display_number}\n"
    assert _pipe(monkeypatch, raw_email(sender="soporte@cehis.example")) == "ignored own-mail\n"
    assert _pipe(monkeypatch, b"\x00\xff garbage \r\n\r\n") == "quarantined no-sender\n"


def test_ingest_stores_mail_for_an_unknown_mailbox_code(monkeypatch):
    assert _pipe(monkeypatch, raw_email(), mailbox="no-existe") == "quarantined unknown-mailbox\n"
    assert InboundEmail.objects.get().mailbox is None


def test_ingest_of_empty_input_is_stored_not_a_traceback(monkeypatch):
    make_mailbox("soporte")
    assert _pipe(monkeypatch, b"") == "quarantined no-sender\n"


def test_ingest_exits_75_when_the_database_is_unreachable(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # nothing listens once the socket closes
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atiende.settings",
        "ATIENDE_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test-not-secret",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/atiende",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "atiende", "mail", "ingest", "--mailbox", "soporte"],
        input=raw_email(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 75
    lines = completed.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tempfail database-unavailable")
    assert b"Traceback" not in completed.stderr
