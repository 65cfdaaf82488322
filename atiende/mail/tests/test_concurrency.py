"""Two workers filing the same message at the same moment (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from atiende.accounts.tests.factories import make_contact
from atiende.mail.models import InboundEmail
from atiende.mail.tests.factories import make_mailbox, raw_email, receive
from atiende.tickets.models import Message, Ticket


@pytest.mark.postgres_only  # concurrent transactions need real row locks
@pytest.mark.django_db(transaction=True)
def test_reply_all_to_two_mailboxes_filed_at_the_same_time_is_one_entry(reference_data):
    make_contact(email="ana@cliente.example")
    mailboxes = [
        make_mailbox("soporte", "soporte@cehis.example"),
        make_mailbox("facturacion", "facturacion@cehis.example", department_code="facturacion"),
    ]
    raw = raw_email(to="soporte@cehis.example", cc="facturacion@cehis.example")
    start = threading.Barrier(len(mailboxes))
    outcomes: list[str] = []

    def worker(mailbox):
        try:
            start.wait()
            outcomes.append(receive(raw, mailbox).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(mailbox,)) for mailbox in mailboxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1
    assert InboundEmail.objects.count() == 2
