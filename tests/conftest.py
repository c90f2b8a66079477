import json
import os
from pathlib import Path

import pytest

from tests.factories import (
    make_milestone,
    make_roadmap,
    make_sector,
    make_steward,
    make_target,
    make_user,
)


def pytest_sessionstart(session):
    """The pages read the compiled catalogues (locale/*/LC_MESSAGES/django.mo, build output):
    `make test` compiles them first; a bare `pytest` in a fresh clone compiles the missing or
    stale ones here, once, before any xdist worker starts (workers skip it). A broken
    catalogue stops the run naming its file and line."""
    if hasattr(session.config, "workerinput"):
        return
    from resourcing.catalogues import compile_stale

    compile_stale()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request in another language leaves it active in the thread (LocaleMiddleware does not
    reset it): every test starts and ends in English, so factories write English (`title`
    is the active language's column, django-modeltranslation)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def admin_user(db):
    """An administrator: superuser, may do everything."""
    return make_user(username="admin", superuser=True)


@pytest.fixture
def sector_a(db):
    return make_sector(slug="sector-a", name="Sector A", order=1)


@pytest.fixture
def sector_b(db):
    return make_sector(slug="sector-b", name="Sector B", order=2)


@pytest.fixture
def steward_a(sector_a):
    """A consortium staff member who stewards sector A."""
    return make_steward(sector=sector_a, username="steward-a")


@pytest.fixture
def steward_b(sector_b):
    """A consortium staff member of another sector (B)."""
    return make_steward(sector=sector_b, username="steward-b")


@pytest.fixture
def milestone_a(sector_a):
    target = make_target(roadmap=make_roadmap(sector=sector_a), code="A-1")
    return make_milestone(target=target, code="A-1.1")


@pytest.fixture
def anonymous_client(client):
    """An anonymous visitor."""
    return client


# Browser tests: real Chromium from Debian's package, driven by Playwright; never downloaded.
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Playwright waits 30 s by default; a page of the live server (one thread) on a loaded 2-core
# machine has been seen to need more. A longer wait only matters when something is slow.
BROWSER_TIMEOUT_MS = 90_000


class _PatientBrowser:
    """The browser, whose every new context waits up to BROWSER_TIMEOUT_MS."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async guard must be told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield _PatientBrowser(instance)
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/<name>.png."""

    def take(page, name: str) -> Path:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, name: str) -> list[dict]:
        results = axe.run(page)
        violations = results.response["violations"]
        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
        blocking = [v for v in violations if v.get("impact") in ("serious", "critical")]
        assert blocking == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"])
            for v in blocking
        )
        return violations

    return check


@pytest.fixture(autouse=True)
def _clear_page_cache():
    """Cached pages (pagecache) live in process memory: none leaks between tests."""
    from tests.query_counts import empty_page_cache

    empty_page_cache()
    yield
    empty_page_cache()
