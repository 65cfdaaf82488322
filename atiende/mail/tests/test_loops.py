"""No mail loops, no noise: automatic mail, our own mail and bounces."""

from __future__ import annotations

import pytest
from django.core import mail

from atiende.accounts.tests.factories import make_contact, make_organisation
from atiende.mail.models import OutboundEmail
from atiende.mail.tests.factories import make_mailbox, raw_email, receive
from atiende.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox():
    return make_mailbox("soporte", "soporte@cehis.example")


@pytest.fixture
def customer():
    return make_contact(make_organisation(), email="ana@cliente.example")


def _acknowledgements(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to]]


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "Clientes <clientes.lists.example>"},
        {"X-Auto-Response-Suppress": "All"},
    ],
    ids=lambda headers: next(iter(headers.values())),
)
def test_automatic_mail_opens_a_case_but_is_never_answered_automatically(
    mailbox, django_capture_on_commit_callbacks, headers
):
    sender = "monitor@cliente.example"
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(raw_email(sender=sender, headers=headers), mailbox)
    assert result.outcome == "created"
    assert _acknowledgements(sender) == []


def test_mail_from_a_mailer_daemon_is_never_answered(mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(sender="postmaster@cliente.example", subject="Aviso"), mailbox)
    assert _acknowledgements("postmaster@cliente.example") == []


def test_an_out_of_office_reply_to_our_mail_is_not_a_customer_message(
    mailbox, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    ours = OutboundEmail.objects.get(ticket=ticket, audience="customer").message_id
    mail.outbox.clear()
    vacation = raw_email(
        subject="Fuera de la oficina: Recibimos su solicitud",
        body="Estoy de vacaciones hasta el lunes.",
        in_reply_to=f"<{ours}>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(vacation, mailbox)
    assert (result.outcome, result.reason, result.case) == (
        "ignored",
        "auto-reply",
        ticket.display_number,
    )
    assert ticket.messages.count() == 1
    assert mail.outbox == []


def test_our_own_notification_coming_back_is_ignored(
    mailbox, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    [acknowledgement] = _acknowledgements("ana@cliente.example")
    # The customer's address forwards everything back to our mailbox.
    looped = acknowledgement.message().as_bytes()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(looped, mailbox)
    assert (result.outcome, result.reason) == ("ignored", "own-mail")
    assert Ticket.objects.count() == 1 and mail.outbox == []


def test_mail_from_our_own_address_is_ignored(mailbox):
    result = receive(raw_email(sender="soporte@cehis.example"), mailbox)
    assert (result.outcome, result.reason) == ("ignored", "own-mail")


def test_acknowledgements_are_rate_limited_per_sender(
    settings, mailbox, customer, django_capture_on_commit_callbacks
):
    settings.ATIENDE_MAIL_AUTO_REPLY_LIMIT = 2
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            receive(raw_email(subject=f"Caso {number}", body=f"texto {number}"), mailbox)
    assert Ticket.objects.count() == 4
    assert len(_acknowledgements("ana@cliente.example")) == 2


def test_a_refusal_is_never_sent_to_automatic_mail(
    settings, mailbox, django_capture_on_commit_callbacks
):
    settings.ATIENDE_MAIL_UNKNOWN_SENDERS = "refuse"
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(
            raw_email(sender="robot@otro.example", headers={"Auto-Submitted": "auto-replied"}),
            mailbox,
        )
    assert result.outcome == "ignored"
    assert mail.outbox == []


def _bounce_for(message_id: str, number: str, *, action: str = "failed") -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.cehis.example>\r\n"
        b"To: soporte@cehis.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"Auto-Submitted: auto-replied\r\nMessage-ID: <bounce-" + number.encode() + b"@mx>\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
        b"--r\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.cehis.example\r\n\r\n"
        b"Final-Recipient: rfc822; ana@cliente.example\r\nAction: " + action.encode() + b"\r\n"
        b"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <ana@cliente.example>: "
        b"Recipient address rejected\r\n"
        b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <" + message_id.encode() + b">\r\nSubject: [#" + number.encode() + b"]\r\n"
        b"--r--\r\n"
    )


def test_a_bounce_is_recorded_on_its_case_as_an_internal_note(
    mailbox, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    ours = OutboundEmail.objects.get(ticket=ticket, audience="customer").message_id
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(_bounce_for(ours, ticket.display_number), mailbox)
    assert (result.outcome, result.reason, result.case) == (
        "ignored",
        "bounce",
        ticket.display_number,
    )
    note = ticket.messages.last()
    assert note is not None
    assert note.kind == "note" and not note.is_public
    assert "ana@cliente.example" in note.body and "5.1.1" in note.body
    ticket.refresh_from_db()
    assert ticket.status == "new" and Ticket.objects.count() == 1
    assert mail.outbox == []


def test_a_delay_notice_is_not_recorded_as_a_failure(mailbox, customer):
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    result = receive(_bounce_for("x@y", ticket.display_number, action="delayed"), mailbox)
    assert (result.outcome, result.reason) == ("ignored", "bounce")
    assert ticket.messages.count() == 1


def test_a_bounce_about_mail_we_never_sent_opens_nothing(mailbox):
    result = receive(_bounce_for("unknown@elsewhere", "0000-0000"), mailbox)
    assert (result.outcome, result.reason) == ("ignored", "bounce")
    assert not Ticket.objects.exists()
