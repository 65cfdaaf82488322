"""Pages cost the same number of queries whatever the number of tickets or messages."""

import pytest

from atiende.accounts.tests.factories import make_contact, make_organisation
from atiende.tickets.actions import add_message
from atiende.tickets.tests.factories import NOW, make_agent, make_ticket

pytestmark = pytest.mark.django_db


def count_queries(client, url, django_assert_max_num_queries):
    client.get(url)  # warm sessions and caches
    with django_assert_max_num_queries(100) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_queue_page_queries_do_not_grow_with_tickets(client, django_assert_max_num_queries):
    client.force_login(make_agent())
    organisation = make_organisation()
    for _ in range(3):
        make_ticket(organisation)
    few = count_queries(client, "/consola/tickets/", django_assert_max_num_queries)
    for _ in range(20):
        make_ticket(make_organisation())
    many = count_queries(client, "/consola/tickets/", django_assert_max_num_queries)
    assert many == few


def test_ticket_page_queries_do_not_grow_with_messages(client, django_assert_max_num_queries):
    agent = make_agent()
    client.force_login(agent)
    organisation = make_organisation()
    ticket = make_ticket(organisation, requester=make_contact(organisation))
    few = count_queries(client, f"/consola/tickets/{ticket.number}/", django_assert_max_num_queries)
    for index in range(15):
        add_message(ticket, author=agent, body=f"respuesta {index}", from_staff=True, now=NOW)
        make_ticket(organisation)
    many = count_queries(
        client, f"/consola/tickets/{ticket.number}/", django_assert_max_num_queries
    )
    assert many == few


def test_customer_list_queries_do_not_grow_with_tickets(client, django_assert_max_num_queries):
    organisation = make_organisation()
    contact = make_contact(organisation)
    client.force_login(contact)
    make_ticket(organisation, requester=contact)
    few = count_queries(client, "/clientes/tickets/", django_assert_max_num_queries)
    for _ in range(15):
        make_ticket(organisation, requester=contact)
    many = count_queries(client, "/clientes/tickets/", django_assert_max_num_queries)
    assert many == few
