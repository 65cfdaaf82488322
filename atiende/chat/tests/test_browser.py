"""A visitor and an agent chat in two real browsers, over real websockets."""

import pytest

from atiende.accounts.roles import Role
from atiende.accounts.tests.factories import make_staff
from atiende.chat.models import Conversation
from atiende.services.models import SupportPlan
from atiende.sla.models import Calendar
from atiende.tests.browser import log_in

pytestmark = pytest.mark.browser


def open_office_with_a_seller() -> None:
    """Office hours around the clock (the chat is open whenever the test runs), one agent."""
    always = Calendar.objects.create(name="Siempre", always_open=True)
    SupportPlan.objects.filter(level=1).update(calendar=always)
    make_staff(Role.AGENT, email="carlos@example.com", full_name="Carlos Ventas")


def start_chat(visitor, message: str) -> None:  # type: ignore[no-untyped-def]
    """Ana opens the bubble on the page ``visitor`` shows and starts a chat."""
    visitor.get_by_role("button", name="¿Quieres chatear?").click()
    visitor.fill("#atiende-chat input[name=name]", "Ana Ruiz")
    visitor.fill("#atiende-chat input[name=email]", "ana@example.com")
    visitor.fill("#atiende-chat textarea[name=message]", message)
    visitor.get_by_role("button", name="Iniciar chat").click()
    visitor.get_by_text("Un agente le atenderá en un momento").wait_for()


def take_the_chat(desk, atiende: str, message: str):  # type: ignore[no-untyped-def]
    """Carlos logs in, opens the chat desk and takes the waiting conversation."""
    log_in(desk, atiende, "carlos@example.com")
    desk.goto(atiende + "/consola/chat/")
    desk.get_by_role("button", name="Tomar").click()
    desk.get_by_text(message).wait_for()
    return desk


@pytest.mark.django_db(transaction=True)
def test_a_visitor_chats_with_sales_and_gets_a_case_number(
    asgi_server, chromium_browser, reference_data
):
    open_office_with_a_seller()

    visitor_context = chromium_browser.new_context(locale="es-CO")
    agent_context = chromium_browser.new_context(locale="es-CO")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(asgi_server + "/")
        start_chat(visitor, "¿Tienen hosting para WordPress?")
        desk = take_the_chat(
            agent_context.new_page(), asgi_server, "¿Tienen hosting para WordPress?"
        )

        visitor.get_by_text("Carlos Ventas se unió a la conversación").wait_for()
        desk.fill("#desk-reply", "Sí, desde 5 USD al mes.")
        desk.get_by_role("button", name="Enviar").click()
        visitor.get_by_text("Sí, desde 5 USD al mes.").wait_for()

        visitor.fill("#atiende-chat-input", "¡Perfecto, gracias!")
        visitor.get_by_role("button", name="Enviar").click()
        desk.get_by_text("¡Perfecto, gracias!").wait_for()

        desk.get_by_role("button", name="Terminar chat").click()
        conversation = Conversation.objects.get()
        visitor.get_by_text("La conversación terminó").wait_for()
        conversation.refresh_from_db()
        assert conversation.ticket is not None
        assert conversation.ticket.display_number in visitor.locator("#atiende-chat").inner_text()
    finally:
        visitor_context.close()
        agent_context.close()


@pytest.mark.django_db(transaction=True)
def test_a_customer_whose_plan_has_chat_starts_support_chat_from_the_client_area(
    asgi_server, chromium_browser, reference_data
):
    from atiende.accounts.tests.factories import make_contact, make_organisation, make_service

    always = Calendar.objects.create(name="Siempre", always_open=True)
    SupportPlan.objects.update(calendar=always)
    organisation = make_organisation("Tienda Luna")
    make_service(organisation, level=2)
    make_contact(organisation, email="luna@example.com", full_name="Luna Castaño")
    context = chromium_browser.new_context(locale="es-CO")
    try:
        page = context.new_page()
        log_in(page, asgi_server, "luna@example.com")
        page.goto(asgi_server + "/clientes/")
        page.get_by_role("button", name="Chatear ahora").first.click()
        assert page.locator("#atiende-chat select[name=kind]").input_value() == "support"
        page.fill("#atiende-chat textarea[name=message]", "El correo no envía")
        page.get_by_role("button", name="Iniciar chat").click()
        page.get_by_text("Un agente le atenderá en un momento").wait_for()
        conversation = Conversation.objects.get()
        assert conversation.kind == "support" and conversation.organisation == organisation
    finally:
        context.close()
