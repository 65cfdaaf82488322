"""The scale-out path, running: two app servers, two workers, PostgreSQL, Redis."""

import os

import pytest

from atiende.operations.ports import listening
from atiende.operations.scale_out import report, run_checks, running_cluster
from conftest import require


@pytest.mark.postgres_only
def test_two_app_servers_and_two_workers_share_the_work(tmp_path):
    require(listening(6379), "Redis is not running on 127.0.0.1:6379")
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with running_cluster(
        postgres_server=server,
        redis_url="redis://127.0.0.1:6379/14",
        database="atiende_scale_out_test",
        data_dir=tmp_path,
    ) as cluster:
        checks = run_checks(cluster)
    assert [c.name for c in checks] == [
        "Both app servers answer",
        "A login on web-1 is valid on web-2",
        "A case opened on web-1 is in the queue on web-2",
        "Its confirmation is emailed once, by one of two workers",
        "An agent on web-2 sees that one on web-1 is replying",
        "A visitor on web-1 and an agent on web-2 chat live",
        "With web-1 and worker-1 stopped, web-2 and worker-2 carry on",
    ]
    assert all(c.ok for c in checks), report(checks)
