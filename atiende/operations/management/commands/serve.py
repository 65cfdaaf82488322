"""Serve Atiende over ASGI with uvicorn (HTTP now, websockets for chat later)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


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
        uvicorn.run(
            "atiende.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            proxy_headers=True,
            log_level="info",
        )
