"""Reading a mailbox over IMAP, one message at a time.

Each message is ingested on its own (``inbound.ingest`` stores and commits
it), and only then moved or flagged on the server: a crash in between means
the message is fetched again next time, and ingesting it again is a no-op.
A message that cannot be handled never stops the ones after it; one larger
than ATIENDE_MAIL_MAX_MESSAGE_MB is not downloaded at all (its headers are
recorded and it is moved or flagged like the others). Only a database that
refuses to store anything stops the poll: the messages stay on the server.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from imapclient import IMAPClient

from atiende.mail.inbound import MB, StoreFailed, ingest, ingest_headers_only
from atiende.mail.models import IMPORTED_KEYWORD, InboundEmail, Mailbox, is_loopback_host

logger = logging.getLogger(__name__)

# Messages handled per poll: a mailbox with a backlog is worked through over
# several polls instead of holding one worker for an hour.
BATCH = 200
TIMEOUT_SECONDS = 60
LEASE = timedelta(minutes=15)
# Marking on the server in small groups keeps the window for a re-fetch small.
MARK_EVERY = 20


class MailboxError(Exception):
    """The mailbox could not be read; ``str(error)`` never contains the password."""


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: bool = False
    error: str = ""

    def summary(self) -> str:
        if self.skipped:
            return f"{self.mailbox}: busy (another poll is running)"
        if self.error:
            return f"{self.mailbox}: error: {self.error}"
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items()))
        return f"{self.mailbox}: {self.fetched} fetched" + (f" ({counts})" if counts else "")


def connect(mailbox: Mailbox) -> IMAPClient:
    """A logged-in IMAP connection to ``mailbox``."""
    if mailbox.security == Mailbox.Security.PLAIN and not is_loopback_host(mailbox.imap_host):
        raise MailboxError("unencrypted IMAP is only allowed to 127.0.0.1")
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.port,
        ssl=mailbox.security == Mailbox.Security.TLS,
        ssl_context=context,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, mailbox.password)
    except Exception:
        _close(client)
        raise
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # already gone: nothing left to close
        logger.debug("IMAP logout failed", exc_info=True)


def _safe_error(error: BaseException, mailbox: Mailbox) -> str:
    text = f"{type(error).__name__}: {error}"
    if mailbox.password:
        text = text.replace(mailbox.password, "***")
    return text[:500]


def _take_lease(mailbox: Mailbox, now: datetime) -> bool:
    return bool(
        Mailbox.objects.filter(pk=mailbox.pk)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
        .update(poll_lease_until=now + LEASE)
    )


def poll_mailbox(mailbox: Mailbox, *, now: datetime) -> PollReport:
    """Fetch, ingest and then move or flag the mailbox's new messages."""
    report = PollReport(mailbox.code)
    if not _take_lease(mailbox, now):
        report.skipped = True
        return report
    error = ""
    try:
        client = connect(mailbox)
        try:
            _poll(client, mailbox, report, now=now)
        finally:
            _close(client)
    except StoreFailed as failure:
        error = f"database: {failure}"[:500]
    except Exception as failure:
        error = _safe_error(failure, mailbox)
        logger.warning("Mailbox %s: %s", mailbox.code, error)
    finally:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            poll_lease_until=None, last_polled_at=now, last_error=error
        )
    report.error = error
    return report


def _poll(client: IMAPClient, mailbox: Mailbox, report: PollReport, *, now: datetime) -> None:
    client.select_folder(mailbox.folder)
    move = mailbox.after_import == Mailbox.AfterImport.MOVE
    if move:
        if not client.folder_exists(mailbox.archive_folder):
            client.create_folder(mailbox.archive_folder)
        uids = client.search(["NOT", "DELETED"])
    else:
        uids = client.search(["UNKEYWORD", IMPORTED_KEYWORD, "NOT", "DELETED"])
    uids = sorted(uids)[:BATCH]
    if not uids:
        return
    sizes = {
        uid: data.get(b"RFC822.SIZE", 0)
        for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()
    }
    cap = settings.ATIENDE_MAIL_MAX_MESSAGE_MB * MB
    done: list[int] = []
    for uid in uids:
        if uid not in sizes:
            continue  # deleted by someone else meanwhile
        try:
            result = _ingest_one(client, mailbox, uid, sizes[uid], cap, now=now)
        except StoreFailed:
            _mark(client, mailbox, done, move=move)
            raise
        except Exception:
            # A message that breaks our code (not its parsing, which is
            # quarantined inside ingest) stays unmarked and is retried next poll.
            logger.exception("Mailbox %s: message UID %s failed", mailbox.code, uid)
            report.outcomes["failed"] += 1
            continue
        if result is None:
            continue
        report.fetched += 1
        report.outcomes[result] += 1
        done.append(uid)
        if len(done) >= MARK_EVERY:
            _mark(client, mailbox, done, move=move)
            done = []
    _mark(client, mailbox, done, move=move)


def _ingest_one(
    client: IMAPClient, mailbox: Mailbox, uid: int, size: int, cap: int, *, now: datetime
) -> str | None:
    if size > cap:
        data = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid)
        if data is None:
            return None
        headers = data.get(b"BODY[HEADER]", b"")
        return ingest_headers_only(
            headers, size=size, mailbox=mailbox, now=now, imap_uid=uid
        ).outcome
    data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
    if data is None:
        return None
    raw = data.get(b"BODY[]", b"")
    return ingest(
        raw, mailbox=mailbox, source=InboundEmail.Source.IMAP, now=now, imap_uid=uid
    ).outcome


def _mark(client: IMAPClient, mailbox: Mailbox, uids: list[int], *, move: bool) -> None:
    """Move or flag messages whose outcome is committed."""
    if not uids:
        return
    if move:
        if client.has_capability("MOVE"):
            client.move(uids, mailbox.archive_folder)
        else:
            client.copy(uids, mailbox.archive_folder)
            client.delete_messages(uids)
            if client.has_capability("UIDPLUS"):
                client.expunge(uids)
            else:
                client.expunge()
    else:
        client.add_flags(uids, [b"\\Seen", IMPORTED_KEYWORD.encode()])


# How long one IDLE lasts before it is renewed (RFC 2177 asks for less than
# 29 minutes); each renewal also polls, which catches anything IDLE missed.
IDLE_RENEW = timedelta(minutes=5)


def watch_mailbox(
    mailbox: Mailbox,
    *,
    stop: threading.Event,
    clock: Callable[[], datetime] = timezone.now,
    renew: timedelta = IDLE_RENEW,
) -> int:
    """Read new mail the moment the server announces it (IMAP IDLE).

    Enters IDLE, polls once, then waits; when the server reports a change (or
    the IDLE is due for renewal) it does the same again. Returns the number of polls when
    ``stop`` is set, or 0 at once if the server does not support IDLE (the
    worker's scheduled polling covers those mailboxes).
    """
    client = connect(mailbox)
    polls = 0
    try:
        if b"IDLE" not in client.capabilities():
            return 0
        client.select_folder(mailbox.folder, readonly=True)
        while not stop.is_set():
            # IDLE first, then poll (on a connection of its own): mail arriving
            # after the poll is announced, mail arriving before it is read by
            # it; none can slip between the two.
            client.idle()
            try:
                poll_mailbox(mailbox, now=clock())
                polls += 1
                # Give the database connection back while waiting, possibly minutes.
                close_old_connections()
                waited = timedelta(0)
                # Short checks so that ``stop`` is noticed within a second.
                while not stop.is_set() and waited < renew:
                    if client.idle_check(timeout=1):
                        break
                    waited += timedelta(seconds=1)
            finally:
                client.idle_done()
    finally:
        _close(client)
    return polls


def watch_all_mailboxes(
    stop: threading.Event, *, retry: timedelta = timedelta(minutes=1)
) -> list[threading.Thread]:
    """One IDLE watcher thread per active IMAP mailbox; each restarts after an error."""

    def run(mailbox: Mailbox) -> None:
        while not stop.is_set():
            try:
                if watch_mailbox(mailbox, stop=stop) == 0 and not stop.is_set():
                    return  # no IDLE on this server: the scheduled polling reads it
            except Exception as error:  # the server went away: try again later
                logger.warning("Mailbox %s IDLE: %s", mailbox.code, _safe_error(error, mailbox))
            stop.wait(retry.total_seconds())

    threads = []
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host=""):
        thread = threading.Thread(
            target=run, args=(mailbox,), daemon=True, name=f"idle-{mailbox.code}"
        )
        thread.start()
        threads.append(thread)
    return threads
