"""A customer and an agent working the same case in two real browsers."""

import pytest

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import (
    make_contact,
    make_organisation,
    make_service,
    make_staff,
)
from atiende.tests.browser import log_in
from atiende.tickets.models import Ticket
from atiende.tickets.tests.factories import PNG

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_customer_opens_a_case_with_an_attachment_agent_answers_customer_resolves(
    live_server, chromium_browser, reference_data, tmp_path
):
    organisation = make_organisation("Tienda Luna")
    make_contact(organisation, email="luna@example.com", full_name="Luna Castaño")
    make_service(organisation, level=2, name="Hosting WordPress Pro")
    make_staff(Role.AGENT, email="camilo@example.com", full_name="Camilo Herrera")
    screenshot = tmp_path / "error.png"
    screenshot.write_bytes(PNG)

    customer = chromium_browser.new_context(locale="es-CO")
    agent = chromium_browser.new_context(locale="es-CO")
    try:
        page = customer.new_page()
        log_in(page, live_server.url, "luna@example.com")
        page.goto(live_server.url + "/clientes/tickets/nuevo/")
        page.locator("select[name=service]").select_option(index=1)
        page.fill("input[name=subject]", "La tienda muestra error 500")
        page.fill("textarea[name=body]", "Desde esta mañana la tienda no abre.")
        page.set_input_files("input[name=attachments]", str(screenshot))
        page.get_by_role("button", name="Enviar ticket").click()
        page.wait_for_url("**/recibido/")
        ticket = Ticket.objects.get()
        assert ticket.display_number in page.locator("main").inner_text()

        desk = agent.new_page()
        log_in(desk, live_server.url, "camilo@example.com")
        desk.goto(live_server.url + "/consola/tickets/?cola=unassigned")
        desk.get_by_role("link", name=ticket.display_number).click()
        assert desk.locator("img.thumb").count() == 1
        desk.fill("textarea[name=body]", "Hola Luna, reiniciamos PHP y la tienda ya carga.")
        desk.get_by_role("button", name="Enviar", exact=True).click()
        desk.wait_for_load_state()

        page.goto(live_server.url + f"/clientes/tickets/{ticket.number}/")
        assert "reiniciamos PHP" in page.locator(".conversation").inner_text()
        page.get_by_role("button", name="Marcar como resuelto").click()
        page.wait_for_load_state()
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.RESOLVED
    finally:
        customer.close()
        agent.close()
