"""Housekeeping run by the worker's scheduler."""

from __future__ import annotations

from django.db import connection
from django.tasks import task


@task
def refresh_statistics_task() -> str:
    """Keep the query planner's statistics fresh on SQLite.

    SQLite only chooses the queue indexes well once it has statistics, and
    never gathers them by itself. ``analysis_limit`` samples each index
    instead of reading it whole, so this takes well under a second even on a
    large database. PostgreSQL's autovacuum does this by itself.
    """
    if connection.vendor != "sqlite":
        return "not needed"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return "analysed"
