"""SLA breach sweep over a million open tickets on PostgreSQL.

    .venv/bin/python benchmarks/bench_sla_sweep.py [--tickets 1000000] [--due 5000] [--reuse]

Creates its own database ``atiende_bench_sla`` on the PostgreSQL at
``BENCH_POSTGRES`` (default postgres://postgres@127.0.0.1:5432), loads open
tickets with COPY (each with an alert schedule; ``--due`` of them have an
alert due now), then times ``atiende.sla.tracking.sweep``: the first sweep
records and queues the due alerts, the second finds nothing to do. It also
prints the plan PostgreSQL chooses for the sweep's query.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DB = "atiende_bench_sla"
ROOT = Path(__file__).resolve().parent.parent


def setup_django(server: str) -> None:
    import psycopg

    os.environ["DATABASE_URL"] = f"{server}/{BENCH_DB}"
    os.environ.setdefault("ATIENDE_DATA_DIR", str(ROOT / "var" / "bench-sla"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "atiende.settings"
    # Tasks are only counted here, not sent.
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    sys.path.insert(0, str(ROOT))
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    import django

    django.setup()
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def seed(total: int, due: int, now: datetime) -> float:
    from django.db import connection

    from atiende.accounts.models import Department, Membership, Organisation, User
    from atiende.services.models import Service, SupportPlan

    with connection.cursor() as cursor:
        # Deleting a million rows through the ORM's cascade collector takes
        # ages; the bench database is ours to empty.
        cursor.execute("TRUNCATE tickets_ticket CASCADE")
    organisation, _ = Organisation.objects.get_or_create(name="Bench S.A.S.")
    user = User.objects.filter(email="bench@example.com").first() or User.objects.create_user(
        "bench@example.com", "x"
    )
    Membership.objects.get_or_create(user=user, organisation=organisation)
    plans = list(SupportPlan.objects.order_by("level"))
    services = [
        Service.objects.get_or_create(
            organisation=organisation,
            name=f"Servicio {plan.level}",
            defaults={"product_type": "vps", "plan": plan, "started_on": now.date()},
        )[0]
        for plan in plans
    ]
    department = Department.objects.order_by("order").first()
    assert department is not None
    columns = [
        "number",
        "subject",
        "organisation_id",
        "requester_id",
        "service_id",
        "plan_id",
        "department_id",
        "impact",
        "status",
        "channel",
        "created_at",
        "updated_at",
        "first_response_due",
        "resolution_due",
        "due_at",
        "sla_schedule",
        "next_alert_at",
        "message_count",
        "out_of_scope",
        "needs_triage",
        "case_type_set_by",
    ]
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
    numbers = rng.sample(range(10_000_000, 99_999_999), total)
    due_rows = set(rng.sample(range(total), due))
    started = time.perf_counter()
    batch = 100_000
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor: COPY is the fast path for a million rows
        for offset in range(0, total, batch):
            buffer = io.StringIO()
            for index in range(offset, min(offset + batch, total)):
                service = services[index % len(services)]
                created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 5))
                if index in due_rows:
                    alert = now - timedelta(seconds=rng.randint(1, 600))
                else:
                    alert = now + timedelta(minutes=rng.randint(5, 60 * 24 * 10))
                deadline = alert + timedelta(hours=1)
                schedule = json.dumps(
                    [
                        [alert.isoformat(), "first_response", "warning", deadline.isoformat()],
                        [deadline.isoformat(), "first_response", "breach", deadline.isoformat()],
                    ]
                )
                row = [
                    str(numbers[index]),
                    f"Caso {index}",
                    str(organisation.pk),
                    str(user.pk),
                    str(service.pk),
                    str(service.plan_id),
                    str(department.pk),
                    "medium",
                    "open",
                    "portal",
                    created.isoformat(),
                    created.isoformat(),
                    deadline.isoformat(),
                    (deadline + timedelta(days=1)).isoformat(),
                    deadline.isoformat(),
                    schedule,
                    alert.isoformat(),
                    "1",
                    "f",
                    "f",
                    "",
                ]
                buffer.write("\t".join(value.replace("\\", "\\\\") for value in row) + "\n")
            with raw.copy(f"COPY tickets_ticket ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        cursor.execute("ANALYZE tickets_ticket")
    return time.perf_counter() - started


def explain(now: datetime) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id, sla_schedule, next_alert_at FROM tickets_ticket "
            "WHERE next_alert_at <= %s ORDER BY next_alert_at LIMIT 500 FOR UPDATE SKIP LOCKED",
            [now],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true", help="Keep the tickets already loaded.")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    setup_django(args.server)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from atiende.sla.models import SlaAlert
    from atiende.sla.tracking import sweep
    from atiende.tickets.models import Ticket

    now = datetime.now(UTC).replace(microsecond=0)
    if not args.reuse or Ticket.objects.count() != args.tickets:
        SlaAlert.objects.all().delete()
        seconds = seed(args.tickets, args.due, now)
        print(f"loaded {args.tickets:,} open tickets in {seconds:.1f} s")
    print(explain(now))
    started = time.perf_counter()
    recorded = sweep(now=now)
    first = time.perf_counter() - started
    idle = []
    for _ in range(20):
        started = time.perf_counter()
        sweep(now=now)
        idle.append(time.perf_counter() - started)
    print(f"open tickets: {Ticket.objects.count():,}")
    print(
        f"sweep with {args.due:,} due: {first * 1000:.0f} ms, {len(recorded):,} alerts recorded "
        f"({len(recorded) / first:,.0f} alerts/s)"
    )
    print(
        f"sweep with nothing due: median {statistics.median(idle) * 1000:.2f} ms, "
        f"max {max(idle) * 1000:.2f} ms over {len(idle)} runs"
    )


if __name__ == "__main__":
    main()
