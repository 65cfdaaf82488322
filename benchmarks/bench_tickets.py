"""HTTP benchmark of the ticket pages with a realistic 100,000-ticket help desk.

Run from the project root (PostgreSQL must accept ``postgres@127.0.0.1:5432``
with trust auth for the PostgreSQL run):

    .venv/bin/python benchmarks/bench_tickets.py --database postgres
    .venv/bin/python benchmarks/bench_tickets.py --database sqlite
    .venv/bin/python benchmarks/bench_tickets.py --database both --write-docs

Options: ``--tickets 100000 --messages-per-ticket 5 --requests 300
--concurrency 4``; ``--reuse`` keeps an already seeded bench database (to
iterate on measurements); ``--profile`` also prints, per page, the SQL
queries of one in-process request with the plan of the slowest one;
``--write-docs`` writes this database's results into the "Tickets" section
of docs/performance.md.

What it does:

1. Creates its own database and never touches a real one: SQLite in a fresh
   data directory under the system temp dir (``ATIENDE_DATA_DIR``), or the
   PostgreSQL database ``atiende_bench`` (dropped and recreated). Then
   ``migrate``.
2. Seeds with ``bulk_create`` in large batches rows shaped like the ticket
   actions write them: ~3,000 organisations with 1-2 contacts and 1-3
   services on plans 1/2/3, 20 agents (Agents group, members of
   departments), and N tickets over the last two years (~85% closed, ~5%
   resolved, ~10% new/open/pending/on hold, ~40% of those assigned), each
   with its conversation (customer and agent alternating, a few internal
   notes), its "created" and status-change events, and the SLA deadlines,
   alert schedule and past alerts that ``refresh_deadlines`` and the sweep
   would have written.
3. Collects static files once and starts the real application with
   ``atiende serve --no-collectstatic`` (uvicorn, ``--workers`` processes, one
   by default; DEBUG off) on a free port.
4. Logs in an agent and a customer contact with about 20 tickets by creating
   sessions in this process (``Client.force_login``) and sending their
   ``sessionid`` cookie.
5. Requests each page from ``--concurrency`` threads over keep-alive
   connections (``http.client``), fails on any response other than 200, and
   prints requests, median and p95 latency and requests per second.
6. Stops the server, also on errors.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from performance_docs import replace_database_block

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "performance.md"
SECTION_TITLE = "## Tickets (issue #3)"
DB_TITLES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "atiende_bench"  # the only PostgreSQL database this script writes to
SECRET_KEY = "bench-tickets-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
PASSWORD = "bench-password-1234"  # noqa: S105 - every seeded account's, hashed once
TARGET_P95_MS = 150.0

ORGANISATIONS = 3_000
AGENTS = 20
YEARS = 2

NAME_STARTS = ["Comercial", "Inversiones", "Grupo", "Tienda", "Clínica", "Colegio"]
NAME_ENDS = ["Andina", "del Valle", "Pacífico", "Caribe", "Central", "del Norte"]
SUBJECTS = [
    "No puedo entrar al webmail",
    "El sitio muestra error 500",
    "Solicitud de restauración de copia de seguridad",
    "Certificado SSL vencido",
    "Cambio de registros DNS",
    "La página carga muy lento",
    "No llegan los correos a Gmail",
    "Reporte de pago de la renovación",
    "Reactivar servicio suspendido",
    "Error al conectar a la base de datos",
    "Ataque de fuerza bruta al WordPress",
    "Bloqueo de IP en el firewall",
    "Cambiar contraseña del panel",
    "Cómo crear una cuenta de correo",
    "Solicitud de logs de acceso",
    "Intermitencia en el servicio",
    "Cotización de servidor dedicado",
    "Error de licencia de cPanel",
    "Borré archivos por accidente",
    "Migración de sitio desde otro proveedor",
]
CUSTOMER_TEXT = [
    "Buenos días, desde ayer no podemos ingresar y los clientes nos están llamando.",
    "Adjunto el mensaje de error que aparece en pantalla al intentar guardar cambios.",
    "Ya intentamos borrar la caché del navegador y probar desde otro equipo, sin éxito.",
    "Necesitamos esto resuelto antes del cierre de mes, por favor nos confirman.",
    "Gracias por la respuesta, hicimos lo indicado pero el problema continúa.",
    "Perfecto, ya quedó funcionando. Muchas gracias por la ayuda.",
]
AGENT_TEXT = [
    "Hola, gracias por escribirnos. Estamos revisando el servidor donde está alojado su sitio.",
    "Encontramos que la IP de su oficina quedó bloqueada por intentos fallidos; ya la liberamos.",
    "Le compartimos los pasos para configurar la cuenta en su cliente de correo.",
    "Restauramos la copia de seguridad de anoche; por favor verifique que todo esté en orden.",
    "El certificado ya fue renovado y el sitio carga con HTTPS sin advertencias.",
    "Quedamos atentos a sus comentarios para cerrar el caso.",
]
NOTE_TEXT = [
    "Revisado en el servidor: el proceso de PHP se reinició a las 03:00.",
    "Cliente con historial de pagos atrasados; confirmar con facturación antes de reactivar.",
    "Escalado a infraestructura para revisar el balanceador.",
]


# --- Command line and environment ---------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], required=True)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300, help="per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=3, help="random seed for the data")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench DB")
    parser.add_argument("--profile", action="store_true", help="print each page's SQL queries")
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    if args.tickets < 100 or args.messages_per_ticket < 1 or args.concurrency < 1:
        parser.error("need at least 100 tickets, 1 message per ticket and 1 client thread")
    return args


def data_dir_for(database: str) -> Path:
    """The bench's own data directory (SQLite file, static files, server log)."""
    return Path(tempfile.gettempdir()) / f"atiende-bench-{database}"


def bench_environment(database: str, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atiende.settings",
        "ATIENDE_DATA_DIR": str(data_dir),
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if database == "postgres":
        env["DATABASE_URL"] = f"{POSTGRES_SERVER}/{BENCH_DATABASE}"
    else:
        env.pop("DATABASE_URL", None)  # the default: SQLite in ATIENDE_DATA_DIR
    return env


def recreate_postgres_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def postgres_version() -> str:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except Exception:  # only for the report
        return "unavailable"
    return str(row[0]).split()[0] if row else "unknown"


def machine() -> dict[str, str]:
    import sqlite3

    cpuinfo = Path("/proc/cpuinfo")
    meminfo = Path("/proc/meminfo")
    cpu = re.search(
        r"^model name\s*:\s*(.+)$", cpuinfo.read_text() if cpuinfo.exists() else "", re.M
    )
    memory = re.search(
        r"^MemTotal:\s*(\d+) kB", meminfo.read_text() if meminfo.exists() else "", re.M
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu.group(1).strip() if cpu else "unknown CPU",
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": postgres_version(),
    }


# --- Seeding -------------------------------------------------------------------


@dataclass
class SeedReport:
    organisations: int = 0
    contacts: int = 0
    services: int = 0
    agents: int = 0
    tickets: int = 0
    messages: int = 0
    events: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    database_size_mb: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


class Stopwatch:
    def __init__(self, report: SeedReport) -> None:
        self.report = report

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.report.seconds[name] = round(time.perf_counter() - started, 1)
        print(f"  {name}: {self.report.seconds[name]:.1f} s", flush=True)


def seed(args: argparse.Namespace, now: datetime) -> SeedReport:
    """Fill the fresh bench database. Row shapes follow atiende.tickets.actions."""
    from django.db import connection, transaction

    report = SeedReport()
    watch = Stopwatch(report)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data
    print(f"Seeding {args.tickets:,} tickets × {args.messages_per_ticket} messages…", flush=True)
    with watch.phase("people, organisations, services"), transaction.atomic():
        people = _seed_people(rng, now, report)
    with watch.phase("tickets, messages, events"):
        _seed_tickets(rng, args, now, people, report)
    postgres = connection.vendor == "postgresql"
    with watch.phase("analyze" if postgres else "checkpoint"), connection.cursor() as cursor:
        if postgres:
            # What autovacuum reaches shortly after a bulk load.
            cursor.execute("VACUUM ANALYZE")
        else:
            # What atiende worker's hourly statistics job runs on SQLite.
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    report.database_size_mb = database_size_mb()
    print(f"Seeded in {report.total_seconds:.1f} s ({report.database_size_mb:,.0f} MB)")
    return report


@dataclass
class People:
    agents: list[Any]
    agents_by_department: dict[int, list[Any]]
    # organisation id → (contacts, services)
    organisations: dict[int, tuple[list[Any], list[Any]]]
    weights: list[float]


def _seed_people(rng: random.Random, now: datetime, report: SeedReport) -> People:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from atiende.accounts.models import Department, Membership, Organisation, User
    from atiende.accounts.roles import Role, grant_role
    from atiende.services.models import Service, SupportPlan

    password = make_password(PASSWORD)
    since = now - timedelta(days=365 * (YEARS + 1))
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{rng.choice(NAME_STARTS)} {rng.choice(NAME_ENDS)} {i} S.A.S.",
                tax_id=f"900{i:06d}-{i % 10}",
                email=f"facturacion@empresa{i}.example.com",
                created_at=since + timedelta(days=rng.uniform(0, 365)),
            )
            for i in range(ORGANISATIONS)
        ],
        batch_size=1_000,
    )
    users, memberships, owners = [], [], []
    for organisation in organisations:
        for n in range(rng.choice([1, 1, 2])):
            users.append(
                User(
                    email=f"contacto{n}@empresa{organisation.pk}.example.com",
                    full_name=f"Contacto {n} Empresa {organisation.pk}",
                    password=password,
                    date_joined=organisation.created_at,
                )
            )
            owners.append((organisation, n == 0))
    agents = [
        User(
            email=f"agente{i}@bench.example.com",
            full_name=f"Agente {i}",
            password=password,
            date_joined=since,
        )
        for i in range(AGENTS)
    ]
    users = User.objects.bulk_create(users, batch_size=2_000)
    agents = User.objects.bulk_create(agents)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in [*users, *agents]
        ],
        batch_size=2_000,
    )
    for user, (organisation, is_admin) in zip(users, owners, strict=True):
        memberships.append(
            Membership(
                user=user, organisation=organisation, is_admin=is_admin, created_at=user.date_joined
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=2_000)

    plans = {plan.level: plan for plan in SupportPlan.objects.all()}
    product_types = [choice for choice, _label in Service.ProductType.choices]
    services = []
    for organisation in organisations:
        for _n in range(rng.choice([1, 1, 2, 3])):
            services.append(
                Service(
                    organisation=organisation,
                    name=f"Hosting {len(services) + 1}",
                    product_type=rng.choice(product_types),
                    identifier=f"sitio{len(services) + 1}.example.com",
                    plan=plans[rng.choices([1, 2, 3], weights=[60, 30, 10])[0]],
                    started_on=organisation.created_at.date(),
                )
            )
    services = Service.objects.bulk_create(services, batch_size=2_000)

    # Agents work departments: most in support, a few in billing and sales.
    departments = {d.code: d for d in Department.objects.all()}
    members = {"soporte": agents[:14], "facturacion": agents[12:17], "ventas": agents[17:]}
    agents_by_department: dict[int, list[Any]] = {}
    for code, department in departments.items():
        department_agents = members.get(code, agents)
        department.members.add(*department_agents)
        agents_by_department[department.pk] = department_agents
    for agent in agents:
        grant_role(agent, Role.AGENT)

    by_organisation: dict[int, tuple[list[Any], list[Any]]] = {
        organisation.pk: ([], []) for organisation in organisations
    }
    for membership in memberships:
        by_organisation[membership.organisation_id][0].append(membership.user)
    for service in services:
        by_organisation[service.organisation_id][1].append(service)
    report.organisations = len(organisations)
    report.contacts = len(users)
    report.services = len(services)
    report.agents = len(agents)
    return People(
        agents=agents,
        agents_by_department=agents_by_department,
        organisations=by_organisation,
        # A few big customers open many cases, most open a handful.
        weights=[rng.paretovariate(1.6) for _ in organisations],
    )


def _pick_status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return "closed"
    if roll < 0.90:
        return "resolved"
    return rng.choices(["new", "open", "pending", "on_hold"], weights=[25, 40, 20, 15])[0]


@dataclass
class Story:
    """One ticket's life: its conversation and status changes, as the actions record them."""

    messages: list[tuple[str, Any, bool, str, str, datetime]]  # kind, author, staff, body, …
    changes: list[tuple[datetime, str, str]]  # (at, before, after) status events
    first_response_at: datetime | None
    awaiting_reply_since: datetime | None


def _story(
    rng: random.Random,
    *,
    status: str,
    count: int,
    created: datetime,
    end: datetime,
    requester: Any,
    agent: Any,
    channel: str,
) -> Story:
    messages = []
    for i in range(count):
        at = created + (end - created) * (i / max(count - 1, 1))
        agent_turn = i % 2 == 1 or (status == "pending" and i == count - 1 and i > 0)
        if not agent_turn:
            kind, author, staff, texts = "reply", requester, False, CUSTOMER_TEXT
        elif rng.random() < 0.1:
            kind, author, staff, texts = "note", agent, True, NOTE_TEXT
        else:
            kind, author, staff, texts = "reply", agent, True, AGENT_TEXT
        body = "\n\n".join(rng.sample(texts, k=min(len(texts), rng.randint(1, 3))))
        messages.append((kind, author, staff, body, channel if i == 0 else "portal", at))
    # What add_message does: an agent's reply answers (and opens a new case),
    # a customer's message after the first response waits for the next one.
    changes: list[tuple[datetime, str, str]] = []
    first_response_at = awaiting = None
    current = "new"
    for kind, _author, staff, _body, _channel, at in messages:
        if staff and kind == "reply":
            first_response_at = first_response_at or at
            awaiting = None
            if current == "new":
                changes.append((at, "new", "open"))
                current = "open"
        elif not staff and first_response_at is not None and awaiting is None:
            awaiting = at
    last = messages[-1][5]
    reached = "resolved" if status == "closed" else status
    if current != reached:
        changes.append((last, current, reached))
    if status == "closed":
        changes.append((last + timedelta(days=7), "resolved", "closed"))
    return Story(messages, changes, first_response_at, awaiting)


def _seed_tickets(
    rng: random.Random, args: argparse.Namespace, now: datetime, people: People, report: SeedReport
) -> None:
    from django.db import transaction

    from atiende.accounts.models import Department
    from atiende.services.models import SupportPlan
    from atiende.sla.models import SlaAlert
    from atiende.tickets.actions import derive
    from atiende.tickets.models import Message, Ticket, TicketEvent
    from atiende.triage.models import CaseType

    plans = {
        plan.pk: plan
        for plan in SupportPlan.objects.select_related("calendar").prefetch_related(
            "targets", "channels", "calendar__intervals", "calendar__special_days"
        )
    }
    case_types = list(CaseType.objects.all())
    case_type_weights = [
        4 if case_type.impact == "low" else 2 if case_type.impact == "medium" else 1
        for case_type in case_types
    ]
    default_department = Department.objects.order_by("order").first()
    assert default_department is not None
    channels = ["portal", "email", "chat", "phone", "api"]
    channel_weights = [50, 30, 10, 8, 2]
    organisation_ids = list(people.organisations)
    organisation_weights = list(itertools.accumulate(people.weights))
    numbers = rng.sample(range(10_000_000, 100_000_000), args.tickets)
    open_statuses = {"new", "open", "pending", "on_hold"}
    statuses: Counter[str] = Counter()
    chunk = 5_000

    for first in range(0, args.tickets, chunk):
        tickets, stories, alerts = [], [], []
        for number in numbers[first : first + chunk]:
            status = _pick_status(rng)
            statuses[status] += 1
            organisation_id = rng.choices(organisation_ids, cum_weights=organisation_weights)[0]
            contacts, services = people.organisations[organisation_id]
            service = rng.choice(services)
            case_type = (
                rng.choices(case_types, weights=case_type_weights)[0]
                if rng.random() < 0.85
                else None
            )
            department_id = case_type.department_id if case_type else default_department.pk
            channel = rng.choices(channels, weights=channel_weights)[0]
            if status == "closed":
                created = now - timedelta(days=rng.uniform(13, 365 * YEARS))
                end = created + timedelta(hours=rng.uniform(1, 120))
            elif status == "resolved":
                end = now - timedelta(days=rng.uniform(0.01, 7))
                created = end - timedelta(hours=rng.uniform(1, 120))
            else:  # open cases are recent, most of them very recent
                created = now - timedelta(days=30 * rng.random() ** 2, minutes=5)
                end = created + (now - created) * rng.uniform(0.2, 0.9)
            department_agents = people.agents_by_department[department_id]
            assignee = None
            if rng.random() < (0.4 if status in open_statuses else 0.9):
                assignee = rng.choice(department_agents)
            story = _story(
                rng,
                status=status,
                count=1 if status == "new" else args.messages_per_ticket,
                created=created,
                end=end,
                requester=rng.choice(contacts),
                agent=assignee or rng.choice(department_agents),
                channel=channel,
            )
            ticket = Ticket(
                number=str(number),
                subject=rng.choice(SUBJECTS),
                organisation_id=organisation_id,
                requester=story.messages[0][1],
                service=service,
                plan=plans[service.plan_id],
                department_id=department_id,
                case_type=case_type,
                case_type_set_by="customer" if case_type else "",
                impact=case_type.impact if case_type else "low",
                status="new",
                channel=channel,
                assignee=assignee,
                created_at=created,
                updated_at=story.messages[-1][5],
                message_count=len(story.messages),
            )
            derive(ticket, changes=[])  # as open_ticket
            ticket.status = status
            ticket.first_response_at = story.first_response_at
            ticket.awaiting_reply_since = story.awaiting_reply_since
            for at, _before, after in story.changes:
                ticket.updated_at = max(ticket.updated_at, at)
                if after == "resolved":
                    ticket.resolved_at = at
                elif after == "closed":
                    ticket.closed_at = at
            derive(ticket, changes=story.changes)  # as the last action
            # The worker's sweep has already recorded the alerts that came due.
            past = [a for a in ticket.sla_schedule if datetime.fromisoformat(a[0]) <= now]
            ticket.sla_schedule = ticket.sla_schedule[len(past) :]
            ticket.next_alert_at = (
                datetime.fromisoformat(ticket.sla_schedule[0][0]) if ticket.sla_schedule else None
            )
            tickets.append(ticket)
            stories.append(story)
            alerts.append(past)
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=chunk)
            messages = [
                Message(
                    ticket_id=ticket.pk,
                    kind=kind,
                    author=author,
                    from_staff=staff,
                    body=body,
                    channel=channel,
                    created_at=at,
                )
                for ticket, story in zip(tickets, stories, strict=True)
                for kind, author, staff, body, channel, at in story.messages
            ]
            Message.objects.bulk_create(messages, batch_size=4_000)
            events = [
                TicketEvent(
                    ticket_id=ticket.pk,
                    actor_id=ticket.requester_id,
                    kind="created",
                    at=ticket.created_at,
                    data={"channel": ticket.channel},
                )
                for ticket in tickets
            ] + [
                TicketEvent(
                    ticket_id=ticket.pk,
                    actor_id=None if after == "closed" else ticket.assignee_id,
                    kind="status",
                    at=at,
                    data={"before": before, "after": after},
                )
                for ticket, story in zip(tickets, stories, strict=True)
                for at, before, after in story.changes
            ]
            TicketEvent.objects.bulk_create(events, batch_size=chunk)
            SlaAlert.objects.bulk_create(
                [
                    SlaAlert(
                        ticket_id=ticket.pk,
                        target=target,
                        kind=kind,
                        due_at=datetime.fromisoformat(due),
                        at=datetime.fromisoformat(at),
                        recorded_at=datetime.fromisoformat(at),
                    )
                    for ticket, past in zip(tickets, alerts, strict=True)
                    for at, target, kind, due in past
                ]
            )
        report.tickets += len(tickets)
        report.messages += len(messages)
        report.events += len(events)
        if report.tickets % 25_000 == 0 or report.tickets == args.tickets:
            print(f"    {report.tickets:,} tickets", flush=True)
    report.statuses = dict(sorted(statuses.items(), key=lambda item: -item[1]))


def database_size_mb() -> float:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 1024 / 1024
    name = Path(settings.DATABASES["default"]["NAME"])
    return sum(p.stat().st_size for p in name.parent.glob(name.name + "*")) / 1024 / 1024


# --- The server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str], data_dir: Path, workers: int) -> Iterator[int]:
    """``atiende serve`` in a subprocess; yields its port and always stops it."""
    port = free_port()
    log_path = data_dir / "server.log"
    command = [
        str(Path(sys.executable).with_name("atiende")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-collectstatic",
        "--workers",
        str(workers),
    ]
    print("Starting:", " ".join(command[1:]), f"(log: {log_path})", flush=True)
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_answering(server, port, log_path)
            yield port
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_answering(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server exited:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer within 60 s:\n{log_path.read_text()[-3000:]}")


# --- Measuring -----------------------------------------------------------------


@dataclass
class Page:
    name: str
    who: str  # "agent" or "customer"
    paths: list[str]
    queue: bool = False  # an agent queue page, held to the target

    @property
    def shown_path(self) -> str:
        if len(self.paths) == 1:
            return self.paths[0]
        return re.sub(r"/\d{8}/", "/<number>/", self.paths[0])


@dataclass
class Result:
    page: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    per_second: float
    kilobytes: float
    queries: int | None = None
    queue: bool = False
    single_median_ms: float | None = None  # one client at a time: the server's own time


def measure(port: int, cookie: str, page: Page, requests: int, concurrency: int) -> Result:
    """GET the page's paths ``requests`` times from ``concurrency`` keep-alive connections."""
    headers = {"Cookie": f"sessionid={cookie}", "Accept-Language": "es"}
    lock = threading.Lock()
    tickets = itertools.count()
    latencies: list[float] = []
    sizes: list[int] = []
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        try:
            while True:
                with lock:
                    i = next(tickets)
                if i >= requests or failures:
                    break
                path = page.paths[i % len(page.paths)]
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200:
                    failures.append(f"GET {path} → {response.status} {response.reason}")
                sizes.append(len(body))
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        except Exception as error:  # reported below, then we fail
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{page.name}: {len(failures)} failed requests, e.g. {failures[0]}")
    if len(latencies) != requests:
        raise SystemExit(f"{page.name}: {len(latencies)} of {requests} requests answered")
    ms = sorted(latency * 1000 for latency in latencies)
    return Result(
        page=page.name,
        path=page.shown_path,
        requests=requests,
        median_ms=statistics.median(ms),
        p95_ms=statistics.quantiles(ms, n=20, method="inclusive")[-1],
        per_second=requests / elapsed,
        kilobytes=statistics.mean(sizes) / 1024,
        queue=page.queue,
    )


def pick_people_and_pages(
    args: argparse.Namespace, rng: random.Random
) -> tuple[Any, Any, list[Page]]:
    from django.db.models import Count

    from atiende.accounts.models import Membership, User
    from atiende.tickets.models import Ticket

    agent = User.objects.get(email="agente0@bench.example.com")
    per_organisation = (
        Ticket.objects.values("organisation").annotate(n=Count("pk")).order_by("organisation")
    )
    organisation, tickets = min(
        ((row["organisation"], row["n"]) for row in per_organisation),
        key=lambda pair: (abs(pair[1] - 20), pair[0]),
    )
    customer = (
        Membership.objects.filter(organisation_id=organisation).order_by("pk").first().user  # type: ignore[union-attr]
    )
    print(f"Agent {agent.email}; customer {customer.email} ({tickets} tickets)")
    numbers = list(
        Ticket.objects.filter(message_count=args.messages_per_ticket)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    sample = rng.sample(numbers, k=min(len(numbers), args.requests))
    pages = [
        Page("Agent queue: all open", "agent", ["/consola/tickets/?cola=open"], queue=True),
        Page("Agent queue: unassigned", "agent", ["/consola/tickets/?cola=unassigned"], queue=True),
        Page(
            "Agent queue: all open, page 2",
            "agent",
            ["/consola/tickets/?cola=open&page=2"],
            queue=True,
        ),
        Page(
            f"Ticket page ({args.messages_per_ticket} messages)",
            "agent",
            [f"/consola/tickets/{number}/" for number in sample],
        ),
        Page("Customer ticket list (all)", "customer", ["/clientes/tickets/?estado=todos"]),
    ]
    return agent, customer, pages


def session_cookie(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def profile_queries(page: Page, user: Any, explain: bool) -> int:
    """Run the page once in-process; print its queries and the slowest one's plan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(page.paths[0])  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.paths[0])
    assert response.status_code == 200, response.status_code
    if not explain:
        return len(captured)
    total = sum(float(query["time"]) for query in captured)
    print(f"\n### {page.name}: {len(captured)} queries, {total * 1000:.1f} ms in SQL")
    for query in sorted(captured, key=lambda q: -float(q["time"]))[:3]:
        print(f"- {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")
    slowest = max(captured, key=lambda q: float(q["time"]))["sql"]
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + slowest)
        for row in cursor.fetchall():
            print("   ", " | ".join(str(cell) for cell in row))
    return len(captured)


# --- Reporting -----------------------------------------------------------------


def results_table(results: list[Result]) -> str:
    lines = [
        "| Page | Path | Requests | Median ms | p95 ms | Requests/s "
        "| Median ms, 1 client | SQL queries | KB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        single = f"{r.single_median_ms:.1f}" if r.single_median_ms is not None else "—"
        queries = r.queries if r.queries is not None else "—"
        lines.append(
            f"| {r.page} | `{r.path}` | {r.requests} | {r.median_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.per_second:.1f} | {single} | {queries} | {r.kilobytes:.0f} |"
        )
    return "\n".join(lines)


def verdict(results: list[Result]) -> str:
    queue = [r for r in results if r.queue]
    worst = max(queue, key=lambda r: r.p95_ms)
    met = worst.p95_ms < TARGET_P95_MS
    return (
        f"Target {'met' if met else '**missed**'}: worst agent queue p95 {worst.p95_ms:.0f} ms "
        f"({worst.page}) against {TARGET_P95_MS:.0f} ms."
    )


def seeding_summary(report: SeedReport) -> str:
    phases = "; ".join(f"{name}: {seconds:.1f} s" for name, seconds in report.seconds.items())
    statuses = ", ".join(f"{status} {n:,}" for status, n in report.statuses.items())
    return (
        f"{report.tickets:,} tickets ({statuses}), {report.messages:,} messages, "
        f"{report.events:,} events, {report.organisations:,} organisations with "
        f"{report.contacts:,} contacts and {report.services:,} services, {report.agents} agents. "
        f"Seeded in **{report.total_seconds:.0f} s** ({phases}); database "
        f"{report.database_size_mb:,.0f} MB."
    )


def database_block(
    database: str,
    version: str,
    args: argparse.Namespace,
    report: SeedReport,
    results: list[Result],
    load: tuple[float, float],
) -> str:
    return (
        f"### {DB_TITLES[database]} {version}\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d}. {seeding_summary(report)}\n\n"
        f"{args.requests} requests per page, {args.concurrency} client threads with keep-alive "
        f"connections, {_workers(args)}; 1-minute load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after the measurements:\n\n"
        f"{results_table(results)}\n\n"
        f"{verdict(results)}\n"
    )


def _workers(args: argparse.Namespace) -> str:
    return f"{args.workers} uvicorn worker{'s' if args.workers != 1 else ''}"


def section_header(info: dict[str, str], args: argparse.Namespace) -> str:
    options = (
        f"--tickets {args.tickets} --messages-per-ticket {args.messages_per_ticket} "
        f"--requests {args.requests} --concurrency {args.concurrency}"
        + (f" --workers {args.workers}" if args.workers != 1 else "")
    )
    return f"""{SECTION_TITLE}

The ticket pages over HTTP with {args.tickets:,} tickets of {args.messages_per_ticket} messages,
measured by `benchmarks/bench_tickets.py`. The script seeds its own database (SQLite in a
temporary data directory, or the PostgreSQL database `atiende_bench`), starts the application
with `atiende serve --no-collectstatic` ({_workers(args)}, `DEBUG` off, the default
settings: on PostgreSQL a pool of up to `DATABASE_POOL_SIZE` = 10 connections per process),
logs in an agent and a customer contact with about 20 tickets, and
requests each page from {args.concurrency} threads over keep-alive connections; every response
must be a 200. Latencies are client-side, from sending the request to reading the whole body.
"Median ms, 1 client" is measured first, with a single connection: the time the server needs
per request. Each uvicorn worker serves Django's synchronous views from a thread per request,
but Python runs one of them at a time, so with {args.concurrency} clients and {_workers(args)}
a request mostly waits for the ones ahead of it.

**Target:** the agent queue page (`/consola/tickets/?cola=open`) answers with a p95 under
{TARGET_P95_MS:.0f} ms with 100,000 tickets, on PostgreSQL and on SQLite.

Machine: {info["nproc"]} CPUs ({info["cpu"]}), {info["memory"]} RAM, {info["os"]};
Python {info["python"]}, SQLite {info["sqlite"]}, PostgreSQL {info["postgres"]}. The machine
was shared with other work while measuring; each run notes the load average.

Commands (from the project root; PostgreSQL at `{POSTGRES_SERVER}`, trust auth):

```sh
.venv/bin/python benchmarks/bench_tickets.py --database postgres {options} --write-docs
.venv/bin/python benchmarks/bench_tickets.py --database sqlite {options} --write-docs
```

`--reuse` keeps an already seeded bench database; `--profile` prints each page's SQL queries
and the plan of the slowest one.
"""


def write_docs(database: str, block: str, args: argparse.Namespace) -> None:
    """Replace this database's part of the Tickets section; keep everything else."""
    replace_database_block(
        section_title=SECTION_TITLE,
        header=section_header(machine(), args),
        database_titles=DB_TITLES,
        database=database,
        block=block,
        docs=DOCS,
    )
    print(f"Wrote the {DB_TITLES[database]} results to {DOCS.relative_to(ROOT)}")


# --- Main ----------------------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    database = args.database
    data_dir = data_dir_for(database)
    seed_file = data_dir / "seed.json"
    if not args.reuse:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgres":
            recreate_postgres_database()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(database, data_dir)
    os.environ.update(env)
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from atiende.tickets.models import Ticket

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    existing = Ticket.objects.count()
    if args.reuse and existing == args.tickets and seed_file.exists():
        report = SeedReport(**json.loads(seed_file.read_text()))
        print(f"Reusing {existing:,} tickets (seeded in {report.total_seconds:.0f} s)")
    elif existing:
        raise SystemExit(
            f"The bench database has {existing:,} tickets, not {args.tickets:,}; "
            "run without --reuse to seed it again."
        )
    else:
        report = seed(args, timezone.now())
        seed_file.write_text(json.dumps(asdict(report)))
    call_command("collectstatic", interactive=False, verbosity=0)

    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data
    agent, customer, pages = pick_people_and_pages(args, rng)
    users = {"agent": agent, "customer": customer}
    queries = {page.name: profile_queries(page, users[page.who], args.profile) for page in pages}
    cookies = {who: session_cookie(user) for who, user in users.items()}
    connection.close()  # the server is the only user while measuring

    results = []
    load_before = os.getloadavg()[0]
    with running_server(env, data_dir, args.workers) as port:
        for page in pages:
            # One client first: warms the server up and shows the time per request alone.
            single = measure(port, cookies[page.who], page, min(30, args.requests), 1)
            result = measure(port, cookies[page.who], page, args.requests, args.concurrency)
            result.queries = queries[page.name]
            result.single_median_ms = single.median_ms
            results.append(result)
            print(
                f"  {page.name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
                f"{result.per_second:.1f}/s",
                flush=True,
            )

    load = (load_before, os.getloadavg()[0])
    version = postgres_version() if database == "postgres" else machine()["sqlite"]
    print(f"\n{DB_TITLES[database]} {version}\n\n{results_table(results)}\n\n{verdict(results)}")
    print(f"1-minute load average: {load[0]:.1f} before, {load[1]:.1f} after")
    if args.write_docs:
        block = database_block(database, version, args, report, results, load)
        write_docs(database, block, args)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.database != "both":
        run(args)
        return
    # One process per database: Django is set up once per process.
    forwarded = [arg for arg in (argv if argv is not None else sys.argv[1:])]
    for database in ("postgres", "sqlite"):
        command = [sys.executable, __file__, *_replace_database(forwarded, database)]
        subprocess.run(command, check=True)  # noqa: S603 - ourselves


def _replace_database(argv: list[str], database: str) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--database":
            skip = True
            continue
        if not arg.startswith("--database="):
            out.append(arg)
    return [*out, "--database", database]


if __name__ == "__main__":
    main()
