"""Who may chat when, and a conversation from first message to filed transcript."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from atiende.accounts.models import Department
from atiende.accounts.tests.factories import make_contact, make_organisation, make_service
from atiende.chat import conversations as chat
from atiende.chat.models import ChatMessage, Conversation
from atiende.services.models import SupportPlan
from atiende.sla.models import Calendar
from atiende.tickets.models import Message, Ticket
from atiende.tickets.tests.factories import BOGOTA, NOW, make_agent

pytestmark = pytest.mark.django_db
SUNDAY = datetime(2026, 11, 29, 11, 0, tzinfo=BOGOTA)


def customer_on_plan(level: int):
    organisation = make_organisation()
    make_service(organisation, level=level)
    return make_contact(organisation, full_name="Luna Pérez")


def test_sales_chat_is_open_in_office_hours_only():
    assert chat.availability("sales", None, now=NOW).open
    closed = chat.availability("sales", None, now=SUNDAY)
    assert not closed.open and closed.opens_at is not None and closed.opens_at > SUNDAY


def test_support_chat_follows_the_customers_plan():
    assert not chat.availability("support", None, now=NOW).open  # anonymous: log in first
    level_1 = chat.availability("support", customer_on_plan(1), now=NOW)
    assert not level_1.open and "Niveles 2 y 3" in level_1.reason
    assert chat.availability("support", customer_on_plan(2), now=NOW).open
    assert not chat.availability("support", customer_on_plan(3), now=SUNDAY).open


def test_a_chat_outside_its_hours_cannot_start():
    with pytest.raises(chat.ChatError):
        chat.start("sales", name="Ana", email="ana@ejemplo.co", body="Hola", user=None, now=SUNDAY)
    assert not Conversation.objects.exists()


def start_sales(body: str = "¿Tienen hosting para WordPress?") -> Conversation:
    return chat.start(
        "sales", name="Ana Ruiz", email="ana@ejemplo.co", body=body, user=None, now=NOW
    )


def test_a_visitor_starts_and_an_agent_of_sales_takes_it():
    conversation = start_sales()
    assert conversation.status == Conversation.Status.WAITING
    assert conversation.department.is_sales
    seller = make_agent(full_name="Carlos Ventas")
    seller.departments.add(conversation.department)
    assert conversation in chat.conversations_for_agent(seller)
    chat.accept(conversation, agent=seller, now=NOW + timedelta(seconds=30))
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ACTIVE and conversation.agent == seller
    joined = conversation.messages.filter(sender=ChatMessage.Sender.SYSTEM).get()
    assert "Carlos Ventas" in joined.body
    with pytest.raises(chat.ChatError):  # a second agent cannot take it
        chat.accept(conversation, agent=make_agent(), now=NOW)


def test_an_agent_writes_only_in_a_conversation_they_took():
    conversation = start_sales()
    agent = make_agent()
    with pytest.raises(chat.ChatError):
        chat.post(conversation, sender="agent", author=agent, body="Hola", now=NOW)
    chat.accept(conversation, agent=agent, now=NOW)
    chat.post(conversation, sender="agent", author=agent, body="Hola, ¿en qué le ayudo?", now=NOW)
    assert conversation.messages.filter(sender="agent").count() == 1


def test_restricted_departments_chats_stay_with_their_members():
    conversation = start_sales()
    Department.objects.filter(pk=conversation.department_id).update(is_restricted=True)
    outsider = make_agent()
    assert conversation not in chat.conversations_for_agent(outsider)
    with pytest.raises(chat.ChatError):
        chat.accept(conversation, agent=outsider, now=NOW)


def test_ending_files_the_transcript_as_a_case_assigned_to_the_agent(
    django_capture_on_commit_callbacks,
):
    conversation = start_sales("¿Tienen hosting para WordPress?")
    agent = make_agent(full_name="Carlos Ventas")
    chat.accept(conversation, agent=agent, now=NOW + timedelta(minutes=1))
    chat.post(conversation, sender="agent", author=agent, body="Sí, desde 5 USD.", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        chat.end(conversation, by=agent, now=NOW + timedelta(minutes=5))
    conversation.refresh_from_db()
    ticket = conversation.ticket
    assert ticket is not None and ticket.channel == Ticket.Channel.CHAT
    assert ticket.requester.email == "ana@ejemplo.co"
    assert ticket.assignee == agent
    assert ticket.first_response_at is not None  # the chat answered the request
    transcript = ticket.messages.get(kind=Message.Kind.CHAT).body
    assert "Ana Ruiz: ¿Tienen hosting para WordPress?" in transcript
    assert "Carlos Ventas: Sí, desde 5 USD." in transcript
    # The visitor is told the case number, in the chat and by email.
    last = conversation.messages.last()
    assert last is not None and ticket.display_number in last.body
    assert any(ticket.display_number in m.subject for m in mail.outbox)
    with pytest.raises(chat.ChatError):
        chat.post(conversation, sender="visitor", author=None, body="¿Sigue ahí?", now=NOW)


def test_a_chat_nobody_answered_still_becomes_an_open_case():
    conversation = start_sales("Necesito una cotización")
    chat.end(conversation, by=None, now=NOW + timedelta(minutes=10))
    conversation.refresh_from_db()
    assert conversation.ticket is not None
    assert conversation.ticket.status == Ticket.Status.NEW
    assert conversation.ticket.assignee is None
    assert conversation.ticket.first_response_at is None


def test_support_chat_carries_the_customers_organisation():
    customer = customer_on_plan(2)
    conversation = chat.start(
        "support", name="", email="", body="El sitio no carga", user=customer, now=NOW
    )
    assert conversation.user == customer
    assert conversation.organisation == customer.memberships.get().organisation
    assert conversation.visitor_name == "Luna Pérez"


# --- Starting from the page (HTTP) -----------------------------------------------


def office_hours(open_now: bool) -> None:
    """Make office hours open (24/7) or closed right now, whatever the clock says.

    Closed: hours only on the weekday three days from today, so there is
    always a next opening (deadlines of new cases can be computed).
    """
    calendar = Calendar.objects.create(name="Prueba", always_open=open_now)
    if not open_now:
        weekday = (timezone.localdate(timezone.now(), BOGOTA).weekday() + 3) % 7
        calendar.intervals.create(weekday=weekday, start=time(8), end=time(17))
    SupportPlan.objects.filter(level=1).update(calendar=calendar)


def test_the_page_starts_a_conversation_and_returns_its_key():
    office_hours(open_now=True)
    response = Client().post(
        "/chat/iniciar/",
        {"kind": "sales", "name": "Ana", "email": "ana@ejemplo.co", "message": "Hola"},
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Conversation.objects.get(token=token).messages.get().body == "Hola"


def test_out_of_hours_the_message_becomes_a_case_for_sales():
    office_hours(open_now=False)
    response = Client().post(
        "/chat/iniciar/",
        {"kind": "sales", "name": "Ana", "email": "ana@ejemplo.co", "message": "Cotización VPS"},
    )
    answer = response.json()
    assert answer["closed"] is True
    ticket = Ticket.objects.get(channel=Ticket.Channel.CHAT)
    assert ticket.display_number in answer["left_message"]
    assert ticket.department.is_sales
    assert not Conversation.objects.exists()


def test_a_name_and_email_are_needed_and_the_error_is_in_spanish():
    response = Client().post("/chat/iniciar/", {"kind": "sales", "message": "Hola"})
    assert response.status_code == 400
    assert response.json()["error"] == "Díganos su nombre y correo."


def test_starting_many_chats_from_one_address_is_refused():
    office_hours(open_now=True)
    client = Client()
    data = {"kind": "sales", "name": "Ana", "email": "ana@ejemplo.co", "message": "Hola"}
    codes = [client.post("/chat/iniciar/", data).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_the_desk_page_is_for_staff():
    customer = make_contact()
    client = Client()
    client.force_login(customer)
    assert client.get("/consola/chat/").status_code == 403
    client.force_login(make_agent())
    assert client.get("/consola/chat/").status_code == 200


def test_messages_are_json_friendly():
    conversation = start_sales()
    data = chat.message_data(conversation.messages.get())
    assert json.loads(json.dumps(data))["body"] == "¿Tienen hosting para WordPress?"
