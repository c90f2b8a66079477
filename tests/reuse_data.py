"""A small sector with history and an indicator, for the reuse and API tests (badges, embeds,
report, OpenAPI). As of 2025-06-30: 4 milestones counted, 2 due, 1 achieved, 1 overdue, 1
re-dated (+24 months)."""

import datetime

from roadmaps.models import Status
from tests.factories import (
    make_deadline_change,
    make_group,
    make_history,
    make_milestone,
    make_mineral,
    make_roadmap,
    make_sector,
    make_stage,
    make_target,
    make_theme,
    make_user,
)
from tests.indicator_factories import make_indicator, make_series

AS_OF = "2025-06-30"


def make_reuse_data(*, prefix="MOB", slug="mobility", name="Mobility", order=1):
    industry = make_group(slug="industry", name="Industry actors", order=1)
    environment = make_theme(slug="environment", name="Environmental", order=1)
    social = make_theme(slug="social", name="Social", order=2)
    sector = make_sector(slug=slug, name=name, order=order)
    roadmap = make_roadmap(
        sector=sector, source_url="https://example.org/roadmap", source_title="Roadmap 2050"
    )
    first = make_target(roadmap=roadmap, theme=environment, code=f"{prefix}-1", title="Sourcing")
    second = make_target(roadmap=roadmap, theme=social, code=f"{prefix}-2", title="Fair work")
    achieved = make_milestone(
        target=first,
        code=f"{prefix}-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[industry],
        title="Due diligence law adopted",
    )
    author = make_user(username=f"steward-{slug}", first_name="Sam", last_name="Steward")
    make_history(
        achieved,
        (Status.IN_PROGRESS, Status.ACHIEVED, "2024-07-01", "Adopted"),
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
    postponed = make_milestone(
        target=second,
        code=f"{prefix}-2.1",
        due_date=datetime.date(2030, 12, 31),
        status=Status.IN_PROGRESS,
        title="Recycled content quota",
    )
    # Re-dated by two years on 2025-02-01.
    make_deadline_change(postponed, "2028-12-31", "2030-12-31", "2025-02-01", note="Postponed")
    make_milestone(
        target=second,
        code=f"{prefix}-2.2",
        due_date=datetime.date(2035, 12, 31),
        title="Worker councils",
    )
    make_mineral(
        slug=f"cobalt-{slug}", name="Cobalt", critical=True, sectors=[sector], milestones=[achieved]
    )
    make_stage(slug=f"extraction-{slug}", name="Extraction", order=order, milestones=[achieved])
    indicator = make_indicator(
        code=f"{prefix}-RES",
        title="Renewable share",
        sectors=[sector],
        targets=[first],
        source_title="Eurostat",
    )
    # Share method: +2 points a year achieved, +2 needed: on track; latest 16 % (2023).
    make_series(indicator, {2021: "12", 2022: "14", 2023: "16"}, published_on="2025-01-01")
    return sector
