from datetime import datetime, timedelta

import pytest

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service, plan
from atiende.services.entitlements import phone_check
from atiende.tickets.models import Message, Ticket
from atiende.tickets.tests.factories import BOGOTA, make_agent, make_ticket

pytestmark = pytest.mark.django_db
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=BOGOTA)
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=BOGOTA)


@pytest.fixture
def agent(client):
    user = make_agent()
    client.force_login(user)
    return user


def test_case_number_lands_on_the_call_log_of_that_case(client, agent):
    ticket = make_ticket(level=2)
    response = client.get(f"/consola/telefono/?q={ticket.display_number}")
    assert response["Location"] == f"/consola/telefono/{ticket.number}/"


def test_logged_call_is_a_conversation_entry_with_direction_and_duration(client, agent):
    ticket = make_ticket(level=2)
    client.post(
        f"/consola/telefono/{ticket.number}/",
        {
            "kind": "call",
            "direction": "in",
            "minutes": "12",
            "summary": "Explicamos cómo cambiar el MX",
        },
    )
    call = ticket.messages.get(kind=Message.Kind.CALL)
    assert (call.direction, call.duration, call.channel) == ("in", timedelta(minutes=12), "phone")
    ticket.refresh_from_db()
    assert ticket.first_response_at == call.created_at


def test_level_1_has_no_phone_support_and_the_desk_says_so(client, agent):
    ticket = make_ticket(level=1)
    page = client.get(f"/consola/telefono/{ticket.number}/").content.decode()
    assert "no incluye soporte por Teléfono" in page


def test_level_2_without_a_case_cannot_open_one_by_phone(client, agent):
    organisation = make_organisation()
    contact = make_contact(organisation, email="luna@example.com")
    make_service(organisation, level=2)
    page = client.get("/consola/telefono/?q=luna@example.com").content.decode()
    assert "solo para casos que ya tienen un número" in page
    response = client.post(
        f"/consola/telefono/contacto/{contact.pk}/nuevo/",
        {
            "kind": "call",
            "direction": "in",
            "minutes": "5",
            "summary": "x",
            "organisation": organisation.pk,
            "subject": "y",
        },
    )
    assert response.status_code == 302
    assert not Ticket.objects.exists()


def test_level_3_call_opens_a_case(client, agent):
    organisation = make_organisation()
    contact = make_contact(organisation, email="sistemas@example.com")
    service = make_service(organisation, level=3)
    client.post(
        f"/consola/telefono/contacto/{contact.pk}/nuevo/",
        {
            "kind": "call",
            "direction": "in",
            "minutes": "8",
            "summary": "El VPS no responde",
            "organisation": organisation.pk,
            "service": service.pk,
            "subject": "VPS caído",
        },
    )
    ticket = Ticket.objects.get()
    assert ticket.channel == "phone" and ticket.requester == contact
    assert ticket.messages.filter(kind="call", duration=timedelta(minutes=8)).exists()


def test_phone_hours_follow_the_plan_calendar():
    assert phone_check(plan(3), has_case=True, now=TUESDAY_10).warnings == []
    assert phone_check(plan(3), has_case=True, now=SUNDAY).warnings  # outside business hours
    assert not phone_check(plan(2), has_case=False, now=TUESDAY_10).may_open_ticket
    assert phone_check(plan(3), has_case=False, now=TUESDAY_10).may_open_ticket


def test_remote_assistance_is_level_3_only():
    assert phone_check(plan(3), has_case=True, now=TUESDAY_10, channel="remote").warnings == []
    assert phone_check(plan(2), has_case=True, now=TUESDAY_10, channel="remote").warnings
