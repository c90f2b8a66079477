"""Public stakeholder-group pages: a scorecard per sector and the group's milestones."""

from django.views.decorators.http import require_safe

from roadmaps import pages
from roadmaps.responses import milestone_list_response, read_params


@require_safe
def group_detail(request, slug):
    """Queries: group_milestones_page's, then milestone_list_response's."""
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of, output = params.cleaned_data["as_of"], params.cleaned_data["format"]
    page = pages.group_milestones_page(slug, request.GET, as_of, details=output == "html")
    return milestone_list_response(
        request,
        page,
        params,
        template="stakeholders/group_detail.html",
        context={"group": page.group, "scorecard": page.scorecard},
    )
