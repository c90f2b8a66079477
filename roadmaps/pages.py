"""Page-shaped reads: what each public page shows, gathered in one place.

One function per page. Its HTML and its JSON (roadmaps.serializers) read the same object, and so
will badges and embeds; the views only read input, call one of these and render. Each docstring
lists the page's queries: their number does not grow with the data (tests/test_dashboards.py).
Every number comes from roadmaps.progress.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404

from indicators.models import Indicator
from indicators.progress import with_progress
from roadmaps import charts, exports
from roadmaps.filters import MilestoneFilter
from roadmaps.freshness import ReviewedShare, reviewed_milestone_counts, reviewed_share
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    Mineral,
    ProgressCounter,
    ReviewCounter,
    Roadmap,
    Sector,
    Status,
    Target,
    ValueChainStage,
)
from roadmaps.progress import (
    DeadlineHistory,
    Progress,
    Slippage,
    counts_by_due_year,
    deadline_history,
    overdue_q,
    period_ends,
    progress_by,
    progress_of,
    redated,
    sector_progress_over_time,
    slippage_of,
    status_counts,
)
from stakeholders.models import StakeholderGroup

# Bounded page size: past a few hundred milestones the dashboard's timeline shows counts per
# due year and its overdue table the most overdue few (one query either way).
TIMELINE_MARKER_LIMIT = 300
OVERDUE_LIMIT = 20
RECENT_UPDATES = 10
NEXT_DUE_PER_SECTOR = 3
# The sector dashboard's first screen: the top few overdue or at-risk and coming next, each
# list with a link to the full filtered list (the page fits about two screens at 1440 px).
FIRST_SCREEN_ITEMS = 3


def _groups():
    return StakeholderGroup.objects.order_by("order", "slug")


def with_group_names(milestones):
    """Pages show the groups' names; the export's prefetch loads only their slugs."""
    return milestones.prefetch_related(None).prefetch_related(
        Prefetch("stakeholder_groups", queryset=_groups())
    )


@dataclass
class OverviewPage:
    as_of: datetime.date
    # (sector, its progress) in display order
    sectors: list[tuple[Sector, Progress]]
    # Details: the next milestones due per sector and the latest updates.
    next_due: dict[int, list[Milestone]] = field(default_factory=dict)
    updates: list[MilestoneUpdate] = field(default_factory=list)
    # Details: each sector's progress over time (roadmaps.charts.over_time, small).
    over_time: dict[int, object] = field(default_factory=dict)
    groups: list[StakeholderGroup] = field(default_factory=list)

    @property
    def cards(self) -> list[dict]:
        return [
            {
                "sector": sector,
                "progress": progress,
                "next_due": self.next_due.get(sector.pk, []),
                "over_time": self.over_time.get(sector.pk),
            }
            for sector, progress in self.sectors
        ]


def overview_page(as_of: datetime.date, *, details: bool = True) -> OverviewPage:
    """Queries: sectors, progress by sector; details add next due milestones, updates, the
    stakeholder groups and progress by sector at every one of period_ends(as_of) (one query
    when stored: roadmaps.progress.sector_progress_over_time)."""
    progress = progress_by(
        Milestone.objects.current(),
        "target__roadmap__sector",
        as_of,
        counters=ProgressCounter.objects.current(),
    )
    page = OverviewPage(
        as_of=as_of,
        sectors=[
            (sector, progress.get(sector.pk, Progress()))
            for sector in Sector.objects.for_overview()
        ],
    )
    if details:
        for milestone in Milestone.objects.next_due_per_sector(as_of, NEXT_DUE_PER_SECTOR):
            page.next_due.setdefault(milestone.sector_id, []).append(milestone)
        page.updates = list(MilestoneUpdate.objects.for_overview(as_of)[:RECENT_UPDATES])
        page.groups = list(_groups())
        shown = sector_progress_over_time(
            [sector.pk for sector, _progress in page.sectors],
            period_ends(as_of),
            known={sector.pk: progress for sector, progress in page.sectors},
        )
        # One vertical scale for every sector: small multiples compare at a glance.
        scale = charts.over_time_scale(*shown.values())
        page.over_time = {
            pk: charts.over_time(points, size="small", scale=scale) for pk, points in shown.items()
        }
    return page


@dataclass
class SectorDashboardPage:
    as_of: datetime.date
    sector: Sector
    roadmap: Roadmap | None
    progress: Progress
    # In theme order, each with `.progress`.
    targets: list[Target]
    # Milestones re-dated by `as_of`: how many, total and median slip.
    slippage: Slippage
    # Details: progress by theme (with its targets), the timeline, status breakdown, the most
    # overdue milestones and progress by stakeholder group.
    themes: list[dict] = field(default_factory=list)
    timeline: dict | None = None
    timeline_milestones: list[Milestone] = field(default_factory=list)
    breakdown: dict | None = None
    overdue: list[Milestone] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    # The sector's indicators, each with its measurements and progress; each target's
    # `measured_by` are those measuring it, and `other_indicators` those measuring none of its
    # targets (shown apart).
    indicators: list = field(default_factory=list)
    other_indicators: list = field(default_factory=list)
    # The first screen: at-risk milestones (not overdue), the next open ones coming due, and
    # progress over time (roadmaps.charts.over_time).
    at_risk: list[Milestone] = field(default_factory=list)
    next_due: list[Milestone] = field(default_factory=list)
    over_time: object = None
    # The sector's minerals (links to their pages) and its milestones placed by stage.
    sector_minerals: list[Mineral] = field(default_factory=list)
    value_chain: list[dict] = field(default_factory=list)
    # The share of its milestones and indicators reviewed within the rule (roadmaps.freshness).
    reviewed: ReviewedShare | None = None

    @property
    def risks(self) -> list[dict]:
        """The first screen's top items: the most overdue, then the at-risk ones coming due
        first; FIRST_SCREEN_ITEMS in all ({"milestone", "overdue"})."""
        items = [{"milestone": m, "overdue": True} for m in self.overdue[:FIRST_SCREEN_ITEMS]]
        items += [{"milestone": m, "overdue": False} for m in self.at_risk]
        return items[:FIRST_SCREEN_ITEMS]


def sector_dashboard_page(
    sector_slug: str, as_of: datetime.date, *, details: bool = True
) -> SectorDashboardPage:
    """Queries: sector, roadmap, targets, progress by target (the sector's progress is their
    sum), slippage; details add timeline milestones (or counts per due year; progress by theme
    is the sum of its targets'), status counts, overdue milestones, stakeholder groups,
    progress by group, the sector's indicators with
    their measurements and the sector's targets each measures (both skipped with no
    indicator), the sector's minerals and the value chain (stages, progress by stage,
    milestones placed by stage), at-risk milestones, the next due, progress at every one of
    period_ends(as_of) (one query once stored: sector_progress_over_time), and its milestones
    reviewed within the sector's interval (one aggregate)."""
    sector = get_object_or_404(Sector, slug=sector_slug)
    milestones = Milestone.objects.in_sector(sector)
    roadmap = Roadmap.objects.current().filter(sector=sector).first()
    # Today's progress adds up the sector's counters (roadmaps.counters), whatever its size.
    counters = ProgressCounter.objects.of_current_roadmap(roadmap)
    # Every milestone of the sector is a milestone of exactly one of its targets: the sector's
    # progress, and each theme's, add up its targets' (no query of their own).
    by_target = progress_by(milestones, "target", as_of, counters=counters)
    page = SectorDashboardPage(
        as_of=as_of,
        sector=sector,
        roadmap=roadmap,
        progress=Progress.sum_of(by_target.values()),
        targets=list(
            Target.objects.in_sector(sector)
            .select_related("theme")
            .order_by("theme__order", "theme__slug", "code")
        ),
        slippage=slippage_of(milestones, as_of),
    )
    for target in page.targets:
        target.progress = by_target.get(target.pk, Progress())
    if not details:
        return page

    for target in page.targets:
        if not page.themes or page.themes[-1]["theme"] != target.theme:
            page.themes.append({"theme": target.theme, "targets": []})
        page.themes[-1]["targets"].append(target)
    for theme in page.themes:
        theme["progress"] = Progress.sum_of(target.progress for target in theme["targets"])
    counts = status_counts(milestones, as_of, counters=counters)
    if sum(counts.values()) <= TIMELINE_MARKER_LIMIT:
        page.timeline_milestones = list(milestones.for_timeline(as_of))
        page.timeline = charts.timeline(page.timeline_milestones, as_of)
    else:
        page.timeline = charts.timeline_by_year(
            counts_by_due_year(milestones, as_of, counters=counters), as_of
        )
    page.breakdown = charts.status_breakdown(counts)
    page.overdue = list(
        milestones.overdue_as_of(as_of)
        .with_review(as_of)
        .select_related("target__roadmap__sector")[:OVERDUE_LIMIT]
    )
    by_group = progress_by(milestones, "stakeholder_groups", as_of, counters=counters)
    page.groups = [
        {"group": group, "progress": by_group.get(group.pk, Progress())} for group in _groups()
    ]
    page.indicators = with_progress(Indicator.objects.for_sector_dashboard(sector, as_of), as_of)
    for target in page.targets:
        target.measured_by = [
            indicator
            for indicator in page.indicators
            if any(measured.pk == target.pk for measured in indicator.sector_targets)
        ]
    page.other_indicators = [
        indicator for indicator in page.indicators if not indicator.sector_targets
    ]
    page.sector_minerals = list(sector.minerals.order_by("name_en", "slug"))
    page.value_chain = value_chain(milestones, as_of, counters=counters)
    page.at_risk = list(
        milestones.with_status_as_of(as_of)
        .filter(status_as_of=Status.AT_RISK)
        .exclude(overdue_q(as_of))
        .select_related("target")
        .order_by("due_as_of", "code")[:FIRST_SCREEN_ITEMS]
    )
    page.next_due = list(milestones.next_due(as_of, FIRST_SCREEN_ITEMS))
    days, known = period_ends(as_of), {sector.pk: page.progress}
    over_time = sector_progress_over_time([sector.pk], days, known)
    page.over_time = charts.over_time(over_time[sector.pk])
    page.reviewed = reviewed_share(
        reviewed_milestone_counts(
            milestones.with_status_as_of(as_of).with_review(as_of),
            sector,
            as_of,
            counters=ReviewCounter.objects.of_current_roadmap(roadmap),
        ),
        page.indicators,
        as_of,
    )
    return page


@dataclass
class MilestonePage:
    as_of: datetime.date
    milestone: Milestone
    # Its history up to `as_of`, newest first.
    updates: list[MilestoneUpdate]
    # Its original and current due date as of `as_of`, and the changes between them.
    deadlines: DeadlineHistory
    # Details: the indicators measuring it, with their measurements and progress.
    indicators: list = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.milestone.is_overdue(self.as_of, status=self.milestone.status_as_of)


def milestone_page(code: str, as_of: datetime.date, *, details: bool = True) -> MilestonePage:
    """Queries: the milestone with its target and sector, its stakeholder groups, its history
    with the authors; details add the indicators measuring it and their measurements."""
    milestones = with_group_names(exports.for_export(Milestone.objects.all(), as_of)).with_review(
        as_of
    )
    milestone = get_object_or_404(milestones, code=code)
    updates = list(MilestoneUpdate.objects.for_milestone(milestone, as_of))
    page = MilestonePage(
        as_of=as_of,
        milestone=milestone,
        updates=updates,
        # From the history just read: no query.
        deadlines=deadline_history(milestone.due_as_of, updates),
    )
    if details:
        page.indicators = with_progress(Indicator.objects.for_milestone(milestone, as_of), as_of)
    return page


@dataclass
class MilestoneListPage:
    """A filterable milestone list: of a sector, or of a stakeholder group across sectors."""

    as_of: datetime.date
    filterset: MilestoneFilter
    title: str
    # Names the downloads: resourcing-<slug>-milestones-<as_of>.csv
    slug: str
    sector: Sector | None = None
    group: StakeholderGroup | None = None
    # A group's progress in each sector: [{"sector", "progress"}, ...] (details only).
    scorecard: list[dict] = field(default_factory=list)


def sector_milestones_page(sector_slug: str, data, as_of: datetime.date) -> MilestoneListPage:
    """Queries: sector; the FilterSet's are milestone_list_response's (roadmaps.responses).

    The list's query itself is `page.filterset.qs` (make bench explains it)."""
    sector = get_object_or_404(Sector, slug=sector_slug)
    filterset = MilestoneFilter(
        data,
        Milestone.objects.in_sector(sector).with_status_as_of(as_of),
        as_of=as_of,
        targets=Target.objects.in_sector(sector).order_by("code"),
    )
    return MilestoneListPage(
        as_of=as_of, filterset=filterset, title=sector.name, slug=sector.slug, sector=sector
    )


def group_milestones_page(
    group_slug: str, data, as_of: datetime.date, *, details: bool = True
) -> MilestoneListPage:
    """Queries: group; details add sectors and the group's progress by sector."""
    group = get_object_or_404(StakeholderGroup, slug=group_slug)
    milestones = Milestone.objects.current().filter(stakeholder_groups=group)
    filterset = MilestoneFilter(
        data,
        milestones.with_status_as_of(as_of),
        as_of=as_of,
        targets=Target.objects.filter(roadmap__is_current=True).order_by("code"),
        fixed_group=True,
    )
    page = MilestoneListPage(
        as_of=as_of, filterset=filterset, title=group.name, slug=group.slug, group=group
    )
    if details:
        by_sector = progress_by(milestones, "target__roadmap__sector", as_of)
        page.scorecard = [
            {"sector": sector, "progress": by_sector.get(sector.pk, Progress())}
            for sector in Sector.objects.for_overview()
        ]
    return page


def published_milestones():
    """The open dataset: every sector's current roadmap, without synthetic demo sectors."""
    return Milestone.objects.current().real()


@dataclass
class OpenDataPage:
    milestone_count: int
    # The latest change to a milestone or its history (None: no data yet).
    last_change: datetime.datetime | None


def open_data_page() -> OpenDataPage:
    """Queries: milestone count and latest change, latest update."""
    milestones = published_milestones().aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest_update = MilestoneUpdate.objects.aggregate(latest=Max("created_at"))["latest"]
    return OpenDataPage(
        milestone_count=milestones["count"],
        last_change=max(filter(None, [milestones["latest"], latest_update]), default=None),
    )


# Minerals and value-chain stages (issue 13) ---------------------------------------------------

# A sector's value-chain view places at most this many milestones in each stage (the first
# by due date), with a link to the stage's full list: a bounded page at any size.
VALUE_CHAIN_PER_STAGE = 12


def by_stage(progress: dict, stages) -> list[dict]:
    """Progress per stage, in the stages' order, then the milestones with no stage given."""
    rows = [{"stage": stage, "progress": progress.get(stage.pk, Progress())} for stage in stages]
    rows.append({"stage": None, "progress": progress.get(None, Progress())})
    return rows


def value_chain(milestones, as_of: datetime.date, *, counters=None) -> list[dict]:
    """A set of milestones placed by stage, with each stage's progress and how many it has
    in all (from `counters`, its progress counters, as of today). Queries: progress by
    stage, stages, the placed milestones."""
    progress = progress_by(milestones, "stages", as_of, counters=counters, totals=True)
    stages = list(ValueChainStage.objects.all())
    rows = by_stage(progress, stages)
    placed = {}
    for milestone in milestones.for_value_chain(
        as_of, VALUE_CHAIN_PER_STAGE, [stage.pk for stage in stages]
    ):
        placed.setdefault(milestone.stage_id, []).append(milestone)
    for row in rows:
        row["milestones"] = placed.get(row["stage"].pk if row["stage"] else None, [])
        row["total"] = row["progress"].total
        row["more"] = row["total"] - len(row["milestones"])
    return rows


@dataclass
class MineralIndexPage:
    as_of: datetime.date
    # Each with `.progress`: the milestones concerning it, in every sector.
    minerals: list[Mineral]


def mineral_index_page(as_of: datetime.date) -> MineralIndexPage:
    """Queries: minerals (with their indicator count), their sectors, progress by mineral."""
    minerals = list(Mineral.objects.for_index())
    progress = progress_by(Milestone.objects.current(), "minerals", as_of)
    for mineral in minerals:
        mineral.progress = progress.get(mineral.pk, Progress())
    return MineralIndexPage(as_of=as_of, minerals=minerals)


@dataclass
class MineralPage:
    as_of: datetime.date
    mineral: Mineral
    # The milestone list's filters (`mineral` apart); `rows` are the filtered milestones.
    filterset: MilestoneFilter
    rows: list[Milestone] = field(default_factory=list)
    # Progress of every milestone concerning the mineral (the filters narrow the list only).
    progress: Progress | None = None
    sector_rows: list[dict] = field(default_factory=list)
    stage_rows: list[dict] = field(default_factory=list)
    # The indicators concerning it, each with `progress` and `latest` (indicators.progress);
    # each stage row's "indicators" are those of its stage (or of none, in the last row).
    indicators: list[Indicator] = field(default_factory=list)
    # Details: its targets, its overdue milestones, the rows placed in `stage_rows`.
    targets: list[Target] = field(default_factory=list)
    overdue: list[Milestone] = field(default_factory=list)


def _at_stage(items, stage) -> list:
    """The milestones or indicators (stages prefetched) placed at `stage`; with `stage` None,
    those placed at no stage."""
    return [
        item for item in items if (stage in item.stages.all() if stage else not item.stages.all())
    ]


def mineral_page(slug: str, data, as_of: datetime.date, *, output: str) -> MineralPage:
    """Every milestone concerning a mineral, across sectors, grouped by value-chain stage.

    Queries: the mineral, its sectors; with valid filters the milestones, their groups,
    minerals and stages (CSV stops here); then progress, progress by sector, the sectors,
    the stages, progress by stage, the indicators concerning it with their measurements,
    sectors, minerals and stages (JSON stops here); then its targets, its overdue
    milestones. The HTML form adds its theme/target/group/stage options.
    """
    sectors = Prefetch("sectors", queryset=Sector.objects.real().order_by("order", "slug"))
    mineral = get_object_or_404(Mineral.objects.prefetch_related(sectors), slug=slug)
    milestones = Milestone.objects.current().filter(minerals=mineral)
    page = MineralPage(
        as_of=as_of,
        mineral=mineral,
        filterset=MilestoneFilter(
            data,
            milestones.with_status_as_of(as_of),
            as_of=as_of,
            targets=Target.objects.filter(milestones__minerals=mineral).distinct().order_by("code"),
            fixed_mineral=True,
        ),
    )
    if not page.filterset.is_valid():
        return page
    page.rows = list(exports.for_export(page.filterset.qs, as_of))
    if output == "csv":
        return page
    page.progress = progress_of(milestones, as_of)
    by_sector = progress_by(milestones, "target__roadmap__sector", as_of)
    page.sector_rows = [
        {"sector": sector, "progress": by_sector[sector.pk]}
        for sector in Sector.objects.filter(pk__in=by_sector).order_by("order", "slug")
    ]
    page.stage_rows = by_stage(
        progress_by(milestones, "stages", as_of), ValueChainStage.objects.all()
    )
    concerning = Indicator.objects.filter(minerals=mineral).for_list(as_of).with_links()
    page.indicators = with_progress(concerning, as_of)
    for row in page.stage_rows:
        row["indicators"] = _at_stage(page.indicators, row["stage"])
    if output == "json":
        return page
    page.targets = list(mineral.targets.select_related("roadmap__sector").order_by("code"))
    page.overdue = list(milestones.overdue_as_of(as_of)[:OVERDUE_LIMIT])
    for row in page.stage_rows:
        row["milestones"] = _at_stage(page.rows, row["stage"])
    return page


def stakeholder_groups_page(as_of: datetime.date) -> list[dict]:
    """Every stakeholder group with its progress across the current roadmaps.
    Queries: the groups, progress by group."""
    by_group = progress_by(Milestone.objects.current().real(), "stakeholder_groups", as_of)
    return [{"group": group, "progress": by_group.get(group.pk, Progress())} for group in _groups()]


def indicator_page(code: str, as_of: datetime.date, *, details: bool = True):
    """One indicator with `.progress` and `.latest` (indicators.progress.with_progress).

    Queries: the indicator, its measurements, its sectors; details add its targets, milestones
    and stakeholder groups. The indicator page, its badge and its embed read this."""
    indicators = (
        Indicator.objects.for_detail(as_of) if details else Indicator.objects.for_list(as_of)
    )
    indicator = get_object_or_404(indicators, code=code)
    return with_progress([indicator], as_of)[0]


# The report's progress over time: at the end of each year since the roadmaps' first
# milestones (2020), and on the report's day.
REPORT_FIRST_YEAR = 2020


def report_days(as_of: datetime.date) -> list[datetime.date]:
    return [datetime.date(year, 12, 31) for year in range(REPORT_FIRST_YEAR, as_of.year)] + [as_of]


@dataclass
class SectorReportPage:
    """The printable report: the dashboard's reads, every overdue milestone named, and the
    sector's progress at the end of each year."""

    dashboard: SectorDashboardPage
    # Every overdue milestone as of the day, most overdue first (the dashboard shows a few).
    overdue: list[Milestone] = field(default_factory=list)
    # [(day, progress as of that day)], oldest first, the report's day last.
    over_time: list[tuple[datetime.date, Progress]] = field(default_factory=list)
    # The milestones re-dated by the day (slippage_of's), by due date in force.
    redated: list[Milestone] = field(default_factory=list)


def sector_report_page(sector_slug: str, as_of: datetime.date) -> SectorReportPage:
    """Queries: sector_dashboard_page's, every overdue milestone, the re-dated milestones, then
    the sector's progress on every one of report_days(as_of) (one query once stored)."""
    dashboard = sector_dashboard_page(sector_slug, as_of)
    milestones = Milestone.objects.in_sector(dashboard.sector)
    pk = dashboard.sector.pk
    return SectorReportPage(
        dashboard=dashboard,
        overdue=list(milestones.overdue_as_of(as_of)),
        redated=redated(milestones, as_of),
        over_time=sector_progress_over_time([pk], report_days(as_of), {pk: dashboard.progress})[pk],
    )
