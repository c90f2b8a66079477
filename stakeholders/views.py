"""Public stakeholder-group pages: a scorecard per sector and the group's milestones."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from roadmaps.filters import MilestoneFilter
from roadmaps.models import Milestone, Sector, Target
from roadmaps.progress import Progress, progress_by
from roadmaps.views import milestone_list_response, read_params
from stakeholders.models import StakeholderGroup


@require_safe
def group_detail(request, slug):
    """Queries: group, sectors, progress by sector, then milestone_list_response's."""
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    group = get_object_or_404(StakeholderGroup, slug=slug)
    milestones = Milestone.objects.current().filter(stakeholder_groups=group)
    scorecard = []
    if params.cleaned_data["format"] == "html":
        by_sector = progress_by(milestones, "target__roadmap__sector", as_of)
        scorecard = [
            {"sector": sector, "progress": by_sector.get(sector.pk, Progress())}
            for sector in Sector.objects.for_overview()
        ]
    filterset = MilestoneFilter(
        request.GET,
        milestones.with_status_as_of(as_of),
        as_of=as_of,
        targets=Target.objects.filter(roadmap__is_current=True).order_by("code"),
        fixed_group=True,
    )
    return milestone_list_response(
        request,
        filterset=filterset,
        params=params,
        title=group.name,
        filename=group.slug,
        context={"group": group, "scorecard": scorecard},
        template="stakeholders/group_detail.html",
    )
