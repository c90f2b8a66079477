"""Indicator pages in real Chromium: axe-core at 1440 and 360 px, the chart a labelled image."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 360)
PAGES = {
    "indicator-list": ("/indicators/", "Indicators"),
    "indicator-detail": (
        "/indicators/RES-SHARE/",
        "RES-SHARE: Share of renewable energy in gross final energy consumption",
    ),
    "indicator-detail-growth": (
        "/indicators/GHG-NET/?as_of=2025-06-30",
        "GHG-NET: Net greenhouse-gas emissions, index 1990 = 100",
    ),
    "methodology": ("/methodology/", "Methodology"),
}


@pytest.fixture
def real_data():
    # The product's data: the pages are about these series.
    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)


@pytest.mark.parametrize("name", list(PAGES))
def test_browser_indicator_page_is_accessible_at_both_widths(
    live_server, browser, screenshot, axe_check, real_data, name
):
    path, heading = PAGES[name]
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert screenshot(page, f"indicators-{name}-{width}").exists()
        axe_check(page, f"indicators-{name}-{width}")
        context.close()


def test_browser_trajectory_is_a_labelled_image(live_server, page, real_data):
    page.goto(f"{live_server.url}/indicators/RES-SHARE/")
    chart = page.locator('svg[role="img"]')
    assert chart.count() == 1
    title_id, desc_id = chart.get_attribute("aria-labelledby").split()
    assert chart.locator(f"title#{title_id}").count() == 1
    assert chart.locator(f"desc#{desc_id}").text_content().startswith("Baseline 23 % in 2022.")
    name = "Share of renewable energy in gross final energy consumption: observed values and the"
    assert page.get_by_role("img", name=f"{name} path to the target").count() == 1
