"""``atiende mail``: take email in from the mail server, poll mailboxes, re-process.

    atiende mail ingest --mailbox CODE   one raw message on stdin (Postfix/Exim pipe)
    atiende mail poll [--mailbox CODE]   read IMAP mailboxes now
    atiende mail reprocess ID [ID…]      try quarantined messages again

``ingest`` prints exactly one line, whose first word is ``created``,
``appended``, ``duplicate``, ``ignored`` or ``quarantined``, and exits 0:
the message is stored, whatever became of it. It exits 75 (EX_TEMPFAIL,
"try again later" to Postfix and Exim) only when the message could not be
stored, typically because the database is down; the mail server keeps it
and retries. It never prints a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Take in email piped by the mail server, poll IMAP mailboxes, re-process quarantine."
    # The pipe must answer even when the database is down: no checks that query it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        ingest = subcommands.add_parser("ingest", help="Read one raw message from stdin.")
        ingest.add_argument("--mailbox", required=True, help="The mailbox's code.")
        poll = subcommands.add_parser("poll", help="Read IMAP mailboxes now.")
        poll.add_argument("--mailbox", help="Only this mailbox (its code).")
        reprocess = subcommands.add_parser("reprocess", help="Process quarantined mail again.")
        reprocess.add_argument("ids", nargs="+", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        raw = sys.stdin.buffer.read()
        try:
            line = ingest_from_pipe(raw, options["mailbox"])
        except _NotStored as error:
            self.stdout.write(f"tempfail {error}")
            sys.stdout.flush()
            # Not CommandError: that would print "CommandError:" and exit 1,
            # which Postfix turns into a bounce instead of a retry.
            raise SystemExit(EX_TEMPFAIL) from None
        self.stdout.write(line)

    def _poll(self, options: dict[str, Any]) -> None:
        from atiende.mail.imap import poll_mailbox
        from atiende.mail.models import Mailbox

        mailboxes = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
        if options["mailbox"]:
            mailboxes = mailboxes.filter(code=options["mailbox"])
            if not mailboxes.exists():
                raise CommandError(f"No active IMAP mailbox with code {options['mailbox']!r}")
        for mailbox in mailboxes:
            self.stdout.write(poll_mailbox(mailbox, now=timezone.now()).summary())

    def _reprocess(self, options: dict[str, Any]) -> None:
        from atiende.mail.inbound import reprocess
        from atiende.mail.models import InboundEmail

        for inbound in InboundEmail.objects.filter(pk__in=options["ids"]).order_by("pk"):
            result = reprocess(inbound, now=timezone.now())
            self.stdout.write(f"{inbound.pk}: {result.line()}")


class _NotStored(Exception):
    pass


def ingest_from_pipe(raw: bytes, mailbox_code: str) -> str:
    """Store and act on one piped message; the one line to print. Raises _NotStored."""
    try:
        from django.db import DatabaseError

        from atiende.mail.inbound import StoreFailed, ingest
        from atiende.mail.models import InboundEmail, Mailbox
    except Exception as error:  # pragma: no cover - a broken installation
        raise _NotStored(f"startup: {type(error).__name__}") from None
    try:
        mailbox = Mailbox.objects.filter(code=mailbox_code).first()
    except DatabaseError as error:
        raise _NotStored(f"database-unavailable: {_first_line(error)}") from None
    try:
        # An unknown mailbox code is stored too (quarantined): a typo in the
        # mail server's configuration must not lose mail.
        result = ingest(raw, mailbox=mailbox, source=InboundEmail.Source.PIPE, now=timezone.now())
    except StoreFailed as error:
        raise _NotStored(f"database-unavailable: {_first_line(error)}") from None
    except Exception as error:
        # ingest() quarantines what it stored; reaching here means storing failed.
        raise _NotStored(f"{type(error).__name__}: {_first_line(error)}") from None
    return result.line()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
