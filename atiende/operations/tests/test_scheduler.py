from datetime import UTC, datetime, timedelta

from atiende.operations.scheduler import due_jobs, periodic_jobs

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_every_job_runs_at_start_then_after_its_interval():
    jobs = periodic_jobs()
    assert {job.name for job in due_jobs(jobs, {}, now=NOW)} == {
        "database-statistics",
        "poll-mailboxes",
        "sla-sweep",
        "close-resolved-tickets",
    }
    last = {job.name: NOW for job in jobs}
    assert due_jobs(jobs, last, now=NOW + timedelta(seconds=59)) == []
    assert [j.name for j in due_jobs(jobs, last, now=NOW + timedelta(minutes=1))] == [
        "poll-mailboxes",
        "sla-sweep",
    ]
