"""A visitor in a real browser (Debian's Chromium through Playwright)."""

import pytest
from django.utils import timezone

from atiende.operations.demo_data import DEMO_PASSWORD, load_demo_data

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_visitor_switches_language_then_customer_logs_in_and_sees_services(
    live_server, chromium_browser, reference_data
):
    load_demo_data(now=timezone.now())
    context = chromium_browser.new_context(locale="es-CO", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("h1").inner_text() == "Centro de Ayuda y Soporte"

        page.select_option("#language-select", "en")
        page.get_by_role("button", name="Cambiar").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Help and support center"

        page.get_by_role("link", name="Client area").first.click()
        page.fill("input[name=login]", "sistemas@clinicasonrisa.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/clientes/")

        body = page.locator("main").inner_text()
        assert "Clínica Dental Sonrisa Ltda." in body
        assert "VPS Administrado 4 GB" in body
        assert "Level 3 Support" in body
        assert "Tienda Luna" not in body
    finally:
        context.close()
