"""The browser harness itself: Debian's Chromium renders a page of the live server."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browser_renders_overview(live_server, page, screenshot, axe_check):
    page.goto(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == "Roadmaps 2050 for responsible sourcing"
    assert screenshot(page, "smoke-overview").exists()
    axe_check(page, "smoke-overview")
