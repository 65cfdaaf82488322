"""Background work for SLA clocks, run by ``atiende worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from atiende.sla.tracking import sweep


@task
def sweep_sla_task() -> int:
    """Record (and escalate) every warning and breach that came due."""
    return len(sweep(now=timezone.now()))
