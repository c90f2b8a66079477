"""Public pages: overview, sector dashboard, milestone list and milestone page.

Read-only and session-free (so they can be cached later). Every number comes from
roadmaps.progress; every CSV/JSON row from roadmaps.exports.
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from roadmaps import charts, exports
from roadmaps.filters import MilestoneFilter, PageParamsForm
from roadmaps.models import Milestone, MilestoneUpdate, Roadmap, Sector, Target
from roadmaps.progress import (
    Progress,
    deadline_history,
    progress_by,
    progress_of,
    slippage_of,
    status_counts,
)
from stakeholders.models import StakeholderGroup

PAGE_SIZE = 50
TIMELINE_MARKER_LIMIT = 300
OVERDUE_LIMIT = 20
RECENT_UPDATES = 10
NEXT_DUE_PER_SECTOR = 3


# Shared by every public page (stakeholders.views too).


def read_params(request, formats):
    """Validate `as_of` and `format`; returns (form, error response or None)."""
    params = PageParamsForm(request.GET, formats=formats)
    if params.is_valid():
        return params, None
    return params, bad_request(request, params.errors, json=params.wants_json)


def bad_request(request, errors, *, json=False, template="roadmaps/bad_request.html", context=None):
    """400 naming each invalid parameter, as JSON for `format=json`, else in the site layout."""
    errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
    if json:
        return JsonResponse({"errors": errors}, status=400)
    return render(request, template, {**(context or {}), "errors": errors}, status=400)


def with_group_names(milestones):
    """Pages show the groups' names; the export's prefetch loads only their slugs."""
    groups = StakeholderGroup.objects.order_by("order", "slug")
    return milestones.prefetch_related(None).prefetch_related(
        Prefetch("stakeholder_groups", queryset=groups)
    )


def csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.write_csv(rows, response)
    return response


def milestone_list_response(
    request, *, filterset, params, title, filename, context, template="roadmaps/milestone_list.html"
):
    """The milestone list as HTML (paginated), CSV or JSON: the same FilterSet, same order.

    Queries: the FilterSet's choice validations (one per given theme/target/group), then
    HTML: count, one page of rows, their stakeholder groups, and the form's three selects;
    CSV/JSON: the rows, their stakeholder groups.
    """
    as_of = params.cleaned_data["as_of"]
    output = params.cleaned_data["format"]
    if not filterset.is_valid():
        return bad_request(
            request,
            filterset.errors,
            json=output == "json",
            template=template,
            context={
                **context,
                "filter": filterset,
                "as_of": as_of,
                "title": title,
                "params": params,
            },
        )
    milestones = exports.for_export(filterset.qs, as_of)
    if output == "csv":
        return csv_response(
            (exports.milestone_row(m, as_of) for m in milestones),
            f"resourcing-{filename}-milestones-{as_of.isoformat()}.csv",
        )
    if output == "json":
        rows = [exports.milestone_row(m, as_of) for m in milestones]
        return JsonResponse(exports.json_document(rows))
    page = Paginator(with_group_names(milestones), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            **context,
            "filter": filterset,
            "page": page,
            "as_of": as_of,
            "title": title,
            "params": params,
        },
    )


# Pages


@require_safe
def overview(request):
    """Queries: sectors, progress by sector; HTML adds next due milestones and updates."""
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    sectors = list(Sector.objects.for_overview())
    progress = progress_by(Milestone.objects.current(), "target__roadmap__sector", as_of)
    if params.cleaned_data["format"] == "json":
        return JsonResponse(
            {
                "as_of": as_of.isoformat(),
                "sectors": [
                    {
                        "sector": sector.slug,
                        "name": sector.name,
                        "progress": progress.get(sector.pk, Progress()).as_dict(),
                    }
                    for sector in sectors
                ],
            }
        )
    next_due = {}
    for milestone in Milestone.objects.next_due_per_sector(as_of, NEXT_DUE_PER_SECTOR):
        next_due.setdefault(milestone.sector_id, []).append(milestone)
    cards = [
        {
            "sector": sector,
            "progress": progress.get(sector.pk, Progress()),
            "next_due": next_due.get(sector.pk, []),
        }
        for sector in sectors
    ]
    updates = MilestoneUpdate.objects.for_overview(as_of)[:RECENT_UPDATES]
    return render(
        request,
        "roadmaps/overview.html",
        {"cards": cards, "updates": updates, "as_of": as_of, "params": params},
    )


@require_safe
def sector_dashboard(request, slug):
    """Queries: sector, roadmap, sector progress, targets, progress by target, slippage; HTML
    adds progress by theme, timeline milestones, status counts, overdue milestones, stakeholder
    groups and progress by group."""
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    sector = get_object_or_404(Sector, slug=slug)
    roadmap = Roadmap.objects.current().filter(sector=sector).first()
    milestones = Milestone.objects.in_sector(sector)
    progress = progress_of(milestones, as_of)
    targets = list(
        Target.objects.in_sector(sector)
        .select_related("theme")
        .order_by("theme__order", "theme__slug", "code")
    )
    by_target = progress_by(milestones, "target", as_of)
    for target in targets:
        target.progress = by_target.get(target.pk, Progress())
    slippage = slippage_of(milestones, as_of)
    if params.cleaned_data["format"] == "json":
        return JsonResponse(
            {
                "sector": sector.slug,
                "as_of": as_of.isoformat(),
                "progress": progress.as_dict(),
                "targets": [
                    {
                        "code": target.code,
                        "title": target.title,
                        "theme": target.theme.slug,
                        "target_year": target.target_year,
                        "progress": target.progress.as_dict(),
                    }
                    for target in sorted(targets, key=lambda target: target.code)
                ],
                "slippage": slippage.as_dict(),
            }
        )
    by_theme = progress_by(milestones, "target__theme", as_of)
    themes = []
    for target in targets:
        if not themes or themes[-1]["theme"] != target.theme:
            themes.append(
                {
                    "theme": target.theme,
                    "progress": by_theme.get(target.theme.pk, Progress()),
                    "targets": [],
                }
            )
        themes[-1]["targets"].append(target)
    counts = status_counts(milestones, as_of)
    # Bounded page size: past a few hundred milestones the timeline shows counts per due year
    # and the overdue table the most overdue few (one query either way).
    if sum(counts.values()) <= TIMELINE_MARKER_LIMIT:
        timeline_milestones = list(milestones.for_timeline(as_of))
        timeline = charts.timeline(timeline_milestones, as_of)
    else:
        timeline_milestones = []
        timeline = charts.timeline_by_year(milestones.for_timeline_by_year(as_of), as_of)
    overdue = list(milestones.overdue_as_of(as_of)[:OVERDUE_LIMIT])
    by_group = progress_by(milestones, "stakeholder_groups", as_of)
    groups = [
        {"group": group, "progress": by_group.get(group.pk, Progress())}
        for group in StakeholderGroup.objects.order_by("order", "slug")
    ]
    return render(
        request,
        "roadmaps/sector_dashboard.html",
        {
            "sector": sector,
            "roadmap": roadmap,
            "progress": progress,
            "slippage": slippage,
            "themes": themes,
            "timeline": timeline,
            "timeline_milestones": timeline_milestones,
            "breakdown": charts.status_breakdown(counts),
            "overdue": overdue,
            "groups": groups,
            "as_of": as_of,
            "params": params,
        },
    )


@require_safe
def milestone_list(request, slug):
    """Queries: sector, then milestone_list_response's."""
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    sector = get_object_or_404(Sector, slug=slug)
    as_of = params.cleaned_data["as_of"]
    filterset = MilestoneFilter(
        request.GET,
        Milestone.objects.in_sector(sector).with_status_as_of(as_of),
        as_of=as_of,
        targets=Target.objects.in_sector(sector).order_by("code"),
    )
    return milestone_list_response(
        request,
        filterset=filterset,
        params=params,
        title=sector.name,
        filename=sector.slug,
        context={"sector": sector},
    )


@require_safe
def milestone_detail(request, code):
    """Queries: the milestone with its target and sector, its stakeholder groups, its history."""
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    milestone = get_object_or_404(
        with_group_names(exports.for_export(Milestone.objects.all(), as_of)), code=code
    )
    updates = list(MilestoneUpdate.objects.for_milestone(milestone, as_of))
    deadlines = deadline_history(milestone.due_as_of, updates)
    if params.cleaned_data["format"] == "json":
        return JsonResponse(
            {
                "as_of": as_of.isoformat(),
                "milestone": exports.milestone_row(milestone, as_of),
                "deadline": deadlines.as_dict(),
                "updates": [
                    {
                        "created_at": update.created_at.isoformat(),
                        "kind": update.kind,
                        "status_before": update.status_before,
                        "status_after": update.status_after,
                        "due_date_before": update.due_date_before
                        and update.due_date_before.isoformat(),
                        "due_date_after": update.due_date_after
                        and update.due_date_after.isoformat(),
                        "note": update.note,
                        "evidence_url": update.evidence_url,
                        "author": update.author.display_name if update.author else None,
                    }
                    for update in updates
                ],
            }
        )
    return render(
        request,
        "roadmaps/milestone_detail.html",
        {
            "milestone": milestone,
            # Also for the page head's link to the sector's Atom feed.
            "sector": milestone.target.roadmap.sector,
            "overdue": milestone.is_overdue(as_of, status=milestone.status_as_of),
            "updates": updates,
            "deadlines": deadlines,
            "as_of": as_of,
            "params": params,
        },
    )
