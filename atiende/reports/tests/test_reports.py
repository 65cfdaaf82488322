import pytest
from django.utils import timezone

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_staff
from atiende.tickets.tests.factories import make_agent, make_ticket

pytestmark = pytest.mark.django_db


def test_supervisor_sees_cases_by_impact_and_the_deflection_rate(client):
    now = timezone.now()
    make_ticket(code="service_down", now=now)
    make_ticket(code="how_to", now=now)
    client.force_login(make_staff(Role.SUPERVISOR))
    response = client.get("/consola/informes/?dias=7")
    assert response.status_code == 200
    assert dict(response.context["impacts"])["Alto impacto"] == 1
    assert "Tasa de desvío" in response.content.decode()


def test_agents_do_not_see_reports(client):
    client.force_login(make_agent())
    assert client.get("/consola/informes/").status_code == 403


def test_reports_cost_the_same_queries_whatever_the_number_of_cases(
    client, django_assert_max_num_queries
):
    client.force_login(make_staff(Role.SUPERVISOR))
    client.get("/consola/informes/")
    with django_assert_max_num_queries(30) as few:
        client.get("/consola/informes/")
    for _ in range(10):
        make_ticket(now=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/consola/informes/")


def test_chat_figures_count_conversations_and_the_wait_for_an_agent(client):
    from datetime import timedelta

    from atiende.chat import conversations as chat
    from atiende.services.models import SupportPlan
    from atiende.sla.models import Calendar

    always = Calendar.objects.create(name="Siempre", always_open=True)
    SupportPlan.objects.filter(level=1).update(calendar=always)
    now = timezone.now() - timedelta(hours=1)
    taken = chat.start("sales", name="Ana", email="a@e.co", body="Hola", user=None, now=now)
    chat.start("sales", name="Bea", email="b@e.co", body="Hola", user=None, now=now)
    chat.accept(taken, agent=make_agent(), now=now + timedelta(seconds=40))
    client.force_login(make_staff(Role.SUPERVISOR))
    response = client.get("/consola/informes/?dias=7")
    assert dict(response.context["chats"])["Ventas"] == 2
    page = response.content.decode()
    assert "Tomadas por un agente: 1 · sin tomar: 1" in page
    assert "40 segundos" in page
