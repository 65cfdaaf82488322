"""``atiende worker``: run background tasks and the periodic scheduler."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from atiende.mail.imap import watch_all_mailboxes
from atiende.operations.scheduler import run_scheduler


class Command(BaseCommand):
    help = "Run background tasks (email, sweeps) and enqueue periodic ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-scheduler", action="store_true", help="Only run tasks.")
        parser.add_argument(
            "--no-mail-watch",
            action="store_true",
            help="Do not keep IMAP connections open (IDLE); rely on scheduled polling.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=run_scheduler, args=(stop,), daemon=True, name="scheduler"
            ).start()
        if not options["no_mail_watch"]:
            # New mail is filed the moment it arrives, not at the next poll.
            watch_all_mailboxes(stop)
        try:
            call_command("db_worker", queue_name="*", reload=False)
        finally:
            stop.set()
