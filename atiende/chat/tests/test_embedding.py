"""The bubble embedded on another site (chat/embed.js) and what that site may do."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial

import pytest
from django.test import Client

from atiende.accounts.tests.factories import make_contact
from atiende.chat.models import Conversation
from atiende.chat.tests.test_browser import open_office_with_a_seller, start_chat, take_the_chat
from atiende.services.models import SupportPlan
from atiende.sla.models import Calendar

SHOP = "https://tienda.example.com"
START = {"kind": "sales", "name": "Ana", "email": "ana@example.com", "message": "Hola"}


@pytest.fixture
def open_office(db):
    always = Calendar.objects.create(name="Siempre", always_open=True)
    SupportPlan.objects.filter(level=1).update(calendar=always)


@pytest.mark.django_db
def test_an_allowed_site_starts_a_chat_without_a_csrf_token(settings, open_office):
    settings.ATIENDE_CHAT_ORIGINS = [SHOP]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/chat/iniciar/", START, headers={"Origin": SHOP})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert Conversation.objects.get(token=response.json()["token"]).visitor_name == "Ana"


@pytest.mark.django_db
def test_any_other_site_is_refused(settings, open_office):
    settings.ATIENDE_CHAT_ORIGINS = [SHOP]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/chat/iniciar/", START, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_an_embedding_site_never_acts_as_the_logged_in_customer(settings, open_office):
    settings.ATIENDE_CHAT_ORIGINS = [SHOP]
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_contact(full_name="Luna Pérez"))
    # The customer's cookie travels, but the request from the shop is anonymous.
    refused = client.post(
        "/chat/iniciar/", {"kind": "support", "message": "Hola"}, headers={"Origin": SHOP}
    )
    assert refused.status_code == 400  # a visitor must give a name and email
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_the_widget_settings_speak_the_visitors_language(settings):
    settings.ATIENDE_CHAT_ORIGINS = [SHOP]
    config = Client().get("/chat/widget/", headers={"Origin": SHOP, "Accept-Language": "en"})
    assert config["Access-Control-Allow-Origin"] == SHOP
    data = config.json()
    assert data["strings"]["toggle"] == "Do you want to chat?"
    assert data["start_url"].endswith("/chat/iniciar/")
    assert data["socket_base"].startswith("ws://")
    spanish = Client().get("/chat/widget/", headers={"Origin": SHOP}).json()
    assert spanish["strings"]["toggle"] == "¿Quieres chatear?"


@pytest.fixture
def shop_site(tmp_path) -> Iterator[str]:
    """Another site (another origin) whose page embeds the bubble; its URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=tmp_path)
    )
    server.directory = tmp_path  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_another_site_chats_with_an_agent(
    settings, shop_site, chromium_browser, reference_data, tmp_path, request
):
    settings.ATIENDE_CHAT_ORIGINS = [shop_site]
    atiende = request.getfixturevalue("asgi_server")  # built with the origin allowed
    open_office_with_a_seller()
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=es><head><meta charset=utf-8><title>Tienda</title></head>"
        "<body><h1>Tienda Luna</h1>"
        f'<script src="{atiende}/static/chat/embed.js" data-atiende="{atiende}" defer></script>'
        "</body></html>",
        encoding="utf-8",
    )
    visitor_context = chromium_browser.new_context(locale="es-CO")
    agent_context = chromium_browser.new_context(locale="es-CO")
    try:
        visitor = visitor_context.new_page()
        visitor.goto(shop_site + "/index.html")
        start_chat(visitor, "Vengo de la tienda")
        desk = take_the_chat(agent_context.new_page(), atiende, "Vengo de la tienda")
        desk.fill("#desk-reply", "Bienvenida, Ana.")
        desk.get_by_role("button", name="Enviar").click()
        visitor.get_by_text("Bienvenida, Ana.").wait_for()
        assert Conversation.objects.get().page_url.startswith(shop_site)
    finally:
        visitor_context.close()
        agent_context.close()


@pytest.mark.django_db(transaction=True)
def test_websockets_from_an_allowed_site_reach_conversations_not_the_desk(
    settings, reference_data, run_async
):
    from atiende.asgi import websocket_application
    from atiende.chat import conversations as chat
    from atiende.chat.tests.test_consumers import WebsocketCommunicator, session_of
    from atiende.tickets.tests.factories import NOW, make_agent

    settings.ATIENDE_CHAT_ORIGINS = [SHOP]
    application = websocket_application()
    conversation = chat.start(
        "sales", name="Ana", email="ana@example.com", body="Hola", user=None, now=NOW
    )
    session = session_of(make_agent())
    from_shop = [(b"origin", SHOP.encode()), (b"host", b"127.0.0.1:8000")]

    async def scenario() -> list[bool]:
        visitor = WebsocketCommunicator(application, f"/ws/chat/{conversation.token}/", from_shop)
        desk = WebsocketCommunicator(
            application,
            "/ws/chat/consola/",
            [*from_shop, (b"cookie", f"sessionid={session}".encode())],
        )
        elsewhere = WebsocketCommunicator(
            application,
            f"/ws/chat/{conversation.token}/",
            [(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1:8000")],
        )
        results = [(await visitor.connect())[0], (await desk.connect())[0]]
        results.append((await elsewhere.connect())[0])
        await visitor.disconnect()
        return results

    assert run_async(scenario()) == [True, False, False]
