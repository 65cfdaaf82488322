"""Requests served over ASGI share pooled database connections."""

import asyncio

import pytest
from django.core.asgi import get_asgi_application
from django.db.backends.signals import connection_created
from django.test import Client

from atiende.tickets.tests.factories import make_agent


async def _get(application, path: str, session: str) -> int:  # type: ignore[no-untyped-def]
    """One GET through Django's ASGI handler, as uvicorn sends it; the status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", f"sessionid={session}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []
    body_read = False
    never = asyncio.Event()

    async def receive() -> dict:
        nonlocal body_read
        if not body_read:
            body_read = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await application(scope, receive, send)
    return sent[0]["status"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_requests_share_a_few_database_connections(reference_data, settings, run_async):
    # Django keeps connections per request context under ASGI. With persistent
    # connections every request opened a new one (~10 ms, a new PostgreSQL
    # process) and the old ones lingered until garbage-collected.
    client = Client()
    client.force_login(make_agent())
    session = client.cookies["sessionid"].value
    application = get_asgi_application()

    async def serve(requests: int) -> list[int]:
        # A task per request, as uvicorn runs them (each with its own context).
        return [
            await asyncio.create_task(_get(application, "/consola/tickets/", session))
            for _ in range(requests)
        ]

    backends: list[int] = []

    def record(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
        backends.append(connection.connection.info.backend_pid)

    connection_created.connect(record)
    try:
        statuses = run_async(serve(40))
    finally:
        connection_created.disconnect(record)
    assert statuses == [200] * 40
    # Every PostgreSQL backend (process) the requests were served by.
    assert len(set(backends)) <= settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
