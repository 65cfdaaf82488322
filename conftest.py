"""Test-suite wiring shared by every app: the real services the tests use.

In CI (CI=true) a test that needs PostgreSQL, Redis or Chromium fails when
the service is missing; on a developer's machine it is skipped with a reason.
"""

from __future__ import annotations

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
