import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.accounts.tests.factories import make_contact, make_organisation, make_service
from atiende.tickets.actions import add_message
from atiende.tickets.attachments import check_upload
from atiende.tickets.models import Attachment, Ticket
from atiende.tickets.tests.factories import NOW, department, make_agent, make_ticket, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    organisation = make_organisation("Tienda Luna")
    contact = make_contact(organisation, email="luna@example.com")
    service = make_service(organisation, level=2, name="Hosting WordPress Pro")
    client.force_login(contact)
    return {"organisation": organisation, "contact": contact, "service": service}


def new_ticket(client, customer, **extra):
    data = {
        "organisation": customer["organisation"].pk,
        "service": customer["service"].pk,
        "department": department("soporte").pk,
        "case_type": "",
        "subject": "La tienda no carga",
        "body": "Desde las 8 am la página muestra error 500.",
        **extra,
    }
    return client.post("/clientes/tickets/nuevo/", data, follow=True)


def test_customer_opens_a_ticket_with_an_attachment_and_gets_a_case_number(
    client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = new_ticket(client, customer, attachments=[png_upload()])
    ticket = Ticket.objects.get()
    page = response.content.decode()
    assert ticket.display_number in page
    assert "Su número de caso es" in page
    assert ticket.service == customer["service"] and ticket.plan.level == 2
    [attachment] = Attachment.objects.all()
    assert attachment.content_type == "image/png" and attachment.filename == "captura.png"
    assert any(ticket.display_number in m.body for m in mail.outbox if m.to == ["luna@example.com"])


def test_a_program_disguised_as_a_pdf_is_refused_and_nothing_is_created(client, customer):
    fake_pdf = SimpleUploadedFile("factura.pdf", b"MZ\x90\x00 this is a windows program")
    response = new_ticket(client, customer, attachments=[fake_pdf])
    assert response.status_code == 200
    assert "No se pueden adjuntar programas" in response.content.decode()
    assert not Ticket.objects.exists()


def test_ticket_page_shows_public_replies_but_never_internal_notes(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    agent = make_agent()
    add_message(
        ticket,
        author=agent,
        body="Nota: el cliente debe 2 facturas",
        from_staff=True,
        kind="note",
        now=NOW,
    )
    add_message(ticket, author=agent, body="Ya revisamos su sitio", from_staff=True, now=NOW)
    page = client.get(f"/clientes/tickets/{ticket.number}/").content.decode()
    assert "Ya revisamos su sitio" in page
    assert "debe 2 facturas" not in page


def test_case_number_works_with_or_without_the_dash(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    assert client.get(f"/clientes/tickets/{ticket.display_number}/").status_code == 200


def test_customer_replies_and_the_agent_sees_it(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    client.post(f"/clientes/tickets/{ticket.number}/responder/", {"body": "Adjunto más datos"})
    assert ticket.messages.filter(body="Adjunto más datos", from_staff=False).exists()


def test_empty_reply_gets_an_error_and_adds_nothing(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    response = client.post(f"/clientes/tickets/{ticket.number}/responder/", {"body": ""})
    assert response.status_code == 400
    assert "Este campo es obligatorio" in response.content.decode()
    assert ticket.messages.count() == 1


def test_customer_marks_resolved_then_reopens(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    client.post(f"/clientes/tickets/{ticket.number}/resuelto/")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    client.post(f"/clientes/tickets/{ticket.number}/reabrir/")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_list_filters_open_and_closed_and_searches(client, customer):
    organisation, contact = customer["organisation"], customer["contact"]
    open_one = make_ticket(organisation, requester=contact, subject="Correo no envía")
    done = make_ticket(organisation, requester=contact, subject="Cambio de DNS")
    client.post(f"/clientes/tickets/{done.number}/resuelto/")
    open_page = client.get("/clientes/tickets/").content.decode()
    assert "Correo no envía" in open_page and "Cambio de DNS" not in open_page
    closed_page = client.get("/clientes/tickets/?estado=cerrados").content.decode()
    assert "Cambio de DNS" in closed_page and "Correo no envía" not in closed_page
    found = client.get(
        f"/clientes/tickets/?estado=todos&q={open_one.display_number}"
    ).content.decode()
    assert "Correo no envía" in found and "Cambio de DNS" not in found


def test_attachment_is_served_to_the_customer_with_safe_headers(client, customer):
    ticket = make_ticket(customer["organisation"], requester=customer["contact"])
    add_message(
        ticket,
        author=customer["contact"],
        body="captura",
        from_staff=False,
        now=NOW,
        uploads=[check_upload(png_upload())],
    )
    attachment = Attachment.objects.get()
    response = client.get(f"/clientes/adjuntos/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_confirmation_states_the_promised_time_in_the_customers_zone(client, customer):
    customer["contact"].time_zone = "Europe/Madrid"
    customer["contact"].save()
    response = new_ticket(client, customer)
    page = response.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.first_response_due is not None
    madrid = ticket.first_response_due.astimezone(ZoneInfo("Europe/Madrid"))
    assert re.search(rf"Le responderemos antes del .*{madrid:%H:%M}", page)


def test_opening_a_ticket_from_a_service_preselects_it(client, customer):
    page = client.get(f"/clientes/tickets/nuevo/?service={customer['service'].pk}").content.decode()
    assert f'<option value="{customer["service"].pk}" selected>' in page
