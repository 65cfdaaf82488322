"""Test-suite wiring shared by every app: the real services the tests use.

In CI (CI=true) a test that needs PostgreSQL, Redis or Chromium fails when
the service is missing; on a developer's machine it is skipped with a reason.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("ATIENDE_CHROMIUM", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI, when a real service the test needs is absent."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


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
