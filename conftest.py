"""Test-suite wiring shared by every app: the real services the tests use.

In CI (CI=true) a test that needs PostgreSQL, Redis or Chromium fails when
the service is missing; on a developer's machine it is skipped with a reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import secrets
import shutil
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.core.cache import cache

from atiende.operations.ports import free_port, wait_for_port

T = TypeVar("T")
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("ATIENDE_CHROMIUM", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI, when a real service the test needs is absent."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out tests written for the other database.

    The suite runs once per database (``./dev test``); a test marked
    ``postgres_only`` belongs to the PostgreSQL run and is not collected in the
    SQLite one (deselected, not skipped: nothing is missing).
    """
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    vendor = "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine
    wrong = {"postgresql": "sqlite_only", "sqlite": "postgres_only"}.get(vendor)
    if wrong is None:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if item.get_closest_marker(wrong) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Login throttling counts attempts in the cache; each test starts afresh.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Re-create the rows data migrations load (calendars, plans, departments, case types).

    Transactional tests (browser tests with a live server) empty every table
    when they finish; the next one puts the reference data back with the
    migrations' own, idempotent functions.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from atiende.accounts.role_groups import sync_role_groups

    for app_label, name in [
        ("sla", "0002_default_calendars"),
        ("services", "0002_seed_support_plans"),
        ("accounts", "0003_default_departments"),
        ("triage", "0002_seed_case_types"),
    ]:
        module = importlib.import_module(f"atiende.{app_label}.migrations.{name}")
        operation = module.Migration.operations[0]
        operation.code(apps, None)
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    sync_role_groups()


@pytest.fixture
def run_async() -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine to completion on a new event loop in a thread of its own.

    Playwright's synchronous API leaves an event loop running on the main
    thread for the rest of the session, where ``asyncio.run`` refuses to start.
    """

    def run(coroutine: Coroutine[Any, Any, T]) -> T:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, coroutine).result()

    return run


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    require(
        shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM),
        f"Chromium not found at {CHROMIUM}",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the
    # tests make around it are plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The application (HTTP and websockets) served by uvicorn in a thread; its URL.

    Django's live_server speaks WSGI only; the live chat needs websockets.
    Static files come from the finders, as in live_server.
    """
    import threading
    import time

    import uvicorn
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from atiende.asgi import websocket_application

    app = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": websocket_application(),
        }
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# --- Email: a real IMAP server (Dovecot) and a real SMTP server (aiosmtpd) ---------

DOVECOT = os.environ.get("ATIENDE_DOVECOT", "/usr/sbin/dovecot")
# A throwaway server's password, new each session.
IMAP_PASSWORD = secrets.token_urlsafe(12)


class DovecotServer:
    """Dovecot on 127.0.0.1 with throwaway users; tests deliver mail by IMAP APPEND."""

    users = ("soporte", "facturacion")
    host = "127.0.0.1"

    def __init__(self, port: int) -> None:
        self.port = port
        self.password = IMAP_PASSWORD
        self._folders = 0

    def client(self, user: str = "soporte") -> object:
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, self.password)
        return client

    def new_folder(self, user: str = "soporte") -> str:
        """A folder no other test uses (the server lives for the whole session)."""
        self._folders += 1
        name = f"prueba{self._folders}"
        with self.client(user) as client:  # type: ignore[attr-defined]
            client.create_folder(name)
        return name

    def deliver(self, folder: str, *messages: bytes, user: str = "soporte") -> None:
        with self.client(user) as client:  # type: ignore[attr-defined]
            for raw in messages:
                client.append(folder, raw)

    def count(self, folder: str, *criteria: str, user: str = "soporte") -> int:
        with self.client(user) as client:  # type: ignore[attr-defined]
            if not client.folder_exists(folder):
                return 0
            client.select_folder(folder, readonly=True)
            return len(client.search(list(criteria) or ["ALL"]))


def _dovecot_config(root: object, port: int) -> str:
    import getpass
    import pwd

    if os.getuid() == 0:
        # Dovecot refuses to run mail processes as root and its login
        # processes as root: mail belongs to "nobody", logins use Debian's
        # dovecot/dovenull users when the package created them.
        mail_user = pwd.getpwnam("nobody")
        known = {entry.pw_name for entry in pwd.getpwall()}
        internal = "dovecot" if "dovecot" in known else "nobody"
        login = "dovenull" if "dovenull" in known else "nobody"
        chroot = ""
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login = getpass.getuser()
        # Without root there is no chroot for the login processes.
        chroot = "service imap-login {\n  chroot =\n}\nservice anvil {\n  chroot =\n}\n"
    os.chown(f"{root}/mail", mail_user.pw_uid, mail_user.pw_gid)
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{chroot}"""


@contextlib.contextmanager
def running_dovecot() -> Iterator[DovecotServer]:
    """Start Dovecot in a temporary directory; stop it and remove everything on exit."""
    import subprocess
    import tempfile
    from pathlib import Path

    # Not pytest's tmp_path: its parent is private (0700) and Dovecot's
    # unprivileged auth and mail processes must reach their files.
    root = Path(tempfile.mkdtemp(prefix="atiende-dovecot-"))
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    root.chmod(0o755)
    port = free_port()
    (root / "passwd").write_text(
        "".join(f"{user}:{{PLAIN}}{IMAP_PASSWORD}\n" for user in DovecotServer.users)
    )
    config = root / "dovecot.conf"
    config.write_text(_dovecot_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if not wait_for_port(port, seconds=10):
            assert process.stderr is not None  # stderr=subprocess.PIPE
            log = root / "dovecot.log"
            raise RuntimeError(
                "Dovecot did not start: "
                + (log.read_text()[-2000:] if log.exists() else "")
                + (process.stderr.read().decode()[-2000:] if process.poll() is not None else "")
            )
        yield DovecotServer(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A Dovecot IMAP server on 127.0.0.1 for the session (skipped locally if not installed)."""
    require(os.path.exists(DOVECOT), f"Dovecot not found at {DOVECOT} (apt install dovecot-imapd)")
    try:
        with running_dovecot() as server:
            yield server
    except RuntimeError as error:
        pytest.fail(str(error))


class CapturedMail:
    """One message the SMTP server accepted."""

    def __init__(self, sender: str, recipients: list[str], raw: bytes) -> None:
        import email
        from email import policy

        self.sender = sender
        self.recipients = recipients
        self.raw = raw
        self.message = email.message_from_bytes(raw, policy=policy.default)

    def __getitem__(self, header: str) -> str:
        value = self.message[header]
        return "" if value is None else str(value)

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        return body.get_content() if body is not None else ""


class SmtpRecorder:
    """aiosmtpd handler: keeps what it receives; can answer "451 try later" a few times."""

    def __init__(self) -> None:
        self.messages: list[CapturedMail] = []
        self.refuse_next = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(
            CapturedMail(
                envelope.mail_from,  # type: ignore[attr-defined]
                list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                envelope.original_content or envelope.content,  # type: ignore[attr-defined]
            )
        )
        return "250 Message accepted"


@pytest.fixture(scope="session")
def _smtp_controller() -> Iterator[tuple[SmtpRecorder, int]]:
    from aiosmtpd.controller import Controller

    recorder = SmtpRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller: tuple[SmtpRecorder, int], settings: object) -> SmtpRecorder:
    """A real SMTP server on 127.0.0.1 that Atiende's mailer sends to during the test."""
    recorder, port = _smtp_controller
    recorder.messages.clear()
    recorder.refuse_next = 0
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    return recorder
