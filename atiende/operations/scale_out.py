"""Atiende scaled out on one machine: two app servers, two workers, PostgreSQL, Redis.

    python -m atiende.operations.scale_out [--postgres URL] [--redis URL] [--keep-running]

Starts the processes a scaled-out installation runs, each an ordinary
``atiende`` command with the same environment (one PostgreSQL database, one
Redis, one ``SECRET_KEY``), and shows over real HTTP and SMTP what makes them
interchangeable:

1. both app servers answer;
2. a customer logs in on one server and is still logged in on the other
   (sessions live in the database);
3. a case opened on server 1 is in the agents' queue on server 2;
4. its confirmation email is sent once, by one of the two workers (each task
   is claimed by one worker);
5. an agent on server 2 is warned that an agent on server 1 is writing a reply
   (presence in the shared Redis cache);
6. a visitor chatting through server 1 reads, live, what an agent on server 2
   answers (the Redis channel layer);
7. with server 1 and worker 1 stopped, server 2 and worker 2 carry on: a new
   case opens and its email goes out.

Outgoing mail goes to an SMTP server started here (aiosmtpd, from the test
dependencies: run it from the environment ``./dev test`` installs). The
database named by ``--database`` is dropped and created again.
Framework-free on purpose: this process only starts others and talks HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from atiende.operations.ports import free_port, wait_for_port

DEMO_PASSWORD = "atiende-demo"  # noqa: S105 - the demo data's documented password
CUSTOMER = "luna@tiendaluna.example"
AGENTS = ("agente1@atiende.example", "agente2@atiende.example")
AGENT_NAMES = {"agente1@atiende.example": "Camilo Herrera"}
CASE_NUMBER = re.compile(r"\b(\d{4}-\d{4})\b")
OPEN_OFFICE_HOURS = (
    "from atiende.services.models import SupportPlan; from atiende.sla.models import Calendar; "
    "SupportPlan.objects.filter(level=1).update("
    "calendar=Calendar.objects.get_or_create(name='24/7 (scale-out demo)', always_open=True)[0])"
)


# --- Mail sink ------------------------------------------------------------------


@dataclass
class SentMail:
    recipients: list[str]
    subject: str
    text: str


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[SentMail] = []
        self.port = free_port()
        self._controller: object | None = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(
            envelope.original_content or envelope.content,  # type: ignore[attr-defined]
            policy=policy.default,
        )
        body = message.get_body(preferencelist=("plain", "html"))
        self.messages.append(
            SentMail(
                list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                str(message["subject"]),
                body.get_content() if body is not None else "",  # type: ignore[union-attr]
            )
        )
        return "250 Message accepted"

    def start(self) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            sys.exit("aiosmtpd is missing: run this from the environment `./dev test` installs.")
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()  # type: ignore[attr-defined]

    def about(self, number: str) -> list[SentMail]:
        return [m for m in self.messages if number in m.subject or number in m.text]


# --- The processes --------------------------------------------------------------


@dataclass
class Cluster:
    env: dict[str, str]
    data_dir: Path
    mail: MailSink
    web_ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, server: str, path: str) -> str:
        return f"http://127.0.0.1:{self.web_ports[server]}{path}"

    def stop(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def recreate_database(postgres_server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _atiende(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "atiende", *args], env=env, stdout=out, stderr=out
        )


@contextlib.contextmanager
def running_cluster(
    *, postgres_server: str, redis_url: str, database: str, data_dir: Path | None = None
) -> Iterator[Cluster]:
    """Two ``atiende serve`` and two ``atiende worker`` processes; always stopped after."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="atiende-scale-out-"))
    mail = MailSink()
    mail.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atiende.settings",
        "DATABASE_URL": f"{postgres_server}/{database}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        # One machine: the processes share the data directory (uploads). Across
        # machines that directory must be shared storage.
        "ATIENDE_DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "DEFAULT_FROM_EMAIL": "Soporte <soporte@atiende.example>",
    }
    cluster = Cluster(env=env, data_dir=data_dir, mail=mail)
    log = data_dir / "processes.log"
    try:
        recreate_database(postgres_server, database)
        for command in (
            ("demo", "--no-serve"),
            # Office hours round the clock, so the chat check runs at any hour.
            ("shell", "-c", OPEN_OFFICE_HOURS),
            ("collectstatic", "--noinput", "-v", "0"),
        ):
            if _atiende(env, *command, log=log).wait() != 0:
                raise RuntimeError(f"atiende {command[0]} failed:\n{log.read_text()[-3000:]}")
        for name in ("web-1", "web-2"):
            port = free_port()
            cluster.web_ports[name] = port
            cluster.processes[name] = _atiende(
                env, "serve", "--no-collectstatic", "--port", str(port), log=log
            )
        for name in ("worker-1", "worker-2"):
            cluster.processes[name] = _atiende(env, "worker", "--no-mail-watch", log=log)
        for name, port in cluster.web_ports.items():
            if not wait_for_port(port, seconds=60):
                raise RuntimeError(f"{name} did not start:\n{log.read_text()[-3000:]}")
        yield cluster
    finally:
        for name in list(cluster.processes):
            cluster.stop(name)
        mail.stop()


# --- A person with a browser (cookies, forms) ------------------------------------


class Visitor:
    """Cookies and forms over plain HTTP, like a browser without JavaScript."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()  # one jar: cookies ignore ports
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str, str]:
        """Status, final URL (after redirects) and body."""
        try:
            with self._opener.open(url, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def submit(
        self, url: str, fields: dict[str, str], *, page_url: str = ""
    ) -> tuple[int, str, str]:
        """Open the page with the form (``page_url``, else ``url``), then post ``fields``
        to ``url`` with the page's CSRF token."""
        _, _, page = self.get(page_url or url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", **fields}
        request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode())  # noqa: S310 - our own http:// URLs
        try:
            with self._opener.open(request, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def log_in(self, cluster: Cluster, server: str, email: str) -> bool:
        _, landed, _ = self.submit(
            cluster.url(server, "/accounts/login/"), {"login": email, "password": DEMO_PASSWORD}
        )
        return "/accounts/login/" not in landed


def first_option(page: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>\s*<option value="([^"]+)"', page)
    if match is None:
        raise RuntimeError(f"The form has no {name!r} choices")
    return match.group(1)


def open_case(visitor: Visitor, cluster: Cluster, server: str, subject: str) -> str:
    """A customer opens a case through the client area; its case number."""
    url = cluster.url(server, "/clientes/tickets/nuevo/")
    _, _, form = visitor.get(url)
    status, landed, page = visitor.submit(
        url,
        {
            "organisation": first_option(form, "organisation"),
            "department": first_option(form, "department"),
            "subject": subject,
            "body": "Desde esta mañana el sitio responde con error 500 en todas las páginas.",
        },
    )
    found = CASE_NUMBER.search(page)
    if status != 200 or "/recibido/" not in landed or found is None:
        raise RuntimeError(f"Opening a case failed: {status} {landed}")
    return found.group(1)


# --- The checks -----------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def wait_for_mail(mail: MailSink, number: str, *, seconds: float = 60) -> list[SentMail]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not mail.about(number):
        time.sleep(0.2)
    time.sleep(3)  # long enough for a second worker to send a duplicate, if it would
    return mail.about(number)


def run_checks(cluster: Cluster) -> list[Check]:
    checks: list[Check] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append(Check(name, ok, detail))

    statuses = {name: Visitor().get(cluster.url(name, "/"))[0] for name in cluster.web_ports}
    check("Both app servers answer", set(statuses.values()) == {200}, str(statuses))

    customer = Visitor()
    logged_in = customer.log_in(cluster, "web-1", CUSTOMER)
    status, landed, _ = customer.get(cluster.url("web-2", "/clientes/tickets/"))
    check(
        "A login on web-1 is valid on web-2",
        logged_in and status == 200 and "/accounts/login/" not in landed,
        f"logged in on web-1: {logged_in}; web-2 answered {status} at {landed}",
    )

    number = open_case(customer, cluster, "web-1", "Sitio caído tras la actualización")
    agents = {email: Visitor() for email in AGENTS}
    agents[AGENTS[0]].log_in(cluster, "web-1", AGENTS[0])
    agents[AGENTS[1]].log_in(cluster, "web-2", AGENTS[1])
    _, _, queue = agents[AGENTS[1]].get(cluster.url("web-2", "/consola/tickets/?cola=open"))
    check(
        "A case opened on web-1 is in the queue on web-2",
        number in queue,
        f"case {number}",
    )

    sent = [m for m in wait_for_mail(cluster.mail, number) if CUSTOMER in m.recipients]
    check(
        "Its confirmation is emailed once, by one of two workers",
        len(sent) == 1,
        f"{len(sent)} message(s) to {CUSTOMER} about {number}",
    )

    digits = number.replace("-", "")
    agents[AGENTS[0]].get(cluster.url("web-1", f"/consola/tickets/{digits}/presencia/?replying=1"))
    _, _, warning = agents[AGENTS[1]].get(
        cluster.url("web-2", f"/consola/tickets/{digits}/presencia/")
    )
    writer = AGENT_NAMES[AGENTS[0]]
    check(
        "An agent on web-2 sees that one on web-1 is replying",
        writer in warning,
        f"web-2 shows: {' '.join(warning.split())[:160] or '(nothing)'}",
    )

    # A loop of its own in a thread of its own: the caller may be running one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        heard = pool.submit(asyncio.run, chat_across_servers(cluster, agents[AGENTS[1]])).result()
    check(
        "A visitor on web-1 and an agent on web-2 chat live",
        heard == "Hola, soy Daniela. ¿En qué le ayudo?",
        f"the visitor read: {heard or '(nothing)'}",
    )

    cluster.stop("web-1")
    cluster.stop("worker-1")
    second = open_case(customer, cluster, "web-2", "No puedo entrar al correo")
    sent = [m for m in wait_for_mail(cluster.mail, second) if CUSTOMER in m.recipients]
    check(
        "With web-1 and worker-1 stopped, web-2 and worker-2 carry on",
        len(sent) == 1,
        f"case {second} opened on web-2; {len(sent)} confirmation(s) sent",
    )
    return checks


async def chat_across_servers(cluster: Cluster, agent: Visitor) -> str:
    """A visitor's websocket on web-1, the agent's desk on web-2; what the visitor reads.

    Each server has its own consumers; only the shared Redis channel layer
    carries the agent's words from web-2 to the visitor's socket on web-1.
    """
    import websockets

    _, _, started = Visitor().submit(
        cluster.url("web-1", "/chat/iniciar/"),
        {"kind": "sales", "name": "Ana", "email": "ana@example.com", "message": "Hola"},
        page_url=cluster.url("web-1", "/chatear-con-ventas/"),
    )
    token = json.loads(started)["token"]
    session = next(c.value for c in agent.cookies if c.name == "sessionid")

    def socket(server: str, path: str, **headers: str):  # type: ignore[no-untyped-def]
        port = cluster.web_ports[server]
        return websockets.connect(
            f"ws://127.0.0.1:{port}{path}",
            origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
            additional_headers=headers,
            open_timeout=20,
        )

    async def next_of(ws, kind: str, sender: str = "") -> dict:  # type: ignore[no-untyped-def]
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if message["type"] == kind and (not sender or message["message"]["sender"] == sender):
                return message

    async with (
        socket("web-1", f"/ws/chat/{token}/") as visitor_ws,
        socket("web-2", "/ws/chat/consola/", Cookie=f"sessionid={session}") as desk,
    ):
        await next_of(visitor_ws, "history")
        conversation = (await next_of(desk, "desk"))["conversations"][0]["id"]
        await desk.send(json.dumps({"type": "accept", "conversation": conversation}))
        await next_of(desk, "conversation")
        words = "Hola, soy Daniela. ¿En qué le ayudo?"
        await desk.send(
            json.dumps({"type": "message", "conversation": conversation, "body": words})
        )
        heard = await next_of(visitor_ws, "message", sender="agent")
        return str(heard["message"]["body"])


def report(checks: list[Check]) -> str:
    return "\n".join(f"{'ok  ' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database", default="atiende_scale_out")
    parser.add_argument(
        "--keep-running", action="store_true", help="After the checks, serve until Ctrl+C."
    )
    args = parser.parse_args(argv)
    with running_cluster(
        postgres_server=args.postgres, redis_url=args.redis, database=args.database
    ) as cluster:
        servers = ", ".join(f"{n} http://127.0.0.1:{p}/" for n, p in cluster.web_ports.items())
        print("Running:", servers)
        print("          worker-1, worker-2; log:", cluster.data_dir / "processes.log")
        checks = run_checks(cluster)
        print(report(checks))
        if args.keep_running:
            print("web-2 and worker-2 keep running; Ctrl+C stops them.")
            with contextlib.suppress(KeyboardInterrupt):
                cluster.processes["web-2"].wait()
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
