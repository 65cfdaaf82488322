"""``atiende demo``: migrate, load demo data, print the logins, serve on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from atiende.operations.demo_data import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Set up a demo installation (SQLite by default) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = load_demo_data(now=timezone.now())
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Atiende demo ready: {url}"))
        self.stdout.write(f"All demo accounts use the password: {DEMO_PASSWORD}")
        for login in logins:
            where = f"  ({login.organisation})" if login.organisation else ""
            self.stdout.write(f"  {login.role:<14} {login.email}{where}")
        self.stdout.write(
            "The administrator is asked to set up two-factor authentication (TOTP) on first login."
        )
        if not options["no_serve"]:
            call_command("serve", port=options["port"], with_worker=True)
