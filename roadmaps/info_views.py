"""Public pages that explain and find: the methodology, the feeds, and search.

Anonymous and GET-only like the dashboards (pagecache.middleware caches them).
"""

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from indicators.views import methodology_context
from resourcing.lib.dates import today
from resourcing.lib.validators import validate_no_control_characters
from roadmaps import pages, search
from roadmaps.filters import OneValueEachForm
from roadmaps.models import Sector
from roadmaps.progress import MODERATE_RATIO, ON_TRACK_RATIO
from roadmaps.responses import bad_request, read_params


@require_safe
def methodology(request):
    """How every status, verdict and number is defined, with worked examples from today's
    data. Queries: the overview's two (sectors, progress by sector), then the indicators
    section's three (indicators.views.methodology_context)."""
    as_of = today()
    overview = pages.overview_page(as_of, details=False)
    examples = [
        {
            "sector": sector,
            "progress": progress,
            "ratio": (progress.achieved / progress.due) if progress.due else None,
        }
        for sector, progress in overview.sectors
    ]
    context = {
        "as_of": as_of,
        "examples": examples,
        "on_track_ratio": float(ON_TRACK_RATIO),
        "moderate_ratio": float(MODERATE_RATIO),
        **methodology_context(as_of),
    }
    return render(request, "roadmaps/methodology.html", context)


@require_safe
def feeds_page(request):
    """What the Atom feeds are and how to subscribe. Queries: the sectors."""
    return render(request, "roadmaps/feeds.html", {"sectors": Sector.objects.for_overview()})


class SearchForm(OneValueEachForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=search.QUERY_MAX_LENGTH,
        validators=[validate_no_control_characters],
        error_messages={
            "max_length": _("q is too long: at most %(limit_value)d characters."),
        },
    )


@require_safe
def search_view(request):
    """Queries: search.search_page's, one per kind (none for an empty q)."""
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    output = params.cleaned_data["format"]
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {"q": [str(message) for message in form.errors["q"]]}
        return bad_request(request, errors, json=output == "json")
    query = form.cleaned_data["q"].strip()
    page = search.search_page(query)
    if output == "json":
        return JsonResponse(page.as_dict())
    return render(request, "roadmaps/search.html", {"page": page, "search_q": query})
