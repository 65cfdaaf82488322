"""The REST API as integrations use it: a token in the header, JSON in and out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from atiende.accounts.models import Department
from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_contact, make_organisation, make_staff
from atiende.api.models import ApiToken
from atiende.api.tokens import issue_token, revoke_token
from atiende.tickets.actions import add_message, update_ticket
from atiende.tickets.models import Message, Ticket, TicketEvent
from atiende.tickets.tests.factories import NOW, make_agent, make_ticket

pytestmark = pytest.mark.django_db


class Api:
    """A program holding one person's token."""

    def __init__(self, user: Any = None, *, language: str = "es") -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, secret = issue_token(user, name="pruebas", now=timezone.now())
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, headers=self.headers)

    def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return getattr(self.client, method)(
            "/api/v1" + path,
            data=json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def world():
    org_a, org_b = make_organisation("Org A"), make_organisation("Org B")
    contact_a, contact_b = make_contact(org_a), make_contact(org_b)
    ticket_a = make_ticket(org_a, requester=contact_a, subject="Caso de A")
    ticket_b = make_ticket(org_b, requester=contact_b, subject="Caso de B")
    agent = make_agent(full_name="Ana Agente")
    add_message(ticket_a, author=agent, body="Respuesta pública", from_staff=True, now=NOW)
    add_message(ticket_a, author=agent, body="Nota secreta", from_staff=True, kind="note", now=NOW)
    return {
        "org_a": org_a,
        "contact_a": contact_a,
        "contact_b": contact_b,
        "ticket_a": ticket_a,
        "ticket_b": ticket_b,
        "agent": agent,
    }


def test_without_a_token_the_api_answers_401_in_the_callers_language(world):
    assert Api().get("/tickets").status_code == 401
    english = Api(language="en").get("/tickets")
    assert english.json()["detail"].startswith("Authentication required")
    spanish = Api().get("/tickets").json()["detail"]
    assert spanish.startswith("Se requiere autenticación")
    bad = Api()
    bad.headers["Authorization"] = "Bearer atd_not-a-real-token"
    assert bad.get("/tickets").status_code == 401


def test_a_revoked_token_stops_working_at_once(world):
    api = Api(world["contact_a"])
    assert api.get("/me").status_code == 200
    token = ApiToken.objects.get(user=world["contact_a"])
    assert revoke_token(world["contact_a"], token.pk, now=timezone.now())
    assert api.get("/me").status_code == 401


def test_a_token_of_a_deactivated_person_is_refused(world):
    api = Api(world["contact_a"])
    world["contact_a"].is_active = False
    world["contact_a"].save()
    assert api.get("/me").status_code == 401


def test_customers_list_only_their_organisations_cases(world):
    api = Api(world["contact_a"])
    listed = api.get("/tickets", state="all").json()
    assert [t["display_number"] for t in listed["results"]] == [world["ticket_a"].display_number]
    assert listed["count"] == 1
    # No search finds the other organisation's case, not even by its number.
    assert api.get("/tickets", state="all", q=world["ticket_b"].number).json()["count"] == 0
    assert api.get("/tickets", state="all", q="Caso de B").json()["count"] == 0


def test_another_organisations_case_is_404_for_every_verb(world):
    api = Api(world["contact_a"])
    number = world["ticket_b"].number
    assert api.get(f"/tickets/{number}").status_code == 404
    assert api.send("post", f"/tickets/{number}/messages", {"body": "hola"}).status_code == 404
    assert Message.objects.filter(ticket=world["ticket_b"], body="hola").count() == 0


def test_customers_see_the_public_conversation_only(world):
    detail = Api(world["contact_a"]).get(f"/tickets/{world['ticket_a'].number}").json()
    bodies = [m["body"] for m in detail["messages"]]
    assert "Respuesta pública" in bodies
    assert "Nota secreta" not in bodies
    assert detail["assignee"] is None
    assert detail["url"] == f"/clientes/tickets/{world['ticket_a'].number}/"


def test_agents_see_notes_and_the_console_link(world):
    detail = Api(world["agent"]).get(f"/tickets/{world['ticket_a'].number}").json()
    assert "Nota secreta" in [m["body"] for m in detail["messages"]]
    assert detail["url"] == f"/consola/tickets/{world['ticket_a'].number}/"


def test_agents_outside_a_restricted_department_do_not_reach_its_cases(world):
    billing = Department.objects.get(code="facturacion")
    billing.is_restricted = True
    billing.save()
    outsider = make_agent()
    update_ticket(world["ticket_b"], acting_user=world["agent"], now=NOW, department=billing)
    api = Api(outsider)
    assert api.get(f"/tickets/{world['ticket_b'].number}").status_code == 404
    listed = [t["number"] for t in api.get("/tickets", queue="open").json()["results"]]
    assert world["ticket_b"].number not in listed
    assert world["ticket_a"].number in listed


def test_a_customer_opens_a_case_and_gets_the_confirmation_email(
    world, django_capture_on_commit_callbacks
):
    api = Api(world["contact_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.send(
            "post",
            "/tickets",
            {"subject": "El sitio no carga", "body": "Error 500 en todas las páginas desde hoy."},
        )
    assert response.status_code == 201, response.content
    created = response.json()
    ticket = Ticket.objects.get(number=created["number"])
    assert ticket.channel == Ticket.Channel.API
    assert ticket.organisation == world["org_a"]  # their only organisation
    assert ticket.requester == world["contact_a"]
    assert created["case_type"] is not None  # triage classified it
    assert any(ticket.display_number in m.subject for m in mail.outbox)


def test_invalid_cases_are_refused_with_messages_per_field_and_nothing_saved(world):
    api = Api(world["contact_a"])
    before = Ticket.objects.count()
    response = api.send(
        "post",
        "/tickets",
        {
            "organisation": make_organisation("Ajena").pk,
            "department": "no-existe",
            "subject": "x",
            "body": "y",
        },
    )
    assert response.status_code == 422
    assert "department" in response.json()["errors"]
    response = api.send(
        "post",
        "/tickets",
        {"organisation": make_organisation("Ajena").pk, "subject": "x", "body": "y"},
    )
    assert response.status_code == 422
    assert "organisation" in response.json()["errors"]
    missing = api.send("post", "/tickets", {"body": "sin asunto"})
    assert missing.status_code == 422
    assert "subject" in missing.json()["errors"]
    assert Ticket.objects.count() == before


def test_customer_reply_reopens_a_pending_case(world):
    ticket = world["ticket_a"]
    update_ticket(ticket, acting_user=world["agent"], now=NOW, status=Ticket.Status.PENDING)
    response = Api(world["contact_a"]).send(
        "post", f"/tickets/{ticket.number}/messages", {"body": "Ya probé y sigue igual."}
    )
    assert response.status_code == 201
    assert response.json()["public"] is True
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_customers_cannot_write_internal_notes_or_change_fields(world):
    api = Api(world["contact_a"])
    number = world["ticket_a"].number
    note = api.send("post", f"/tickets/{number}/messages", {"body": "x", "internal": True})
    assert note.status_code == 403
    change = api.send("patch", f"/tickets/{number}", {"status": "resolved"})
    assert change.status_code == 403
    world["ticket_a"].refresh_from_db()
    assert world["ticket_a"].status != Ticket.Status.RESOLVED


def test_an_agent_changes_fields_and_each_change_is_an_event(world):
    ticket = world["ticket_a"]
    supervisor = make_staff(Role.SUPERVISOR)
    response = Api(world["agent"]).send(
        "patch",
        f"/tickets/{ticket.number}",
        {"impact": "high", "assignee": supervisor.email, "add_tags": ["vip"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["impact"] == "high"
    assert response.json()["assignee"] == str(supervisor)
    ticket.refresh_from_db()
    assert ticket.impact == "high" and ticket.assignee == supervisor
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"impact", "assigned", "tags"} <= kinds


def test_a_bad_change_changes_nothing(world):
    ticket = world["ticket_a"]
    response = Api(world["agent"]).send(
        "patch", f"/tickets/{ticket.number}", {"impact": "high", "status": "volando"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["status"]
    ticket.refresh_from_db()
    assert ticket.impact != "high"


def test_an_agent_note_stays_internal(world):
    ticket = world["ticket_a"]
    response = Api(world["agent"]).send(
        "post", f"/tickets/{ticket.number}/messages", {"body": "Revisar DNS", "internal": True}
    )
    assert response.status_code == 201
    assert response.json()["public"] is False
    customer_view = Api(world["contact_a"]).get(f"/tickets/{ticket.number}").json()
    assert "Revisar DNS" not in [m["body"] for m in customer_view["messages"]]


def test_a_closed_case_is_read_only_for_staff(world):
    ticket = world["ticket_a"]
    ticket.status = Ticket.Status.CLOSED
    ticket.save()
    response = Api(world["agent"]).send(
        "post", f"/tickets/{ticket.number}/messages", {"body": "tarde"}
    )
    assert response.status_code == 409
    assert (
        Api(world["agent"])
        .send("patch", f"/tickets/{ticket.number}", {"impact": "high"})
        .status_code
        == 409
    )


def test_me_names_the_person_and_their_organisations(world):
    me = Api(world["contact_a"]).get("/me").json()
    assert me["email"] == world["contact_a"].email
    assert me["staff"] is False
    assert [o["name"] for o in me["organisations"]] == ["Org A"]
    assert Api(world["agent"]).get("/me").json()["roles"] == ["agent"]


def test_the_api_describes_itself(world):
    schema = Api().get("/openapi.json").json()
    assert "/api/v1/tickets" in schema["paths"]
    assert "/api/v1/tickets/{number}/messages" in schema["paths"]
    assert Api().get("/docs").status_code == 200


def test_knowledge_base_search_needs_no_token(world):
    from atiende.kb.tests.factories import make_article

    make_article(
        title="Cómo cambiar los DNS de tu dominio", body="Entra al panel y cambia los DNS."
    )
    hits = Api().get("/kb/search", q="dns dominio").json()
    assert hits and hits[0]["title"] == "Cómo cambiar los DNS de tu dominio"
    assert "<mark>" in hits[0]["snippet"]


def test_too_many_requests_are_refused_with_a_wait(world):
    from atiende.api.api import PerUserThrottle, api

    throttle = api.throttle[0]  # type: ignore[index]
    assert isinstance(throttle, PerUserThrottle)
    saved = throttle.num_requests, throttle.duration
    throttle.num_requests, throttle.duration = 3, 60
    try:
        client = Api(world["contact_a"])
        responses = [client.get("/me") for _ in range(4)]
        other = Api(world["contact_b"]).get("/me")  # each person has their own allowance
    finally:
        throttle.num_requests, throttle.duration = saved
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    assert other.status_code == 200
