"""The chat's websockets end to end through the ASGI application, on both channel layers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import Client, override_settings

from atiende.asgi import application
from atiende.chat import conversations as chat
from atiende.chat.consumers import BURST
from atiende.chat.models import Conversation
from atiende.operations.ports import listening
from atiende.tickets.tests.factories import NOW, make_agent
from conftest import require

ORIGIN = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


class WebsocketCommunicator(ApplicationCommunicator):
    """A browser's websocket, spoken in ASGI messages to the application.

    (Channels ships one, but its testing package needs Daphne.)
    """

    def __init__(self, app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        super().__init__(
            app,
            {
                "type": "websocket",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "headers": headers,
                "subprotocols": [],
                "client": ["127.0.0.1", 50000],
                "server": ["testserver", 80],
            },
        )

    async def connect(self, timeout: float = 5) -> tuple[bool, int | None]:
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            return False, answer.get("code", 1000)
        return True, None

    async def send_json_to(self, data: dict[str, Any]) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 5) -> dict[str, Any]:
        answer = await self.receive_output(timeout)
        assert answer["type"] == "websocket.send", answer
        return json.loads(answer["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def socket_for(path: str, session: str | None = None) -> WebsocketCommunicator:
    headers = list(ORIGIN)
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def receive_until(
    communicator: WebsocketCommunicator, kind: str, sender: str | None = None
) -> dict[str, Any]:
    """The next message of ``kind`` (from ``sender``), skipping others: desk updates
    and the echo of one's own messages arrive at any time."""
    for _ in range(20):
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == kind and (sender is None or message["message"]["sender"] == sender):
            return message
    raise AssertionError(f"no {kind!r} message")


LAYERS = {
    "memory": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    "redis": {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:6379/13"]},
        }
    },
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layer", ["memory", "redis"])
def test_visitor_and_agent_talk_in_real_time(layer, reference_data, run_async):
    if layer == "redis":
        require(listening(6379), "Redis is not running on 127.0.0.1:6379")
    agent = make_agent(full_name="Carlos Ventas")
    session = session_of(agent)
    conversation = chat.start(
        "sales", name="Ana Ruiz", email="ana@ejemplo.co", body="Hola", user=None, now=NOW
    )

    async def scenario() -> dict[str, Any]:
        desk = socket_for("/ws/chat/consola/", session)
        visitor = socket_for(f"/ws/chat/{conversation.token}/")
        assert (await desk.connect())[0]
        assert (await visitor.connect())[0]
        seen: dict[str, Any] = {}
        seen["desk"] = await receive_until(desk, "desk")
        seen["history"] = await receive_until(visitor, "history")
        await desk.send_json_to({"type": "accept", "conversation": conversation.pk})
        seen["opened"] = await receive_until(desk, "conversation")
        seen["joined"] = await receive_until(visitor, "message")
        await visitor.send_json_to({"type": "message", "body": "¿Tienen VPS?"})
        seen["to_agent"] = await receive_until(desk, "message", sender="visitor")
        await desk.send_json_to(
            {"type": "message", "conversation": conversation.pk, "body": "Sí, desde 10 USD."}
        )
        seen["to_visitor"] = await receive_until(visitor, "message", sender="agent")
        await desk.send_json_to({"type": "end", "conversation": conversation.pk})
        seen["ended"] = await receive_until(desk, "ended")
        seen["status"] = await receive_until(visitor, "status")
        await desk.disconnect()
        await visitor.disconnect()
        return seen

    with override_settings(CHANNEL_LAYERS=LAYERS[layer]):
        seen = run_async(scenario())
    assert [c["visitor"] for c in seen["desk"]["conversations"]] == ["Ana Ruiz"]
    assert [m["body"] for m in seen["history"]["messages"]] == ["Hola"]
    assert "Carlos Ventas" in seen["joined"]["message"]["body"]
    assert seen["to_agent"]["message"]["body"] == "¿Tienen VPS?"
    assert seen["to_visitor"]["message"]["body"] == "Sí, desde 10 USD."
    assert seen["to_visitor"]["message"]["author"] == "Carlos Ventas"
    assert seen["status"]["status"] == "ended"
    conversation.refresh_from_db()
    assert conversation.ticket is not None
    assert seen["ended"]["ticket"] == conversation.ticket.display_number


@pytest.mark.django_db(transaction=True)
def test_strangers_cannot_reach_a_conversation_or_the_desk(reference_data, run_async):
    from atiende.accounts.tests.factories import make_contact

    customer_session = session_of(make_contact())

    async def scenario() -> list[Any]:
        results = []
        guess = socket_for("/ws/chat/no-es-un-token/")
        assert (await guess.connect())[0]  # accepted, to be told why it closes
        closing = await guess.receive_output(5)
        results.append((False, closing.get("code")))
        customer_desk = socket_for("/ws/chat/consola/", customer_session)
        results.append(await customer_desk.connect())
        anonymous_desk = socket_for("/ws/chat/consola/")
        results.append(await anonymous_desk.connect())
        other_site = WebsocketCommunicator(
            application,
            "/ws/chat/consola/",
            headers=[(b"origin", b"http://evil.example"), (b"host", b"127.0.0.1:8000")],
        )
        results.append(await other_site.connect())
        return results

    results = run_async(scenario())
    assert [connected for connected, _code in results] == [False, False, False, False]
    assert results[0][1] == 4404 and results[1][1] == 4403


@pytest.mark.django_db(transaction=True)
def test_an_agent_cannot_write_in_a_conversation_of_another_agent(reference_data, run_async):
    first, second = make_agent(), make_agent()
    conversation = chat.start(
        "sales", name="Ana", email="ana@ejemplo.co", body="Hola", user=None, now=NOW
    )
    chat.accept(conversation, agent=first, now=NOW)

    session = session_of(second)

    async def scenario() -> dict[str, Any]:
        desk = socket_for("/ws/chat/consola/", session)
        assert (await desk.connect())[0]
        await desk.send_json_to({"type": "message", "conversation": conversation.pk, "body": "x"})
        answer = await receive_until(desk, "error")
        await desk.disconnect()
        return answer

    answer = run_async(scenario())
    assert answer["detail"] == "Esa conversación no existe o no es suya."
    assert not Conversation.objects.get().messages.filter(body="x").exists()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_flooding_the_chat_is_slowed_down(reference_data, run_async):
    conversation = chat.start(
        "sales", name="Ana", email="ana@ejemplo.co", body="Hola", user=None, now=NOW
    )

    async def scenario() -> dict[str, Any]:
        visitor = socket_for(f"/ws/chat/{conversation.token}/")
        assert (await visitor.connect())[0]
        await receive_until(visitor, "history")
        for number in range(BURST + 1):
            await visitor.send_json_to({"type": "message", "body": f"mensaje {number}"})
        refused = await receive_until(visitor, "error")
        await visitor.disconnect()
        return refused

    refused = run_async(scenario())
    assert refused["detail"] == "Demasiados mensajes seguidos; espere un momento."
    assert conversation.messages.filter(sender="visitor").count() == 1 + BURST
