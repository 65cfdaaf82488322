"""Who may open which ticket URL: every role against every ticket URL and action.

Customers of another organisation get 404 (a case's existence stays secret),
customers in the console get 403, agents outside a restricted department get
404, and nothing leaks through lists, search or counts.
"""

import pytest
from django.test import Client

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_contact, make_organisation, make_staff
from atiende.tickets.actions import add_message
from atiende.tickets.attachments import check_upload
from atiende.tickets.models import Attachment
from atiende.tickets.tests.factories import NOW, department, make_ticket, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org_a, org_b = make_organisation("Org A"), make_organisation("Org B")
    contact_a = make_contact(org_a)
    ticket = make_ticket(org_a, requester=contact_a, subject="Caso secreto de A")
    add_message(
        ticket,
        author=contact_a,
        body="adjunto",
        from_staff=False,
        now=NOW,
        uploads=[check_upload(png_upload())],
    )
    note = add_message(
        ticket,
        author=make_staff(Role.AGENT),
        body="nota",
        from_staff=True,
        kind="note",
        now=NOW,
        uploads=[check_upload(png_upload("interna.png"))],
    )
    billing = department("facturacion")
    billing.is_restricted = True
    billing.save()
    billing_agent = make_staff(Role.AGENT)
    billing.members.add(billing_agent)
    billing_ticket = make_ticket(
        org_a, requester=contact_a, code="payment_report_renewal", subject="Factura de A"
    )
    return {
        "ticket": ticket,
        "billing_ticket": billing_ticket,
        "public_file": Attachment.objects.exclude(message=note).get(),
        "note_file": Attachment.objects.get(message=note),
        "users": {
            "anonymous": None,
            "contact_a": contact_a,
            "contact_b": make_contact(org_b),
            "agent": make_staff(Role.AGENT),
            "billing_agent": billing_agent,
            "supervisor": make_staff(Role.SUPERVISOR),
        },
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def customer_urls(number):
    return [f"/clientes/tickets/{number}/", f"/clientes/tickets/{number}/recibido/"]


def console_urls(number):
    return [f"/consola/tickets/{number}/", f"/consola/tickets/{number}/presencia/"]


EXPECTED_CUSTOMER_PAGE = {
    "anonymous": 302,
    "contact_a": 200,
    "contact_b": 404,
    "agent": 404,
    "billing_agent": 404,
    "supervisor": 404,
}
EXPECTED_CONSOLE_PAGE = {
    "anonymous": 302,
    "contact_a": 403,
    "contact_b": 403,
    "agent": 200,
    "billing_agent": 200,
    "supervisor": 200,
}


@pytest.mark.parametrize("role", list(EXPECTED_CUSTOMER_PAGE))
def test_customer_ticket_pages(world, role):
    client = client_for(world["users"][role])
    for url in customer_urls(world["ticket"].number):
        assert client.get(url).status_code == EXPECTED_CUSTOMER_PAGE[role], url


@pytest.mark.parametrize("role", list(EXPECTED_CONSOLE_PAGE))
def test_console_ticket_pages(world, role):
    client = client_for(world["users"][role])
    for url in console_urls(world["ticket"].number):
        assert client.get(url).status_code == EXPECTED_CONSOLE_PAGE[role], url


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 404), ("billing_agent", 200), ("supervisor", 200), ("contact_a", 403)],
)
def test_restricted_department_ticket_only_for_its_members(world, role, expected):
    client = client_for(world["users"][role])
    assert client.get(f"/consola/tickets/{world['billing_ticket'].number}/").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected_public", "expected_note"),
    [
        ("anonymous", 302, 302),
        ("contact_a", 200, 404),
        ("contact_b", 404, 404),
        ("agent", 200, 200),
    ],
)
def test_attachment_downloads(world, role, expected_public, expected_note):
    client = client_for(world["users"][role])
    assert (
        client.get(f"/clientes/adjuntos/{world['public_file'].pk}/").status_code == expected_public
    )
    assert client.get(f"/clientes/adjuntos/{world['note_file'].pk}/").status_code == expected_note


@pytest.mark.parametrize("role", ["contact_b", "agent", "anonymous"])
def test_customer_actions_refused_to_others(world, role):
    client = client_for(world["users"][role])
    number = world["ticket"].number
    for action in ("responder", "resuelto", "reabrir"):
        response = client.post(f"/clientes/tickets/{number}/{action}/", {"body": "intrusión"})
        assert response.status_code in (302, 404) and response.status_code != 200
    assert not world["ticket"].messages.filter(body="intrusión").exists()
    world["ticket"].refresh_from_db()
    assert world["ticket"].status == "new"


@pytest.mark.parametrize("role", ["contact_a", "contact_b", "anonymous"])
def test_console_actions_refused_to_customers(world, role):
    client = client_for(world["users"][role])
    number = world["ticket"].number
    client.post(f"/consola/tickets/{number}/responder/", {"kind": "reply", "body": "intrusión"})
    client.post(f"/consola/tickets/{number}/cambiar/", {"status": "closed", "impact": "high"})
    client.post(
        "/consola/tickets/lote/", {"action": "status", "status": "closed", "numbers": [number]}
    )
    world["ticket"].refresh_from_db()
    assert world["ticket"].status == "new" and world["ticket"].impact == "low"
    assert not world["ticket"].messages.filter(body="intrusión").exists()


def test_other_customers_lists_and_search_never_show_the_ticket(world):
    client = client_for(world["users"]["contact_b"])
    for url in (
        "/clientes/tickets/?estado=todos",
        f"/clientes/tickets/?estado=todos&q={world['ticket'].number}",
        "/clientes/tickets/?estado=todos&q=secreto",
    ):
        page = client.get(url).content.decode()
        assert "Caso secreto de A" not in page and world["ticket"].display_number not in page


def test_agent_outside_restricted_department_does_not_see_it_in_queues_or_counts(world):
    client = client_for(world["users"]["agent"])
    response = client.get("/consola/tickets/?cola=open&q=Factura")
    assert "Factura de A" not in response.content.decode()
    assert response.context["counts"]["open"] == 1
    billing = client_for(world["users"]["billing_agent"]).get("/consola/tickets/?cola=open")
    assert billing.context["counts"]["open"] == 2


def test_a_ticket_is_listed_once_however_many_agents_its_department_has(client):
    from atiende.accounts.tests.factories import make_contact as contact

    support = department("soporte")
    agents = [make_staff(Role.AGENT) for _ in range(3)]
    support.members.add(*agents)
    organisation = make_organisation()
    customer = contact(organisation)
    make_contact(organisation)  # a second contact of the same organisation
    ticket = make_ticket(organisation, requester=customer, subject="Solo una vez")
    client.force_login(agents[0])
    response = client.get("/consola/tickets/?cola=open")
    assert response.content.decode().count(f'name="numbers" value="{ticket.number}"') == 1
    assert response.context["counts"]["open"] == 1
    assert response.context["counts"]["department"] == 1
    client.force_login(customer)
    page = client.get("/clientes/tickets/").content.decode()
    assert page.count(f'href="/clientes/tickets/{ticket.number}/"') == 1
