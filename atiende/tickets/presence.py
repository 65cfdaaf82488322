"""Who else has a ticket open in the console right now (collision warning).

Each agent's ticket page reports every few seconds that it is open, and
whether the agent is typing a reply. Presence lives in the cache (Redis when
scaled out, so every app server sees it) and fades by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

PRESENCE_TTL = timedelta(seconds=45)


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    replying: bool
    seen_at: datetime


def _key(ticket_id: int) -> str:
    return f"ticket-presence:{ticket_id}"


def report_presence(
    ticket_id: int, *, user_id: int, name: str, replying: bool, now: datetime
) -> list[Presence]:
    """Record that ``user_id`` has the ticket open; return the *other* agents present."""
    entries: dict[int, tuple[str, bool, float]] = cache.get(_key(ticket_id)) or {}
    cutoff = (now - PRESENCE_TTL).timestamp()
    entries = {uid: entry for uid, entry in entries.items() if entry[2] >= cutoff}
    entries[user_id] = (name, replying, now.timestamp())
    cache.set(_key(ticket_id), entries, timeout=int(PRESENCE_TTL.total_seconds()) * 2)
    return [
        Presence(uid, entry[0], entry[1], datetime.fromtimestamp(entry[2], tz=now.tzinfo))
        for uid, entry in sorted(entries.items())
        if uid != user_id
    ]
