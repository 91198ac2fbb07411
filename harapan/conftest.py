"""Shared pytest fixtures: the browser (Playwright driving Debian's Chromium), and a fresh
dashboard cache for every test (its rows are rolled back; its cache would not be)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HARAPAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    from django.core.cache import caches

    caches["reports"].clear()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; `make test` installs it")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run beside one unless told it is safe (it is: one thread).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
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
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    """A page the size of a cheap Android phone (360 × 740 CSS px)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="id-ID"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, not memory (Django's default for tests),
    so that a worker process started by a test sees it (harapan/jobs/tests)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture
def task_worker(transactional_db):
    """A real task worker process on the test database for the test's length."""
    from harapan.testing import running_workers

    with running_workers(1) as (worker,):
        yield worker
