"""The three RE-SOURCING sector dashboards with the product's data in real Chromium: the whole
page in about two screens at 1440 x 900 (at most 1,800 px tall), the first screen holding the
verdict, what is late and what comes next; no sideways scrolling at 360 px; axe-core finding
nothing at either width; printable; full-page screenshots of both widths in
artifacts/screenshots/."""

import pytest
from django.core.management import call_command

from tests.test_browser_dashboards import _axe_finds_nothing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTORS = {
    "renewable-energy": "Renewable Energy",
    "mobility": "Mobility",
    "electronics": "Electric & Electronic Equipment",
}
SCREEN = 900
TWO_SCREENS = 1800


@pytest.fixture
def real_data():
    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)


def _bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize("slug", list(SECTORS))
def test_browser_real_dashboard_fits_two_screens_and_reads_at_both_widths(
    live_server, browser, screenshot, real_data, slug
):
    url = f"{live_server.url}/sectors/{slug}/"

    wide = browser.new_context(viewport={"width": 1440, "height": SCREEN})
    page = wide.new_page()
    assert page.goto(url).status == 200
    assert page.locator("h1").inner_text() == SECTORS[slug]
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= TWO_SCREENS, (slug, height)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    # The first screen: the verdict with its reason, the top overdue or at-risk items and
    # what comes next, each list with its link to the full list.
    verdict = page.locator("section.verdict")
    assert _bottom(verdict) <= SCREEN
    assert verdict.locator(".verdict-reason").is_visible()
    for heading in ("Overdue and at risk", "Coming next"):
        section = page.locator("section.panel", has=page.get_by_role("heading", name=heading))
        assert _bottom(section) <= SCREEN, heading
    assert page.get_by_role("link", name="All open milestones due from").is_visible()
    # Then progress over time and the timeline, the targets with their indicators, the groups.
    assert page.get_by_role("img", name=f"Progress over time: {SECTORS[slug]}").is_visible()
    assert page.get_by_role("img", name="Milestones on the way to 2050").is_visible()
    assert page.locator("tr.indicator-row").count() >= 1
    assert page.get_by_role("heading", name="Stakeholder groups").is_visible()
    assert screenshot(page, f"real-dashboard-{slug}-1440").exists()
    _axe_finds_nothing(page, f"real-dashboard-{slug}-1440")
    wide.close()

    narrow = browser.new_context(viewport={"width": 360, "height": SCREEN})
    page = narrow.new_page()
    assert page.goto(url).status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert screenshot(page, f"real-dashboard-{slug}-360").exists()
    _axe_finds_nothing(page, f"real-dashboard-{slug}-360")
    narrow.close()


def test_browser_real_dashboard_prints_on_one_page_width(live_server, page, real_data):
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server.url}/sectors/mobility/?as_of=2025-06-30")
    page.emulate_media(media="print")

    assert page.evaluate("document.documentElement.scrollWidth") <= 794
    assert page.locator(".print-footer").is_visible()
    assert "Data as of 2025-06-30 (UTC)." in page.locator(".print-footer").inner_text()
    assert page.locator("section.verdict").is_visible()
    assert page.locator("table.targets-grid").is_visible()
    # The folded status breakdown prints its counts (its summary line).
    assert page.locator("#breakdown-section-title").is_visible()
    assert not page.locator(".compact-reuse").is_visible()
    assert not page.locator(".as-of-form").is_visible()
