"""Suggestions while writing a ticket, and the deflection they achieve."""

from datetime import timedelta

import pytest

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service
from atiende.kb.deflection import deflection
from atiende.kb.models import SuggestionClick
from atiende.kb.tests.factories import make_article
from atiende.tickets.tests.factories import NOW, make_agent, make_ticket

pytestmark = pytest.mark.django_db


def test_ticket_form_asks_for_suggestions_while_typing(client):
    organisation = make_organisation()
    make_service(organisation)
    client.force_login(make_contact(organisation))
    page = client.get("/clientes/tickets/nuevo/").content.decode()
    assert 'hx-get="/ayuda/sugerencias/"' in page and 'hx-include="#id_subject, #id_body"' in page


def test_suggestions_follow_what_the_customer_types(client):
    make_article("Cómo cambiar la contraseña del correo", "Entre al webmail y cambie la clave.")
    client.force_login(make_contact())
    partial = client.get("/ayuda/sugerencias/", {"subject": "olvide la contraseña del correo"})
    assert "Cómo cambiar la contraseña del correo" in partial.content.decode()


def test_opening_a_suggestion_and_not_writing_counts_as_deflected(client):
    article = make_article("Cómo apuntar un dominio", "Cambie los DNS.")
    organisation = make_organisation()
    found_it, wrote_anyway = make_contact(organisation), make_contact(organisation)
    for person in (found_it, wrote_anyway):
        SuggestionClick.objects.create(article=article, user=person, clicked_at=NOW)
    make_ticket(organisation, requester=wrote_anyway, now=NOW + timedelta(minutes=5))
    result = deflection(since=NOW - timedelta(days=1), until=NOW + timedelta(days=1))
    assert (result.suggestions_opened, result.deflected, result.tickets_opened) == (2, 1, 1)
    assert result.rate == 0.5


def test_click_is_recorded_and_leads_to_the_article(client):
    article = make_article("Cómo apuntar un dominio", "Cambie los DNS.")
    contact = make_contact()
    client.force_login(contact)
    response = client.get(f"/ayuda/sugerencias/{article.pk}/", {"q": "dominio"})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert SuggestionClick.objects.filter(article=article, user=contact).exists()


def test_agent_sees_suggested_articles_and_can_insert_a_link(client):
    article = make_article("Restablecer la clave del webmail", "Use la opción de recuperar clave.")
    ticket = make_ticket(
        subject="No recuerdo la clave del webmail", body="olvide la clave del webmail"
    )
    client.force_login(make_agent())
    page = client.get(f"/consola/tickets/{ticket.number}/").content.decode()
    assert "Restablecer la clave del webmail" in page
    filled = client.get(f"/consola/tickets/{ticket.number}/?article={article.pk}").content.decode()
    assert f"{article.get_absolute_url()}</textarea>" in filled
