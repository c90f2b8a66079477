"""Mineral pages and the sector's value-chain view in real Chromium: axe-core at 1440 and
360 px wide, nothing wider than the viewport, full-page screenshots."""

import datetime

import pytest

from roadmaps.models import Mineral, Provenance, Status, ValueChainStage
from tests.factories import (
    make_group,
    make_history,
    make_milestone,
    make_mineral,
    make_roadmap,
    make_sector,
    make_stage,
    make_target,
    make_theme,
)
from tests.indicator_factories import make_indicator, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1440, 360)


@pytest.fixture
def mineral_data():
    industry = make_group(slug="industry", name="Industry actors", order=1)
    make_group(slug="policy-makers", name="Policy makers", order=2)
    theme = make_theme(slug="environment", name="Environmental", order=1)
    mobility = make_sector(slug="mobility", name="Mobility", order=1)
    electronics = make_sector(slug="electronics", name="Electronics", order=2)
    mob = make_target(
        roadmap=make_roadmap(sector=mobility), theme=theme, code="MOB-1", title="Circularity"
    )
    eee = make_target(
        roadmap=make_roadmap(sector=electronics), theme=theme, code="EEE-1", title="Sourcing"
    )
    recovery = make_milestone(
        target=mob,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[industry],
        title="Recovery of cobalt from waste batteries",
    )
    make_history(recovery, (Status.IN_PROGRESS, Status.ACHIEVED, "2024-07-01"))
    diligence = make_milestone(
        target=mob,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.AT_RISK,
        title="Battery supply-chain due diligence",
    )
    content = make_milestone(
        target=mob,
        code="MOB-1.3",
        due_date=datetime.date(2031, 8, 18),
        provenance=Provenance.ILLUSTRATIVE,
        title="Minimum recycled content",
    )
    electronics_row = make_milestone(
        target=eee,
        code="EEE-1.1",
        due_date=datetime.date(2030, 12, 31),
        status=Status.IN_PROGRESS,
        title="Cobalt in electronics supply chains",
    )
    make_stage(slug="extraction", name="Extraction", order=1, milestones=[diligence])
    make_stage(
        slug="processing",
        name="Processing and refining",
        order=2,
        milestones=[diligence, electronics_row],
    )
    make_stage(slug="manufacturing", name="Component and product manufacturing", order=3)
    make_stage(slug="use", name="Use", order=4)
    make_stage(slug="end-of-life", name="End of life and recycling", order=5, milestones=[recovery])
    make_mineral(
        slug="cobalt",
        name="Cobalt",
        symbol="Co",
        critical=True,
        strategic=True,
        sectors=[mobility],
        milestones=[recovery, diligence, content, electronics_row],
        source_title="Critical Raw Materials Act",
        source_url="http://data.europa.eu/eli/reg/2024/1252/oj",
    )
    make_mineral(slug="tin", name="Tin", symbol="Sn", sectors=[electronics])
    # Indicators concerning cobalt: one at a stage with values, one with no stage.
    cobalt = Mineral.objects.get(slug="cobalt")
    end = ValueChainStage.objects.get(slug="end-of-life")
    collection = make_indicator(
        code="BAT-COLL",
        title="Collection rate of waste portable batteries",
        sectors=[mobility],
        minerals=[cobalt],
        stages=[end],
        baseline=(2020, "40"),
        target=(2027, "63"),
    )
    make_series(collection, {2020: "40", 2022: "46"}, published_on="2024-01-10")
    make_indicator(
        code="CRMA-SP",
        title="CRMA Strategic Projects selected",
        share=False,
        percent=False,
        unit="projects",
        baseline=None,
        target=None,
        minerals=[cobalt],
    )


PAGES = {
    "minerals": ("/minerals/", "Minerals across the roadmaps"),
    "mineral": ("/minerals/cobalt/?as_of=2025-06-30", "Cobalt (Co)"),
    "mineral-filtered": ("/minerals/cobalt/?stage=processing", "Cobalt (Co)"),
    "mineral-bad-filter": ("/minerals/cobalt/?stage=mining", "Cobalt (Co)"),
    "sector-value-chain": ("/sectors/mobility/", "Mobility"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_browser_mineral_page_is_accessible_at_both_widths(
    live_server, browser, screenshot, axe_check, mineral_data, name
):
    path, heading = PAGES[name]
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()

        response = page.goto(f"{live_server.url}{path}")

        assert response.status == (400 if name == "mineral-bad-filter" else 200)
        assert page.locator("h1").inner_text() == heading
        # Nothing wider than the viewport: usable without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert screenshot(page, f"minerals-{name}-{width}").exists()
        axe_check(page, f"minerals-{name}-{width}")
        context.close()


def test_browser_value_chain_view_links_each_stage_to_its_filtered_list(
    live_server, page, mineral_data
):
    page.goto(f"{live_server.url}/sectors/mobility/")

    table = page.get_by_role("table", name="Milestones of Mobility by value-chain stage")
    table.get_by_role("link", name="Processing and refining").click()
    page.wait_for_url("**/sectors/mobility/milestones/?stage=processing")

    codes = page.locator("table.milestones tbody td:first-child a").all_inner_texts()
    assert codes == ["MOB-1.2"]
    assert page.locator("#id_stage").input_value() == "processing"
