"""The whole email loop against real servers: Dovecot (IMAP) in, aiosmtpd (SMTP) out."""

from __future__ import annotations

import pytest

from atiende.accounts.tests.factories import make_contact, make_organisation
from atiende.mail.imap import poll_mailbox
from atiende.mail.models import Mailbox
from atiende.mail.tests.factories import make_mailbox, raw_email
from atiende.tickets.actions import add_message
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import NOW, make_agent

pytestmark = pytest.mark.django_db


def test_customer_mail_agent_reply_and_customer_answer_stay_one_case_without_loops(
    dovecot, smtp_server, django_capture_on_commit_callbacks
):
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
    make_contact(make_organisation(), email="ana@cliente.example", full_name="Ana Gómez")

    def poll():
        with django_capture_on_commit_callbacks(execute=True):
            return poll_mailbox(mailbox, now=NOW)

    # 1. The customer writes; the next poll opens a case and acknowledges it.
    dovecot.deliver(folder, raw_email(message_id="<inicio@cliente.example>"))
    assert dict(poll().outcomes) == {"created": 1}
    ticket = Ticket.objects.get()
    assert [m.recipients for m in smtp_server.messages if m.recipients[0].startswith("ana")] == [
        ["ana@cliente.example"]
    ]
    smtp_server.messages.clear()

    # 2. An agent answers in the console; the reply reaches the SMTP server threaded.
    with django_capture_on_commit_callbacks(execute=True):
        add_message(ticket, author=make_agent(), body="Ya quedó.", from_staff=True, now=NOW)
    [reply] = smtp_server.messages
    assert reply.recipients == ["ana@cliente.example"]
    assert "<inicio@cliente.example>" in reply["References"]
    assert reply["In-Reply-To"] in reply["References"]
    assert reply["Reply-To"].endswith("<soporte@cehis.example>")
    smtp_server.messages.clear()

    # 3. The customer answers that reply (and trims the subject): same case.
    answer = raw_email(
        subject="gracias",
        body="Funciona, gracias.",
        in_reply_to=reply["Message-ID"],
        references=f"{reply['References']} {reply['Message-ID']}",
    )
    dovecot.deliver(folder, answer)
    assert dict(poll().outcomes) == {"appended": 1}
    assert Ticket.objects.count() == 1
    last = ticket.messages.last()
    assert last is not None and last.body == "Funciona, gracias."

    # 4. Polling again finds nothing new.
    assert poll().fetched == 0

    # 5. The customer's out-of-office answers our reply: no entry, no mail back.
    vacation = raw_email(
        subject="Respuesta automática",
        body="Estoy de vacaciones.",
        in_reply_to=reply["Message-ID"],
        headers={"Auto-Submitted": "auto-replied"},
    )
    dovecot.deliver(folder, vacation)
    assert dict(poll().outcomes) == {"ignored": 1}
    assert ticket.messages.count() == 3  # customer, agent, customer
    assert smtp_server.messages == []
    assert dovecot.count(folder) == 0 and dovecot.count(f"{folder}-importado") == 3
