"""Public pages: overview, sector dashboard, milestone list and milestone page.

Each view reads its parameters, calls its page's read (roadmaps.pages) and renders it as HTML
or JSON (roadmaps.serializers). Anonymous and GET-only: pagecache.middleware serves repeat
requests from the page cache and answers revalidations with 304.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roadmaps import pages, permissions, serializers
from roadmaps.responses import milestone_list_response, read_params


@require_safe
def overview(request):
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of, output = params.cleaned_data["as_of"], params.cleaned_data["format"]
    page = pages.overview_page(as_of, details=output == "html")
    if output == "json":
        return JsonResponse(serializers.overview_document(page))
    context = {
        "cards": page.cards,
        "updates": page.updates,
        "groups": page.groups,
        "as_of": as_of,
        "params": params,
    }
    return render(request, "roadmaps/overview.html", context)


@require_safe
def sector_dashboard(request, slug):
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    as_of, output = params.cleaned_data["as_of"], params.cleaned_data["format"]
    page = pages.sector_dashboard_page(slug, as_of, details=output == "html")
    if output == "json":
        return JsonResponse(serializers.sector_document(page))
    context = {**vars(page), "risks": page.risks, "params": params}
    return render(request, "roadmaps/sector_dashboard.html", context)


@require_safe
def milestone_list(request, slug):
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    page = pages.sector_milestones_page(slug, request.GET, params.cleaned_data["as_of"])
    return milestone_list_response(request, page, params, context={"sector": page.sector})


@require_safe
def milestone_detail(request, code):
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    output = params.cleaned_data["format"]
    page = pages.milestone_page(code, params.cleaned_data["as_of"], details=output == "html")
    if output == "json":
        return JsonResponse(serializers.milestone_document(page))
    context = {
        **vars(page),
        # Also for the page head's link to the sector's Atom feed.
        "sector": page.milestone.target.roadmap.sector,
        "overdue": page.overdue,
        "params": params,
        "may_update": _may_update(request, page.milestone),
    }
    return render(request, "roadmaps/milestone_detail.html", context)


def _may_update(request, milestone) -> bool:
    """Whether to offer the signed-in steward an "Update" link. Only a request carrying a
    session cookie loads the user: anonymous visits stay query-free here and cacheable (the
    page cache never serves nor stores requests with a session cookie, pagecache.middleware)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated and permissions.can_steward_milestone(
        request.user, milestone
    )
