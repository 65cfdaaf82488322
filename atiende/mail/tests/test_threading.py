"""Which case an email lands on: our Message-IDs, the subject's case number, new cases,
and the anchors' failures (duplicates, wrong merges, lost mail)."""

from __future__ import annotations

import pytest
from django.core import mail

from atiende.accounts.tests.factories import make_contact, make_organisation, make_user
from atiende.mail.models import InboundEmail, OutboundEmail, Participant
from atiende.mail.tests.factories import make_mailbox, raw_email, receive
from atiende.tickets.models import Message, Ticket
from atiende.tickets.tests.factories import make_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox():
    return make_mailbox("soporte", "soporte@cehis.example")


@pytest.fixture
def customer():
    organisation = make_organisation("Tienda Andina S.A.S.")
    return make_contact(organisation, email="ana@cliente.example", full_name="Ana Gómez")


def _our_message_id(ticket: Ticket) -> str:
    return OutboundEmail.objects.filter(ticket=ticket, audience="customer").latest("pk").message_id


def test_customer_mail_opens_a_case_for_their_organisation_in_the_mailbox_department(
    customer, django_capture_on_commit_callbacks
):
    billing = make_mailbox("facturacion", department_code="facturacion")
    with django_capture_on_commit_callbacks(execute=True):
        result = receive(raw_email(to="facturacion@cehis.example"), billing)
    ticket = Ticket.objects.get()
    assert result.line() == f"created {ticket.display_number}"
    assert ticket.organisation is not None
    assert (ticket.requester, ticket.organisation.name, ticket.department.code) == (
        customer,
        "Tienda Andina S.A.S.",
        "facturacion",
    )
    assert (ticket.channel, ticket.subject) == ("email", "El sitio no carga")
    [acknowledgement] = [m for m in mail.outbox if m.to == ["ana@cliente.example"]]
    assert ticket.display_number in acknowledgement.subject


def test_reply_to_our_notification_is_added_to_the_same_case(
    mailbox, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    # The customer edits the subject: the Message-ID alone must thread it.
    answer = raw_email(
        subject="otra cosa", body="Más datos", in_reply_to=f"<{_our_message_id(ticket)}>"
    )
    assert receive(answer, mailbox).line() == f"appended {ticket.display_number}"
    assert [m.body for m in ticket.messages.all()] == [
        "Buenos días, desde esta mañana el sitio muestra error 500.",
        "Más datos",
    ]


def test_case_number_in_the_subject_threads_when_the_headers_were_lost(mailbox, customer):
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    receive(raw_email(subject=f"Re: [#{ticket.display_number}] El sitio", body="sigue"), mailbox)
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 2


def test_the_same_message_ingested_twice_is_one_conversation_entry(mailbox, customer):
    raw = raw_email()
    first, second = receive(raw, mailbox), receive(raw, mailbox)
    assert first.outcome == "created" and second.outcome == "duplicate"
    assert second.case == first.case
    assert Message.objects.count() == 1
    # A re-fetch stores nothing new.
    assert InboundEmail.objects.count() == 1


def test_reply_all_reaching_two_of_our_mailboxes_is_one_conversation_entry(customer):
    support = make_mailbox("soporte", "soporte@cehis.example")
    billing = make_mailbox(
        "facturacion", "facturacion@cehis.example", department_code="facturacion"
    )
    raw = raw_email(to="soporte@cehis.example", cc="facturacion@cehis.example")
    as_delivered_to_billing = b"Delivered-To: facturacion@cehis.example\r\n" + raw.replace(
        b"\r\n", b"\n"
    )
    first = receive(raw, support)
    second = receive(as_delivered_to_billing, billing)
    assert (first.outcome, second.outcome) == ("created", "duplicate")
    assert second.case == first.case
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1
    # Our own mailboxes are not "colleagues" of the customer.
    assert not Participant.objects.exists()


def test_a_copied_colleague_becomes_a_participant_and_gets_the_replies(
    mailbox, customer, django_capture_on_commit_callbacks
):
    raw = raw_email(cc="Luis Pardo <luis@cliente.example>")
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw, mailbox)
    ticket = Ticket.objects.get()
    assert list(ticket.participants.values_list("email", "name")) == [
        ("luis@cliente.example", "Luis Pardo")
    ]
    # The colleague answers everyone: a public message on the same case.
    reply = raw_email(
        sender="Luis Pardo <luis@cliente.example>",
        subject="Re: El sitio no carga",
        body="Confirmo, a mí tampoco me carga.",
        in_reply_to=f"<{_our_message_id(ticket)}>",
    )
    assert receive(reply, mailbox).outcome == "appended"
    assert Ticket.objects.count() == 1
    message = ticket.messages.last()
    assert message is not None and message.author is not None
    assert (message.kind, message.author.email) == ("reply", "luis@cliente.example")
    mail.outbox.clear()
    from atiende.tickets.actions import add_message

    with django_capture_on_commit_callbacks(execute=True):
        add_message(
            ticket, author=make_agent(), body="Ya quedó.", from_staff=True, now=message.created_at
        )
    [answer] = mail.outbox
    assert (answer.to, answer.cc) == (["ana@cliente.example"], ["luis@cliente.example"])


@pytest.mark.parametrize("change", ["other sender", "other body"])
def test_a_different_message_reusing_a_message_id_is_kept_and_flagged(mailbox, customer, change):
    receive(raw_email(message_id="<reused@cliente.example>"), mailbox)
    other = (
        raw_email(message_id="<reused@cliente.example>", sender="pedro@otra.example")
        if change == "other sender"
        else raw_email(message_id="<reused@cliente.example>", body="Otro asunto distinto")
    )
    result = receive(other, mailbox)
    assert result.outcome == "created" and result.reason == "reused-message-id"
    assert Ticket.objects.count() == 2
    newest = Ticket.objects.get(number=result.case.replace("-", ""))
    note = newest.messages.get(kind="note")
    assert "Message-ID" in note.body and note.author is None


def test_replies_to_a_newsletter_from_different_people_are_not_merged(mailbox):
    newsletter = raw_email(
        sender="Boletín <news@proveedor.example>",
        message_id="<boletin-42@proveedor.example>",
        subject="Novedades de noviembre",
        headers={"List-Id": "<boletin.proveedor.example>"},
    )
    receive(newsletter, mailbox)
    for person in ("ana@una.example", "beto@otra.example", "carla@tercera.example"):
        receive(
            raw_email(
                sender=person,
                subject="Re: Novedades de noviembre",
                body=f"Pregunta de {person}",
                in_reply_to="<boletin-42@proveedor.example>",
                references="<boletin-42@proveedor.example>",
            ),
            mailbox,
        )
    requesters = sorted(Ticket.objects.values_list("requester__email", flat=True))
    assert requesters == [
        "ana@una.example",
        "beto@otra.example",
        "carla@tercera.example",
        "news@proveedor.example",
    ]


def test_a_customer_writing_again_about_their_own_mail_stays_on_their_case(mailbox, customer):
    receive(raw_email(message_id="<primero@cliente.example>"), mailbox)
    follow_up = raw_email(
        subject="Re: El sitio no carga",
        body="Olvidé decir: es el dominio tienda.example",
        in_reply_to="<primero@cliente.example>",
    )
    assert receive(follow_up, mailbox).outcome == "appended"
    assert Ticket.objects.count() == 1


def test_an_agent_answering_from_their_own_mail_client_is_an_agent_reply(
    mailbox, customer, django_capture_on_commit_callbacks
):
    agent = make_agent(email="camilo@cehis.example", full_name="Camilo Herrera")
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    mail.outbox.clear()
    answer = raw_email(
        sender="Camilo Herrera <camilo@cehis.example>",
        to="soporte@cehis.example",
        subject=f"Re: [#{ticket.display_number}] El sitio no carga",
        body="Reiniciamos el servidor web, ya debería cargar.",
        in_reply_to=f"<{_our_message_id(ticket)}>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert receive(answer, mailbox).outcome == "appended"
    message = ticket.messages.last()
    assert message is not None
    assert (message.kind, message.from_staff, message.author) == ("reply", True, agent)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    # The agent wrote only to us: the customer gets it through our notification.
    [told] = mail.outbox
    assert told.to == ["ana@cliente.example"]
    assert "Reiniciamos el servidor web" in told.body


def test_an_agent_who_already_wrote_to_the_customer_is_not_duplicated_by_us(
    mailbox, customer, django_capture_on_commit_callbacks
):
    make_agent(email="camilo@cehis.example")
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    mail.outbox.clear()
    answer = raw_email(
        sender="camilo@cehis.example",
        to="ana@cliente.example",
        cc="soporte@cehis.example",
        in_reply_to=f"<{_our_message_id(ticket)}>",
        body="Respuesta directa",
    )
    with django_capture_on_commit_callbacks(execute=True):
        receive(answer, mailbox)
    assert mail.outbox == []


def test_agent_mail_naming_the_case_only_in_its_subject_stays_internal(mailbox, customer):
    agent = make_agent(email="camilo@cehis.example")
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    result = receive(
        raw_email(sender="camilo@cehis.example", subject=f"[#{ticket.display_number}] nota"),
        mailbox,
    )
    assert result.reason == "agent-note"
    message = ticket.messages.last()
    assert message is not None
    assert (message.kind, message.author) == ("note", agent)


def test_a_stranger_writing_on_a_case_becomes_an_unverified_internal_note(mailbox, customer):
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    spoof = raw_email(
        sender="Soporte Falso <atacante@malo.example>",
        subject=f"Re: [#{ticket.display_number}] El sitio no carga",
        body="Pague aquí: http://malo.example",
    )
    result = receive(spoof, mailbox)
    assert (result.outcome, result.reason) == ("appended", "unverified-sender")
    note = ticket.messages.last()
    assert note is not None
    assert note.kind == "note" and not note.is_public
    assert "atacante@malo.example" in note.body and note.author is None
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_a_colleague_of_the_same_organisation_is_a_verified_sender(mailbox, customer):
    colleague = make_contact(customer.organisations.get(), email="jefe@cliente.example")
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    receive(
        raw_email(sender="jefe@cliente.example", subject=f"[#{ticket.display_number}] urgente"),
        mailbox,
    )
    message = ticket.messages.last()
    assert message is not None
    assert (message.kind, message.author) == ("reply", colleague)


def test_a_reply_on_a_closed_case_opens_a_linked_follow_up(mailbox, customer):
    receive(raw_email(), mailbox)
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    result = receive(
        raw_email(subject=f"Re: [#{ticket.display_number}] El sitio", body="Volvió a fallar"),
        mailbox,
    )
    assert (result.outcome, result.reason) == ("created", "follow-up")
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert result.case == follow_up.display_number


@pytest.mark.parametrize(
    ("policy", "sender", "opens"),
    [
        ("allow", "nuevo@desconocido.example", True),
        ("known_domains", "otro@cliente.example", True),
        ("known_domains", "nuevo@desconocido.example", False),
        ("known_domains", "alguien@gmail.com", False),
        ("refuse", "nuevo@desconocido.example", False),
        ("refuse", "ana@cliente.example", True),
    ],
)
def test_unknown_senders_open_cases_according_to_the_setting(
    settings, mailbox, customer, policy, sender, opens
):
    settings.ATIENDE_MAIL_UNKNOWN_SENDERS = policy
    make_contact(customer.organisations.get(), email="gerencia@gmail.com")
    result = receive(raw_email(sender=sender), mailbox)
    assert (result.outcome == "created") is opens
    if not opens:
        assert (result.outcome, result.reason) == ("ignored", "unknown-sender")


def test_refused_unknown_sender_gets_one_polite_answer_and_its_mail_is_kept(
    settings, mailbox, django_capture_on_commit_callbacks
):
    settings.ATIENDE_MAIL_UNKNOWN_SENDERS = "refuse"
    with django_capture_on_commit_callbacks(execute=True):
        receive(
            raw_email(sender="nuevo@desconocido.example", message_id="<x1@desconocido.example>"),
            mailbox,
        )
    [answer] = mail.outbox
    assert answer.to == ["nuevo@desconocido.example"]
    message = answer.message()
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<x1@desconocido.example>"
    assert InboundEmail.objects.get().raw


def test_attachments_are_kept_and_refused_ones_are_noted_not_dropped(mailbox, customer):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    raw = raw_email(
        attachments=[
            ("captura de pantalla.png", png, "image/png"),
            ("factura.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
            ("instalar.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
        ]
    )
    receive(raw, mailbox)
    message = Message.objects.get()
    assert sorted(message.attachments.values_list("filename", flat=True)) == [
        "captura de pantalla.png",
        "factura.pdf",
    ]
    assert "instalar.exe" in message.body
    inbound = InboundEmail.objects.get()
    assert [line for line in inbound.refused_attachments if "instalar.exe" in line]
    assert b"instalar.exe" in bytes(inbound.raw)


def test_our_own_display_name_does_not_make_a_participant(mailbox, customer):
    raw = raw_email(cc="Soporte <soporte@cehis.example>, camilo@cehis.example")
    make_agent(email="camilo@cehis.example")
    receive(raw, mailbox)
    assert not Participant.objects.exists()


def test_a_new_sender_is_created_as_a_user_without_a_password(mailbox):
    receive(raw_email(sender="Nueva Persona <nueva@desconocido.example>"), mailbox)
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "nueva@desconocido.example"
    assert ticket.requester.full_name == "Nueva Persona"
    assert not ticket.requester.has_usable_password()
    assert ticket.organisation is None


def test_a_merged_case_forwards_replies_to_the_case_it_was_merged_into(mailbox, customer):
    from atiende.tickets.actions import merge_ticket
    from atiende.tickets.tests.factories import NOW

    receive(raw_email(subject="uno", body="uno"), mailbox)
    receive(raw_email(subject="dos", body="dos"), mailbox)
    first, second = Ticket.objects.order_by("pk")
    merge_ticket(second, into=first, acting_user=make_agent(), now=NOW)
    result = receive(raw_email(subject=f"Re: [#{second.display_number}] dos", body="tres"), mailbox)
    assert result.case == first.display_number


def test_unknown_user_account_email_is_matched_case_insensitively(mailbox):
    user = make_user("Mixta@Cliente.example")
    receive(raw_email(sender="MIXTA@cliente.EXAMPLE"), mailbox)
    assert Ticket.objects.get().requester == user
