"""Every message of CPython's own email test corpus goes in without a traceback."""

from __future__ import annotations

import sysconfig
from collections import Counter
from pathlib import Path

import pytest

from atiende.mail.models import InboundEmail
from atiende.mail.tests.factories import make_mailbox, receive
from conftest import require

pytestmark = pytest.mark.django_db

OUTCOMES = {"created", "appended", "duplicate", "ignored", "quarantined"}


def _corpus() -> Path | None:
    # The venv's stdlib is the base interpreter's; some distributions ship
    # the test package separately (Debian: libpython3.13-testsuite).
    for stdlib in {sysconfig.get_paths()["stdlib"], "/root/.pyenv/versions/3.13.0/lib/python3.13"}:
        data = Path(stdlib) / "test" / "test_email" / "data"
        if data.is_dir() and list(data.glob("msg_*.txt")):
            return data
    return None


def test_every_message_of_the_stdlib_email_corpus_is_accounted_for():
    data = _corpus()
    require(data is not None, "CPython's test/test_email/data is not installed")
    assert data is not None
    mailbox = make_mailbox("soporte", "soporte@cehis.example")
    files = sorted(data.glob("msg_*.txt"))
    outcomes: Counter[str] = Counter()
    for path in files:
        result = receive(path.read_bytes(), mailbox)
        assert result.outcome in OUTCOMES, (path.name, result)
        outcomes[result.outcome] += 1
    assert sum(outcomes.values()) == len(files) >= 40
    # Every message is stored (or is an exact copy of one that is).
    assert InboundEmail.objects.count() == len(files) - outcomes["duplicate"]
    assert not InboundEmail.objects.filter(outcome="received").exists()
    assert not InboundEmail.objects.filter(reason="processing-error").exists()
