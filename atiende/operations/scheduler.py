"""The worker's small scheduler: enqueue periodic tasks when they are due.

Periodic jobs are idempotent (each one looks for what is due and does it), so
when several workers run, an extra enqueue costs a query and changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.tasks import Task
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta


def periodic_jobs() -> list[PeriodicJob]:
    from atiende.mail.tasks import poll_interval, poll_mailboxes_task
    from atiende.operations.tasks import refresh_statistics_task
    from atiende.sla.tasks import sweep_sla_task
    from atiende.tickets.tasks import close_resolved_tickets_task
    from atiende.webhooks.tasks import retry_webhooks_task

    return [
        PeriodicJob("database-statistics", refresh_statistics_task, timedelta(hours=1)),
        PeriodicJob("poll-mailboxes", poll_mailboxes_task, poll_interval()),
        PeriodicJob("sla-sweep", sweep_sla_task, timedelta(minutes=1)),
        PeriodicJob("close-resolved-tickets", close_resolved_tickets_task, timedelta(minutes=15)),
        PeriodicJob("retry-webhooks", retry_webhooks_task, timedelta(minutes=1)),
    ]


def due_jobs(
    jobs: list[PeriodicJob], last_runs: dict[str, datetime], *, now: datetime
) -> list[PeriodicJob]:
    """The jobs never run or last run at least their interval before ``now``."""
    return [
        job for job in jobs if job.name not in last_runs or now - last_runs[job.name] >= job.every
    ]


def run_scheduler(
    stop: threading.Event, *, tick: float = 30.0, clock: Callable[[], datetime] = timezone.now
) -> None:
    jobs = periodic_jobs()
    last_runs: dict[str, datetime] = {}
    while not stop.is_set():
        now = clock()
        for job in due_jobs(jobs, last_runs, now=now):
            try:
                job.task.enqueue()
                last_runs[job.name] = now
            except Exception:  # keep scheduling the others; the log says what failed
                logger.exception("Could not enqueue %s", job.name)
        close_old_connections()
        stop.wait(tick)
