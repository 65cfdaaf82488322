import pytest
from django.core import mail

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_contact, make_organisation, make_staff
from atiende.tickets.actions import update_ticket
from atiende.tickets.models import CannedReply, SavedFilter, Ticket
from atiende.tickets.tests.factories import NOW, make_agent, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client):
    user = make_agent(email="camilo@example.com", full_name="Camilo Herrera")
    client.force_login(user)
    return user


def test_queue_puts_the_most_urgent_case_first(client, agent):
    make_ticket(level=1, code="how_to", subject="Duda de uso")
    make_ticket(level=3, code="service_down", subject="Servidor caído")
    rows = client.get("/consola/tickets/?cola=open").content.decode()
    assert rows.index("Servidor caído") < rows.index("Duda de uso")


def test_queue_counts_are_shown(client, agent):
    make_ticket()
    ticket = make_ticket()
    update_ticket(ticket, acting_user=agent, now=NOW, assignee=agent)
    response = client.get("/consola/tickets/")
    assert response.context["counts"]["unassigned"] == 1
    assert response.context["counts"]["mine"] == 1
    assert response.context["counts"]["open"] == 2


def test_filters_narrow_the_queue(client, agent):
    make_ticket(code="dns_configuration", subject="Apuntar dominio")
    make_ticket(code="how_to", subject="Duda de uso")
    page = client.get("/consola/tickets/?cola=open&case_type=dns_configuration").content.decode()
    assert "Apuntar dominio" in page and "Duda de uso" not in page


def test_agent_replies_publicly_and_the_customer_is_emailed(
    client, agent, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/consola/tickets/{ticket.number}/responder/",
            {"kind": "reply", "body": "Ya quedó restablecida", "status_after": "pending"},
        )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING and ticket.first_response_at is not None
    [message] = mail.outbox
    assert message.to == [ticket.requester.email]
    assert "Ya quedó restablecida" in message.body


def test_internal_note_is_not_emailed(client, agent, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/consola/tickets/{ticket.number}/responder/", {"kind": "note", "body": "revisar logs"}
        )
    assert mail.outbox == []
    assert ticket.messages.filter(kind="note").exists()


def test_agent_changes_fields_and_the_timeline_shows_it(client, agent):
    ticket = make_ticket(code="how_to")
    client.post(
        f"/consola/tickets/{ticket.number}/cambiar/",
        {
            "status": "on_hold",
            "impact": "medium",
            "case_type": "",
            "department": ticket.department_id,
            "assignee": agent.pk,
            "tags": "cpanel, urgente",
        },
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.impact, ticket.assignee) == ("on_hold", "medium", agent)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["cpanel", "urgente"]
    page = client.get(f"/consola/tickets/{ticket.number}/").content.decode()
    assert "Camilo Herrera" in page and "on_hold" in page


def test_merge_from_the_ticket_page(client, agent):
    organisation = make_organisation()
    requester = make_contact(organisation)
    original = make_ticket(organisation, requester=requester)
    duplicate = make_ticket(organisation, requester=requester)
    response = client.post(
        f"/consola/tickets/{duplicate.number}/fusionar/", {"into": original.display_number}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_merge_into_an_unknown_number_says_so(client, agent):
    ticket = make_ticket()
    response = client.post(f"/consola/tickets/{ticket.number}/fusionar/", {"into": "0000-0000"})
    assert response.status_code == 400
    assert "No hay ningún caso con ese número" in response.content.decode()


def test_bulk_assign_and_tag(client, agent):
    first, second = make_ticket(), make_ticket()
    client.post(
        "/consola/tickets/lote/",
        {"action": "assign", "assignee": agent.pk, "numbers": [first.number, second.number]},
    )
    client.post(
        "/consola/tickets/lote/", {"action": "tag", "tag": "migración", "numbers": [first.number]}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee == agent and second.assignee == agent
    assert list(first.tags.values_list("name", flat=True)) == ["migración"]


def test_bulk_action_is_all_or_nothing(client, agent):
    open_one, closed_one = make_ticket(), make_ticket()
    update_ticket(closed_one, acting_user=agent, now=NOW, status="closed")
    client.post(
        "/consola/tickets/lote/",
        {"action": "status", "status": "on_hold", "numbers": [open_one.number, closed_one.number]},
    )
    open_one.refresh_from_db()
    assert open_one.status == Ticket.Status.NEW


def test_canned_reply_fills_in_customer_name_and_case_number(client, agent):
    organisation = make_organisation()
    ticket = make_ticket(
        organisation, requester=make_contact(organisation, full_name="Luna Castaño")
    )
    canned = CannedReply.objects.create(
        title="Saludo", body_es="Hola {customer_name}, su caso {case_number} está en revisión."
    )
    page = client.get(f"/consola/tickets/{ticket.number}/?canned={canned.pk}").content.decode()
    assert f"Hola Luna, su caso {ticket.display_number} está en revisión." in page


def test_another_agent_viewing_the_same_ticket_is_warned(client, agent):
    ticket = make_ticket()
    other = make_staff(Role.AGENT, full_name="Daniela Ortiz")
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    other_client.post(
        f"/consola/tickets/{ticket.number}/presencia/", {"body": "Hola, ya revisamos"}
    )
    warning = client.get(f"/consola/tickets/{ticket.number}/presencia/").content.decode()
    assert "Daniela Ortiz está escribiendo una respuesta" in warning


def test_saved_filter_reappears_in_the_queue(client, agent):
    client.post(
        "/consola/tickets/filtros/",
        {"name": "DNS", "query": "cola=open&case_type=dns_configuration"},
    )
    assert SavedFilter.objects.filter(owner=agent, name="DNS").exists()
    assert "case_type=dns_configuration" in client.get("/consola/tickets/").content.decode()
