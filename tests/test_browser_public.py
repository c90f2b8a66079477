"""Public pages in real Chromium: axe-core on every page type at 1440 and 360 px wide, full-page
screenshots, and a keyboard-only visitor applying a filter."""

import datetime

import pytest

from roadmaps.models import Provenance, Status
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
    make_theme,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 360)


@pytest.fixture
def public_data():
    industry = make_group(slug="industry", name="Industry actors", order=1)
    policy = make_group(slug="policy-makers", name="Policy makers", order=2)
    make_group(slug="civil-society", name="Civil society", order=3)
    environment = make_theme(slug="environment", name="Environmental", order=1)
    social = make_theme(slug="social", name="Social", order=2)
    author = make_user(username="steward", first_name="Sam", last_name="Steward", staff=True)
    for order, (slug, name, prefix) in enumerate(
        [("mobility", "Mobility", "MOB"), ("electronics", "Electronics", "EEE")], start=1
    ):
        sector = make_sector(slug=slug, name=name, order=order)
        roadmap = make_roadmap(sector=sector, source_url="https://example.org/roadmap")
        first = make_target(
            roadmap=roadmap,
            theme=environment,
            code=f"{prefix}-1",
            title="Responsible sourcing by design",
        )
        second = make_target(
            roadmap=roadmap, theme=social, code=f"{prefix}-2", title="Fair and safe work"
        )
        achieved = make_milestone(
            target=first,
            code=f"{prefix}-1.1",
            due_date=datetime.date(2024, 12, 31),
            status=Status.ACHIEVED,
            groups=[policy],
            title="Due diligence law adopted",
        )
        make_history(
            achieved,
            (Status.IN_PROGRESS, Status.ACHIEVED, "2024-07-01", "Adopted by the Council"),
            author=author,
            evidence_url="https://example.org/evidence",
        )
        make_milestone(
            target=first,
            code=f"{prefix}-1.2",
            due_date=datetime.date(2025, 3, 31),
            status=Status.AT_RISK,
            groups=[industry],
            title="Battery passport",
        )
        make_milestone(
            target=second,
            code=f"{prefix}-2.1",
            due_date=datetime.date(2030, 12, 31),
            status=Status.IN_PROGRESS,
            groups=[industry, policy],
            title="Recycled content quota",
        )
        make_milestone(
            target=second,
            code=f"{prefix}-2.2",
            due_date=datetime.date(2035, 12, 31),
            provenance=Provenance.ILLUSTRATIVE,
            title="Worker councils everywhere",
        )
        make_milestone(
            target=second,
            code=f"{prefix}-2.3",
            due_date=datetime.date(2022, 12, 31),
            status=Status.DISCONTINUED,
            title="Voluntary label",
        )


PAGES = {
    "overview": ("/", "Roadmaps 2050 for responsible sourcing"),
    "sector-dashboard": ("/sectors/mobility/?as_of=2025-06-30", "Mobility"),
    "milestone-list": ("/sectors/mobility/milestones/", "Milestones of Mobility"),
    "milestone-detail": ("/milestones/MOB-1.1/", "MOB-1.1: Due diligence law adopted"),
    "stakeholder": ("/stakeholders/industry/", "What the roadmaps ask of Industry actors"),
    "404": ("/sectors/atlantis/", "Page not found"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_browser_public_page_is_accessible_at_both_widths(
    live_server, browser, screenshot, axe_check, public_data, settings, name
):
    path, heading = PAGES[name]
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()

        response = page.goto(f"{live_server.url}{path}")

        assert response.status == (404 if name == "404" else 200)
        assert page.locator("h1").inner_text() == heading
        # Nothing wider than the viewport: usable without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert screenshot(page, f"public-{name}-{width}").exists()
        axe_check(page, f"public-{name}-{width}")
        context.close()


def test_browser_sector_dashboard_charts_are_labelled_images(live_server, page, public_data):
    page.goto(f"{live_server.url}/sectors/mobility/")

    charts = page.locator('svg[role="img"]')
    # progress over time, the timeline, the status breakdown
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        title_id, desc_id = chart.get_attribute("aria-labelledby").split()
        assert chart.locator(f"title#{title_id}").count() == 1
        assert chart.locator(f"desc#{desc_id}").count() == 1
    assert page.get_by_role("img", name="Milestones on the way to 2050").count() == 1


def test_browser_keyboard_only_visitor_applies_a_status_filter(
    live_server, page, screenshot, public_data
):
    page.goto(f"{live_server.url}/sectors/mobility/milestones/")

    # Tab from the top of the page to the "Achieved" status checkbox, tick it with Space,
    # tab on to the submit button and press Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name + '=' + document.activeElement.value") == (
            "status=achieved"
        ):
            break
    else:
        pytest.fail("the Achieved status filter cannot be reached with the keyboard")
    # The focused checkbox shows a dark focus ring (3:1 or more against the white page).
    assert page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle,"
        " getComputedStyle(document.activeElement).outlineColor]"
    ) == ["solid", "rgb(26, 26, 26)"]
    page.keyboard.press("Space")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    else:
        pytest.fail("the submit button cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/milestones/?*status=achieved*")

    codes = page.locator("table.milestones tbody td:first-child a").all_inner_texts()
    assert codes == ["MOB-1.1"]
    assert page.locator("#results-title").inner_text() == "1 milestone"
    screenshot(page, "public-keyboard-filter-1440")


def test_browser_phone_width_keeps_wide_tables_and_the_timeline_legible(
    live_server, browser, screenshot, public_data
):
    """At 360 px the group and history tables stack into cards (nothing cut off or scrolled
    sideways) and the timeline keeps legible labels by scrolling inside its own box."""
    context = browser.new_context(viewport={"width": 360, "height": 900})
    page = context.new_page()
    stacked = "table.stack tbody th, table.stack tbody td, table.stack caption"
    overflowing = """sel => [...document.querySelectorAll(sel)].filter(
        el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
    ).length"""

    page.goto(f"{live_server.url}/sectors/mobility/")
    assert page.evaluate(overflowing, stacked) == 0
    label = page.locator("svg.timeline text", has_text="Not started")
    assert label.bounding_box()["height"] >= 9  # drawn at 13 px, not shrunk to a third
    region = page.get_by_role("region", name="Timeline chart (scrolls sideways on small screens)")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    screenshot(page, "public-sector-dashboard-timeline-360")

    page.goto(f"{live_server.url}/milestones/MOB-1.1/")
    assert page.evaluate(overflowing, stacked) == 0
    assert page.locator("table.stack td[data-label='By']").inner_text() == "Sam Steward"
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_large_sector_dashboard_timeline_by_year_is_accessible(
    live_server, page, public_data, screenshot, axe_check, monkeypatch, width
):
    """Past the marker limit the timeline shows counts per due year (set low here)."""
    from roadmaps import pages

    monkeypatch.setattr(pages, "TIMELINE_MARKER_LIMIT", 2)
    monkeypatch.setattr(pages, "OVERDUE_LIMIT", 1)
    page.set_viewport_size({"width": width, "height": 900})

    # A generous wait: on a loaded machine the live server's first dashboard took over 30 s.
    page.goto(f"{live_server.url}/sectors/mobility/", timeout=120_000)

    assert page.locator("svg.timeline text.timeline-count").count() >= 3
    assert page.get_by_text("Milestones per due year and status").count() == 1
    screenshot(page, f"public-sector-dashboard-by-year-{width}")
    axe_check(page, f"public-sector-dashboard-by-year-{width}")
