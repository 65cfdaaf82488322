"""Serve Atiende over ASGI with uvicorn (HTTP now, websockets for chat later)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from typing import Any

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from uvicorn.supervisors import Multiprocess


class Command(BaseCommand):
    help = "Serve Atiende with uvicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Static files are already collected."
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run one background worker (atiende worker) as a child process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if options["with_worker"]:
            # One process tree for a small install or the demo: email and sweeps
            # run beside the web server and stop with it.
            worker = subprocess.Popen([sys.executable, "-m", "atiende", "worker"])
        try:
            self._serve(options)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _serve(self, options: dict[str, Any]) -> None:
        config = uvicorn.Config(
            "atiende.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            proxy_headers=True,
            log_level="info",
        )
        if config.workers == 1:
            server = uvicorn.Server(config)
            with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: a clean stop
                server.run()
            if not server.started:  # the port is taken, the app failed to load...
                raise CommandError("The server did not start; its log above says why.")
            return
        # Several processes share one listening socket bound here. uvicorn's own
        # bind leaves the socket's protocol at 0, so asyncio never sets
        # TCP_NODELAY on accepted connections and every keep-alive request after
        # the first waits for the client's delayed ACK (~40-100 ms; uvicorn issue
        # #3149). Re-open the socket so its protocol reads IPPROTO_TCP.
        sock = tcp_listener(config.bind_socket())
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[sock]).run()


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The same listening socket, with ``proto`` set so asyncio disables Nagle per connection."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    listener = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    listener.set_inheritable(True)
    return listener
