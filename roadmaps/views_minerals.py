"""Minerals across the roadmaps: `/minerals/`, `/minerals/<slug>/`, and the value-chain view
and mineral links of a sector dashboard.

Every number comes from roadmaps.progress (the one engine), every CSV/JSON row from
roadmaps.exports, every list filter from the one MilestoneFilter.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from roadmaps import exports
from roadmaps.filters import MilestoneFilter
from roadmaps.models import Milestone, Mineral, Sector, Target, ValueChainStage
from roadmaps.pages import OVERDUE_LIMIT
from roadmaps.progress import Progress, progress_by, progress_of
from roadmaps.responses import bad_request, csv_response, read_params

# A sector's value-chain view places at most this many milestones in each stage (the first
# by due date), with a link to the stage's full list: a bounded page at any size.
VALUE_CHAIN_PER_STAGE = 12


def mineral_fields(mineral) -> dict:
    """A mineral as JSON: the index and the mineral page share it."""
    return {
        "mineral": mineral.slug,
        "name": mineral.name,
        "symbol": mineral.symbol,
        "is_critical": mineral.is_critical,
        "is_strategic": mineral.is_strategic,
        "source_title": mineral.source_title,
        "source_url": mineral.source_url,
        "sectors": [sector.slug for sector in mineral.sectors.all()],
    }


def by_stage(progress: dict, stages) -> list[dict]:
    """Progress per stage, in the stages' order, then the milestones with no stage given."""
    rows = [{"stage": stage, "progress": progress.get(stage.pk, Progress())} for stage in stages]
    rows.append({"stage": None, "progress": progress.get(None, Progress())})
    return rows


def value_chain(milestones, as_of) -> list[dict]:
    """A set of milestones placed by stage, with each stage's progress: three queries
    (stages, progress by stage, the placed milestones)."""
    per_stage = VALUE_CHAIN_PER_STAGE
    stages = list(ValueChainStage.objects.all())
    rows = by_stage(progress_by(milestones, "stages", as_of), stages)
    placed = {}
    for milestone in milestones.for_value_chain(as_of, per_stage):
        placed.setdefault(milestone.stage_id, []).append(milestone)
    for row in rows:
        row["milestones"] = placed.get(row["stage"].pk if row["stage"] else None, [])
        row["total"] = row["milestones"][0].stage_total if row["milestones"] else 0
        row["more"] = row["total"] - len(row["milestones"])
    return rows


def sector_context(sector, as_of) -> dict:
    """What a sector dashboard adds for minerals: the sector's minerals as links and its
    value-chain view. Four queries."""
    milestones = Milestone.objects.in_sector(sector)
    return {
        "sector_minerals": list(sector.minerals.order_by("name", "slug")),
        "value_chain": value_chain(milestones, as_of),
    }


@require_safe
def mineral_index(request):
    """Every mineral with its sectors and the progress of the milestones concerning it.

    Queries: minerals, their sectors, progress by mineral.
    """
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    minerals = list(Mineral.objects.for_index())
    progress = progress_by(Milestone.objects.current(), "minerals", as_of)
    for mineral in minerals:
        mineral.progress = progress.get(mineral.pk, Progress())
    if params.cleaned_data["format"] == "json":
        return JsonResponse(
            {
                "as_of": as_of.isoformat(),
                "minerals": [
                    {**mineral_fields(mineral), "progress": mineral.progress.as_dict()}
                    for mineral in minerals
                ],
            }
        )
    return render(
        request,
        "minerals/mineral_index.html",
        {"minerals": minerals, "as_of": as_of, "params": params},
    )


@require_safe
def mineral_detail(request, slug):
    """Every milestone concerning a mineral, across sectors, grouped by value-chain stage.

    The progress blocks count every milestone concerning the mineral; the filters (the
    milestone list's, `mineral` apart) narrow the list and its CSV/JSON.

    Queries: the mineral, its sectors; then CSV: the filtered milestones, their groups,
    minerals, stages. JSON adds progress, by sector, by stage and the stages. HTML adds
    the mineral's targets, the sectors, the overdue milestones, and the filter form's
    theme/target/group/stage options.
    """
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    output = params.cleaned_data["format"]
    sectors = Prefetch("sectors", queryset=Sector.objects.real().order_by("order", "slug"))
    mineral = get_object_or_404(Mineral.objects.prefetch_related(sectors), slug=slug)
    milestones = Milestone.objects.current().filter(minerals=mineral)
    filterset = MilestoneFilter(
        request.GET,
        milestones.with_status_as_of(as_of),
        as_of=as_of,
        targets=Target.objects.filter(milestones__minerals=mineral).distinct().order_by("code"),
        fixed_mineral=True,
    )
    if not filterset.is_valid():
        return bad_request(
            request,
            filterset.errors,
            json=output == "json",
            template="minerals/mineral_detail.html",
            context={"mineral": mineral, "filter": filterset, "as_of": as_of, "params": params},
        )
    rows = list(exports.for_export(filterset.qs, as_of))
    if output == "csv":
        return csv_response(
            (exports.milestone_row(m, as_of) for m in rows),
            f"resourcing-mineral-{mineral.slug}-milestones-{as_of.isoformat()}.csv",
        )
    progress = progress_of(milestones, as_of)
    sector_progress = progress_by(milestones, "target__roadmap__sector", as_of)
    stages = list(ValueChainStage.objects.all())
    stage_rows = by_stage(progress_by(milestones, "stages", as_of), stages)
    if output == "json":
        return JsonResponse(
            exports.json_document(
                [exports.milestone_row(m, as_of) for m in rows],
                as_of=as_of.isoformat(),
                **mineral_fields(mineral),
                progress=progress.as_dict(),
                progress_by_sector={
                    slug: sector_progress[pk].as_dict()
                    for pk, slug in Sector.objects.filter(pk__in=sector_progress)
                    .order_by("order", "slug")
                    .values_list("pk", "slug")
                },
                progress_by_stage=[
                    {
                        "stage": row["stage"].slug if row["stage"] else None,
                        "progress": row["progress"].as_dict(),
                    }
                    for row in stage_rows
                ],
            )
        )
    for row in stage_rows:
        stage = row["stage"]
        row["milestones"] = [
            milestone
            for milestone in rows
            if (stage in milestone.stages.all() if stage else not milestone.stages.all())
        ]
    sector_rows = [
        {"sector": sector, "progress": sector_progress[sector.pk]}
        for sector in Sector.objects.filter(pk__in=sector_progress).order_by("order", "slug")
    ]
    return render(
        request,
        "minerals/mineral_detail.html",
        {
            "mineral": mineral,
            "targets": list(mineral.targets.select_related("roadmap__sector").order_by("code")),
            "progress": progress,
            "sector_rows": sector_rows,
            "stage_rows": stage_rows,
            "overdue": list(milestones.overdue_as_of(as_of)[:OVERDUE_LIMIT]),
            "filter": filterset,
            "count": len(rows),
            "as_of": as_of,
            "params": params,
        },
    )
