"""`atiende serve --workers N` must not leave Nagle's algorithm on keep-alive connections."""

import asyncio
import socket

import uvicorn

from atiende.operations.management.commands.serve import tcp_listener


async def _nodelay_of_accepted_connection(listener: socket.socket) -> int:
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listener)
    port = listener.getsockname()[1]
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(seen, timeout=5)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


def test_connections_accepted_by_worker_processes_send_replies_without_delay(run_async):
    # The multi-process path binds the socket the way uvicorn does and hands it
    # to the workers; every accepted connection must have TCP_NODELAY so a
    # keep-alive client is not held back by delayed ACKs.
    config = uvicorn.Config("atiende.asgi:application", host="127.0.0.1", port=0, workers=2)
    listener = tcp_listener(config.bind_socket())
    assert listener.get_inheritable()
    assert run_async(_nodelay_of_accepted_connection(listener)) == 1
