"""Issue 14's pages in real Chromium: every public and staff page type with axe-core finding
nothing (no violation of any impact) at 1440 and 360 px, no sideways scrolling at 360 px,
full-page screenshots of both widths in artifacts/screenshots/, and what the sector
dashboard's first screen at 1440 x 900 holds."""

import pytest

from tests.factories import make_steward
from tests.test_browser_public import public_data  # noqa: F401 (the shared fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("public_data"),
]

WIDTHS = (1440, 360)

PUBLIC_PAGES = {
    "overview": ("/", "Roadmaps 2050 for responsible sourcing"),
    "sector-dashboard": ("/sectors/mobility/", "Mobility"),
    "sector-dashboard-snapshot": ("/sectors/mobility/?as_of=2025-06-30", "Mobility"),
    "milestone-list": ("/sectors/mobility/milestones/?overdue=true", "Milestones of Mobility"),
    "milestone-detail": ("/milestones/MOB-1.1/", "MOB-1.1: Due diligence law adopted"),
    "stakeholder-index": ("/stakeholders/", "Stakeholder groups"),
    "stakeholder": (
        "/stakeholders/industry/?due_to=2030-12-31",
        "What the roadmaps ask of Industry actors",
    ),
    "methodology": ("/methodology/", "Methodology"),
    "search": ("/search/?q=battery", "Search"),
    "feeds": ("/feeds/", "Follow the updates"),
    "open-data": ("/data/", None),
    "indicators": ("/indicators/", None),
}

STAFF_PAGES = {
    "login": ("/accounts/login/", "Log in", False),
    "work-queue": ("/staff/", "Work queue", True),
    "update-form": ("/staff/milestones/MOB-1.2/update/", "Update MOB-1.2", True),
}


def _axe_finds_nothing(page, name):
    import json

    from axe_playwright_python.sync_playwright import Axe

    from tests.conftest import ARTIFACTS

    violations = Axe().run(page).response["violations"]
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    )


def _check(browser, screenshot, url, name, heading, login=None):
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        if login:
            context.add_cookies(login)
        page = context.new_page()
        response = page.goto(url)
        assert response.status == 200, url
        if heading:
            assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        assert screenshot(page, f"dashboards-{name}-{width}").exists()
        _axe_finds_nothing(page, f"dashboards-{name}-{width}")
        context.close()


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_browser_public_page_types_have_no_axe_violation_and_no_sideways_scroll(
    live_server, browser, screenshot, name
):
    path, heading = PUBLIC_PAGES[name]
    _check(browser, screenshot, f"{live_server.url}{path}", name, heading)


def _session_cookie(client, user, live_server):
    from django.conf import settings

    client.force_login(user)
    return [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }
    ]


@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_browser_staff_page_types_have_no_axe_violation_and_no_sideways_scroll(
    live_server, browser, screenshot, client, name
):
    from roadmaps.models import Sector

    path, heading, signed_in = STAFF_PAGES[name]
    steward = make_steward(sector=Sector.objects.get(slug="mobility"), username="steward-m")
    login = _session_cookie(client, steward, live_server) if signed_in else None
    _check(browser, screenshot, f"{live_server.url}{path}", f"staff-{name}", heading, login)


def test_browser_sector_dashboard_first_screen_answers_at_a_glance(live_server, page):
    page.goto(f"{live_server.url}/sectors/mobility/?as_of=2025-06-30")

    fold = 900
    for heading in ("How the roadmap is doing", "Overdue and at risk", "Coming next"):
        box = page.get_by_role("heading", name=heading).bounding_box()
        assert box["y"] + box["height"] <= fold, heading
    verdict = page.locator("section.verdict")
    assert verdict.bounding_box()["y"] + verdict.bounding_box()["height"] <= fold
    assert verdict.get_by_role("link", name="How this is computed").is_visible()
    # The over-time chart, the targets and the timeline are labelled images or tables.
    assert page.get_by_role("img", name="Progress over time: Mobility").count() == 1
    assert page.get_by_role("img", name="Milestones on the way to 2050").count() == 1


def test_browser_steward_sees_the_update_link_and_lands_on_the_queue(live_server, page):
    from roadmaps.models import Sector

    make_steward(sector=Sector.objects.get(slug="mobility"), username="steward-m")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("steward-m")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/staff/")

    page.goto(f"{live_server.url}/milestones/MOB-1.2/")
    page.get_by_role("link", name="Update this milestone's status").click()
    page.wait_for_url(f"{live_server.url}/staff/milestones/MOB-1.2/update/")


def test_browser_print_shows_the_date_url_source_and_licence(live_server, page):
    page.goto(f"{live_server.url}/sectors/mobility/?as_of=2025-06-30")
    page.emulate_media(media="print")

    footer = page.locator(".print-footer")
    assert footer.is_visible()
    text = footer.inner_text()
    assert "Data as of 2025-06-30 (UTC)." in text
    assert f"Printed from {live_server.url}/sectors/mobility/?as_of=2025-06-30" in text
    assert "Licence" in text
    assert not page.locator(".site-header .search-box").is_visible()
