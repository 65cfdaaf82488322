"""Outgoing mail, captured by a real SMTP server (aiosmtpd): threading headers, multipart
bodies, attachments and bounded retries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.tests.factories import make_contact, make_organisation
from atiende.file_types import detect
from atiende.mail.models import OutboundEmail
from atiende.mail.outbound import make_message_id
from atiende.mail.tests.factories import make_mailbox, raw_email, receive
from atiende.tickets.actions import add_message, update_ticket
from atiende.tickets.attachments import CheckedUpload
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import NOW, PNG, make_agent, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return make_contact(make_organisation(), email="ana@cliente.example", full_name="Ana Gómez")


def test_agent_reply_is_threaded_under_the_customers_own_message(
    smtp_server, customer, django_capture_on_commit_callbacks
):
    make_mailbox("soporte", "soporte@cehis.example")
    with django_capture_on_commit_callbacks(execute=True):
        receive(
            raw_email(message_id="<pregunta-1@cliente.example>"),
            make_mailbox("ventas", "ventas@cehis.example"),
        )
    ticket = Ticket.objects.get()
    acknowledgement = next(
        m for m in smtp_server.messages if m.recipients == ["ana@cliente.example"]
    )
    assert acknowledgement["In-Reply-To"] == "<pregunta-1@cliente.example>"
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(
            ticket,
            author=make_agent(full_name="Camilo Herrera"),
            body="Ya quedó.",
            from_staff=True,
            now=NOW,
        )
    [reply] = smtp_server.messages
    ours = reply["Message-ID"].strip("<>")
    assert ours.endswith("@localhost") and ticket.number in ours
    assert OutboundEmail.objects.filter(message_id=ours, ticket=ticket).exists()
    # Chained to the customer's mail and to our acknowledgement, newest last.
    references = reply["References"].split()
    assert references[0] == "<pregunta-1@cliente.example>"
    assert reply["In-Reply-To"] == references[-1] == acknowledgement["Message-ID"]
    assert reply["Subject"] == f"Re: [#{ticket.display_number}] El sitio no carga"
    # A person wrote this one: no Auto-Submitted, so the customer's
    # out-of-office may answer it and mail filters treat it as personal.
    assert reply["Auto-Submitted"] == ""
    assert reply["Reply-To"].endswith("<soporte@cehis.example>")
    assert reply.message.get_content_type() == "multipart/alternative"
    assert "Ya quedó." in reply.text()
    html = reply.message.get_body(preferencelist=("html",)).get_content()
    assert "Ya quedó." in html


def test_automatic_notifications_say_so(smtp_server, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(customer.organisations.get(), requester=customer)
        update_ticket(ticket, acting_user=make_agent(), now=NOW, status=Ticket.Status.RESOLVED)
    subjects = {m["Subject"]: m for m in smtp_server.messages if m.recipients == [customer.email]}
    assert len(subjects) == 2
    for message in subjects.values():
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"
        assert message["X-Atiende-Ticket"] == ticket.display_number
        assert message["Message-ID"].strip("<>").endswith("@localhost")


def test_an_agent_reply_carries_its_attachments(
    smtp_server, customer, django_capture_on_commit_callbacks
):
    ticket = make_ticket(customer.organisations.get(), requester=customer)
    upload = SimpleUploadedFile("captura.png", PNG, content_type="image/png")
    checked = CheckedUpload(upload, detect(PNG, "captura.png"), "captura.png")
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(
            ticket,
            author=make_agent(),
            body="Vea la captura",
            from_staff=True,
            uploads=[checked],
            now=NOW,
        )
    [reply] = smtp_server.messages
    [attachment] = list(reply.message.iter_attachments())
    assert attachment.get_filename() == "captura.png"
    assert attachment.get_content() == PNG


def test_a_temporary_smtp_failure_is_retried_with_the_same_message_id(
    smtp_server, customer, django_capture_on_commit_callbacks
):
    ticket = make_ticket(customer.organisations.get(), requester=customer)
    smtp_server.messages.clear()
    smtp_server.refuse_next = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = add_message(
            ticket, author=make_agent(), body="Reintento", from_staff=True, now=NOW
        )
    [reply] = smtp_server.messages
    assert "Reintento" in reply.text()
    assert OutboundEmail.objects.filter(entry=message).count() == 1


def test_retries_stop_after_the_configured_attempts(
    settings, smtp_server, customer, django_capture_on_commit_callbacks
):
    settings.ATIENDE_MAIL_SEND_ATTEMPTS = 3
    ticket = make_ticket(customer.organisations.get(), requester=customer)
    smtp_server.messages.clear()
    smtp_server.refuse_next = 10
    with django_capture_on_commit_callbacks(execute=True):
        add_message(ticket, author=make_agent(), body="Nunca llega", from_staff=True, now=NOW)
    assert smtp_server.messages == []
    assert smtp_server.refuse_next == 7  # three attempts, then it gives up


def test_message_ids_are_unguessable_but_stable_for_a_retry():
    ticket = Ticket(number="48291537")
    first = make_message_id(seed="batch-a:replied_customer:ana@cliente.example", ticket=ticket)
    again = make_message_id(seed="batch-a:replied_customer:ana@cliente.example", ticket=ticket)
    other = make_message_id(seed="batch-b:replied_customer:ana@cliente.example", ticket=ticket)
    assert first == again != other
    assert first.startswith("atiende.") and ".48291537@" in first
