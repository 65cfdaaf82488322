"""Housekeeping run by the worker's scheduler."""

from __future__ import annotations

from django.db import connection
from django.tasks import task


@task
def refresh_statistics_task() -> str:
    """Keep the query planner's statistics fresh on SQLite.

    SQLite only chooses the queue indexes well once it has statistics;
    ``PRAGMA optimize`` gathers them when they are missing or stale and is
    cheap otherwise. PostgreSQL's autovacuum does this by itself.
    """
    if connection.vendor != "sqlite":
        return "not needed"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    return "optimized"
