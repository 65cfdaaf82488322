"""Two server processes see each other's agents on a ticket (collision warning).

Each process runs the production settings: without ``REDIS_URL`` the cache is
files in the data directory, with it Redis; a per-process memory cache would
hide one agent from the other when `atiende serve --workers 2` splits them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from atiende.operations.ports import listening
from conftest import require

REPORT = """
import django, sys
django.setup()
from django.utils import timezone
from atiende.tickets.presence import report_presence
others = report_presence(int(sys.argv[1]), user_id=int(sys.argv[2]), name=sys.argv[3],
                         replying=sys.argv[4] == "yes", now=timezone.now())
print(";".join(f"{p.name}:{p.replying}" for p in others))
"""


def _report_in_new_process(
    env: dict[str, str], ticket: int, user: int, name: str, replying: bool
) -> str:
    done = subprocess.run(
        [sys.executable, "-c", REPORT, str(ticket), str(user), name, "yes" if replying else "no"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize("cache", ["files", "redis"])
def test_an_agent_in_one_process_is_seen_from_another(cache: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atiende.settings",
        "ATIENDE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": "",
    }
    if cache == "redis":
        require(listening(6379), "Redis is not running on 127.0.0.1:6379")
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    ticket = secrets.randbelow(10**9)  # a key no other run uses

    assert _report_in_new_process(env, ticket, 1, "Ana", replying=True) == ""
    assert _report_in_new_process(env, ticket, 2, "Luis", replying=False) == "Ana:True"
