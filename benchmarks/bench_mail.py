"""Benchmark of email ingestion: messages per second into cases.

Run from the project root (PostgreSQL must accept ``postgres@127.0.0.1:5432``
with trust auth for the PostgreSQL run; Dovecot must be installed for the
IMAP part):

    .venv/bin/python benchmarks/bench_mail.py --database sqlite
    .venv/bin/python benchmarks/bench_mail.py --database postgres
    .venv/bin/python benchmarks/bench_mail.py --database both --write-docs

Options: ``--messages 2000`` (in-process), ``--imap-messages 600``,
``--write-docs`` writes this database's results into the "Email (issue #7)"
section of docs/performance.md (other sections are left alone).

What it does:

1. Creates its own database and never touches a real one: SQLite in a fresh
   data directory under the system temp dir, or the PostgreSQL database
   ``atiende_bench_mail`` (dropped and recreated). Then ``migrate``.
2. Seeds 300 organisations with one contact each and a mailbox.
3. In-process (the code path of ``atiende mail ingest``, minus process
   start-up): ingests a realistic mix one message at a time, each in its own
   transactions as in production: 60 % new cases from known contacts (a
   third with HTML alternatives and quoted history, one in ten with a PNG
   attachment), 30 % replies naming their case in the subject, 10 % exact
   duplicates (re-fetches). Notifications are enqueued for the worker
   (django-tasks-db rows), not sent, as in production.
4. IMAP: starts a throwaway Dovecot on 127.0.0.1, appends the same kind of
   mix to a folder, then times ``poll_mailbox`` (fetch, ingest, move) until
   the folder is empty.
5. Prints messages per second for each path.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from performance_docs import replace_database_block

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "performance.md"
SECTION_TITLE = "## Email (issue #7)"
DB_TITLES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "atiende_bench_mail"  # the only PostgreSQL database this script writes to
SECRET_KEY = "bench-mail-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
CONTACTS = 300
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
SUBJECTS = [
    "No puedo entrar al webmail",
    "El sitio muestra error 500",
    "Certificado SSL vencido",
    "Cambio de registros DNS",
    "La página carga muy lento",
    "No llegan los correos a Gmail",
    "Reactivar servicio suspendido",
    "Error al conectar a la base de datos",
]
BODIES = [
    "Buenos días, desde ayer no podemos ingresar y los clientes nos están llamando.",
    "Adjunto el mensaje de error que aparece en pantalla al intentar guardar cambios.",
    "Ya intentamos borrar la caché del navegador y probar desde otro equipo, sin éxito.",
    "Necesitamos esto resuelto antes del cierre de mes, por favor nos confirman.",
]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], required=True)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--imap-messages", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if args.messages < 100 or args.imap_messages < 0:
        parser.error("need at least 100 messages")
    return args


def prepare_environment(database: str) -> Path:
    data_dir = Path(tempfile.gettempdir()) / f"atiende-bench-mail-{database}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "atiende.settings",
            "ATIENDE_DATA_DIR": str(data_dir),
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "DEFAULT_FROM_EMAIL": "Soporte <soporte@cehis.example>",
        }
    )
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{BENCH_DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    return data_dir


# --- Messages --------------------------------------------------------------------


@dataclass
class Mix:
    rng: random.Random
    contacts: list[str]
    sent: int = 0

    def new_case(self) -> bytes:
        self.sent += 1
        sender = self.rng.choice(self.contacts)
        body = self.rng.choice(BODIES)
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = f"Cliente {self.sent} <{sender}>"
        message["To"] = "soporte@cehis.example"
        message["Subject"] = self.rng.choice(SUBJECTS)
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(f"b{self.sent}", "cliente.example")
        if self.sent % 3 == 0:
            quoted = "\n".join(f"> {line}" for line in BODIES)
            message.set_content(f"{body}\n\nEl lun, 24 nov 2026, Soporte escribió:\n{quoted}\n")
            message.add_alternative(
                f"<p>{body}</p><blockquote>{'<br>'.join(BODIES)}</blockquote>", subtype="html"
            )
        else:
            message.set_content(f"{body}\n\n-- \nCliente {self.sent}\n")
        if self.sent % 10 == 0:
            message.add_attachment(PNG, maintype="image", subtype="png", filename="captura.png")
        return message.as_bytes()

    def reply(self, case: str, requester: str) -> bytes:
        self.sent += 1
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = requester
        message["To"] = "soporte@cehis.example"
        message["Subject"] = f"Re: [#{case}] {self.rng.choice(SUBJECTS)}"
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(f"b{self.sent}", "cliente.example")
        message.set_content(f"{self.rng.choice(BODIES)}\n\n> texto anterior\n")
        return message.as_bytes()

    def batch(self, count: int, cases: list[tuple[str, str]]) -> list[bytes]:
        """``count`` messages: 60 % new, 30 % replies, 10 % re-fetched copies."""
        messages: list[bytes] = []
        for index in range(count):
            roll = index % 10
            if roll < 6 or not cases:
                messages.append(self.new_case())
            elif roll < 9:
                messages.append(self.reply(*self.rng.choice(cases)))
            else:
                messages.append(self.rng.choice(messages))
        return messages


# --- Measuring -------------------------------------------------------------------


@dataclass
class Result:
    path: str
    messages: int
    seconds: float
    outcomes: Counter[str] = field(default_factory=Counter)
    # Milliseconds per message, when measured one by one.
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def latency(self) -> str:
        if not self.latencies:
            return "—"
        ordered = sorted(self.latencies)
        median = statistics.median(ordered)
        p95 = ordered[int(len(ordered) * 0.95)]
        return f"{median:.0f} / {p95:.0f}"


def seed(rng: random.Random) -> tuple[list[str], object]:
    from atiende.accounts.models import Department, Membership, Organisation, User
    from atiende.mail.models import Mailbox

    contacts = []
    for number in range(CONTACTS):
        organisation = Organisation.objects.create(name=f"Empresa {number} S.A.S.")
        user = User.objects.create_user(f"contacto{number}@cliente{number}.example", None)
        Membership.objects.create(user=user, organisation=organisation)
        contacts.append(user.email)
    rng.shuffle(contacts)
    mailbox = Mailbox.objects.create(
        code="soporte",
        address="soporte@cehis.example",
        department=Department.objects.order_by("order").first(),
    )
    return contacts, mailbox


def existing_cases() -> list[tuple[str, str]]:
    from atiende.tickets.models import Ticket

    return [
        (ticket.display_number, ticket.requester.email)
        for ticket in Ticket.objects.select_related("requester").order_by("?")[:500]
    ]


def measure_in_process(mix: Mix, mailbox: object, count: int) -> Result:
    from django.utils import timezone

    from atiende.mail.inbound import ingest
    from atiende.mail.models import InboundEmail

    # Warm-up: the first ticket pays for one-time work (URL and template
    # loading, the triage model) that is no part of the per-message cost.
    warm_up = mix.batch(10, [])
    for raw in warm_up:
        ingest(raw, mailbox=mailbox, source=InboundEmail.Source.PIPE, now=timezone.now())  # type: ignore[arg-type]
    messages = mix.batch(count, existing_cases())
    result = Result("in-process (`atiende mail ingest` code path)", len(messages), 0.0)
    started = time.perf_counter()
    for raw in messages:
        before = time.perf_counter()
        outcome = ingest(
            raw,
            mailbox=mailbox,  # type: ignore[arg-type]
            source=InboundEmail.Source.PIPE,
            now=timezone.now(),
        ).outcome
        result.latencies.append((time.perf_counter() - before) * 1000)
        result.outcomes[outcome] += 1
    result.seconds = time.perf_counter() - started
    return result


def measure_imap(mix: Mix, mailbox: object, count: int) -> Result | None:
    from django.utils import timezone

    sys.path.insert(0, str(ROOT))
    import conftest
    from atiende.mail.imap import poll_mailbox

    if not os.path.exists(conftest.DOVECOT):
        print(f"Dovecot not found at {conftest.DOVECOT}: skipping the IMAP measurement")
        return None
    with conftest.running_dovecot() as dovecot:
        folder = dovecot.new_folder()
        mailbox.imap_host = dovecot.host  # type: ignore[attr-defined]
        mailbox.imap_port = dovecot.port  # type: ignore[attr-defined]
        mailbox.security = "plain"  # type: ignore[attr-defined]
        mailbox.username = "soporte"  # type: ignore[attr-defined]
        mailbox.password = dovecot.password  # type: ignore[attr-defined]
        mailbox.folder = folder  # type: ignore[attr-defined]
        mailbox.archive_folder = f"{folder}-importado"  # type: ignore[attr-defined]
        mailbox.save()  # type: ignore[attr-defined]
        messages = mix.batch(count, existing_cases())
        dovecot.deliver(folder, *messages)
        result = Result("IMAP (Dovecot on 127.0.0.1: fetch, ingest, move)", len(messages), 0.0)
        started = time.perf_counter()
        while True:
            report = poll_mailbox(mailbox, now=timezone.now())  # type: ignore[arg-type]
            if report.error:
                raise SystemExit(f"IMAP poll failed: {report.error}")
            result.outcomes.update(report.outcomes)
            if report.fetched == 0:
                break
        result.seconds = time.perf_counter() - started
        if dovecot.count(folder):
            raise SystemExit("messages left in the folder after polling")
    return result


def version(database: str) -> str:
    import sqlite3

    if database == "sqlite":
        return sqlite3.sqlite_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0]).split()[0]


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    cpu = re.search(
        r"^model name\s*:\s*(.+)$", cpuinfo.read_text() if cpuinfo.exists() else "", re.M
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu.group(1).strip() if cpu else 'unknown CPU'}), "
        f"{platform.platform()}, Python {platform.python_version()}"
    )


def results_table(results: list[Result]) -> str:
    rows = [
        "| path | messages | seconds | messages/s | ms per message (median / p95) | outcomes |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        outcomes = ", ".join(f"{n:,} {name}" for name, n in sorted(result.outcomes.items()))
        rows.append(
            f"| {result.path} | {result.messages:,} | {result.seconds:.1f} | "
            f"**{result.per_second:.0f}** | {result.latency()} | {outcomes} |"
        )
    return "\n".join(rows)


def section_header() -> str:
    return f"""{SECTION_TITLE}

Ingestion throughput of the email channel, measured by `benchmarks/bench_mail.py` on its own
database (SQLite in a temporary data directory, or the PostgreSQL database
`atiende_bench_mail`) with 300 customer contacts and one mailbox. The mix: 60 % mail opening a
new case (a third with an HTML alternative and quoted history, one in ten with a PNG
attachment), 30 % replies naming their case in the subject, 10 % exact copies (re-fetches).
Each message is stored raw, parsed, threaded and filed in its own transactions, exactly as in
production; notifications are queued for the worker (django-tasks-db), not sent. One process,
one message at a time: several workers polling several mailboxes add up. The per-message
latency runs from the raw bytes to the committed outcome (in-process path only); the load
average says how busy the (shared) machine was.

Machine: {machine()}.

Commands (from the project root; PostgreSQL at `postgres://postgres@127.0.0.1:5432`, Dovecot
installed for the IMAP rows):

```sh
.venv/bin/python benchmarks/bench_mail.py --database both --messages 2000 \\
    --imap-messages 600 --write-docs
```
"""


def write_docs(database: str, block: str) -> None:
    """Replace this database's part of the Email section; keep everything else."""
    replace_database_block(
        section_title=SECTION_TITLE,
        header=section_header(),
        database_titles=DB_TITLES,
        database=database,
        block=block,
        docs=DOCS,
    )
    print(f"Wrote the {DB_TITLES[database]} results to {DOCS.relative_to(ROOT)}")


def run(args: argparse.Namespace) -> None:
    database = args.database
    data_dir = prepare_environment(database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data
    contacts, mailbox = seed(rng)
    mix = Mix(rng, contacts)
    results = [measure_in_process(mix, mailbox, args.messages)]
    print(f"  {results[-1].path}: {results[-1].per_second:.0f} messages/s", flush=True)
    if args.imap_messages:
        imap = measure_imap(mix, mailbox, args.imap_messages)
        if imap is not None:
            results.append(imap)
            print(f"  {imap.path}: {imap.per_second:.0f} messages/s", flush=True)
    title = f"{DB_TITLES[database]} {version(database)}"
    table = results_table(results)
    load = os.getloadavg()[0]
    print(f"\n{title} (load average {load:.1f})\n\n{table}")
    if args.write_docs:
        block = (
            f"### {title}\n\nMeasured {datetime.now(UTC):%Y-%m-%d}, load average {load:.1f} "
            f"on {os.cpu_count()} CPUs at the end of the run.\n\n{table}\n"
        )
        write_docs(database, block)
    shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.database != "both":
        run(args)
        return
    # One process per database: Django is set up once per process.
    forwarded = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "both"]
    forwarded = [
        a for a in forwarded if a not in ("--database",) and not a.startswith("--database=")
    ]
    for database in ("sqlite", "postgres"):
        command = [sys.executable, __file__, *forwarded, "--database", database]
        subprocess.run(command, check=True)  # noqa: S603 - ourselves


if __name__ == "__main__":
    main()
