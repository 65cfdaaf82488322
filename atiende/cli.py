"""The ``atiende`` command: the few things a user runs, plus every manage.py command.

atiende demo            migrate, load demo data, serve on 127.0.0.1:8000
atiende serve           serve with uvicorn (ASGI)
atiende worker          run background tasks
atiende <command>       any Django management command (migrate, createsuperuser…)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def manage(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(list(argv))


def main() -> None:
    manage(["atiende", *sys.argv[1:]])
