from datetime import UTC, datetime, timedelta

import pytest

from atiende.operations.scheduler import due_jobs, periodic_jobs

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_every_job_runs_at_start_then_after_its_interval():
    jobs = periodic_jobs()
    assert {job.name for job in due_jobs(jobs, {}, now=NOW)} == {
        "database-statistics",
        "poll-mailboxes",
        "sla-sweep",
        "close-resolved-tickets",
        "retry-webhooks",
    }
    last = {job.name: NOW for job in jobs}
    assert due_jobs(jobs, last, now=NOW + timedelta(seconds=59)) == []
    assert [j.name for j in due_jobs(jobs, last, now=NOW + timedelta(minutes=1))] == [
        "poll-mailboxes",
        "sla-sweep",
        "retry-webhooks",
    ]


@pytest.mark.django_db
def test_statistics_job_gives_sqlite_its_planner_statistics():
    from django.db import connection

    from atiende.operations.tasks import refresh_statistics_task
    from atiende.tickets.tests.factories import make_ticket

    make_ticket()
    result = refresh_statistics_task.call()
    if connection.vendor != "sqlite":
        assert result == "not needed"
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tickets_ticket'")
        assert cursor.fetchone()[0] > 0
