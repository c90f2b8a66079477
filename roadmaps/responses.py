"""How the public pages answer: their parameters, a 400, a CSV download, and a milestone list
as HTML, CSV or JSON. Shared by roadmaps.views, stakeholders.views and roadmaps.open_data_views.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from resourcing.lib.languages import DATA_FORMATS, use_data_language
from roadmaps import exports
from roadmaps.filters import PageParamsForm
from roadmaps.pages import with_group_names

PAGE_SIZE = 50


def read_params(request, formats):
    """Validate `as_of` and `format`; returns (form, error response or None).

    Asked for data (`format=csv|json`, once, among `formats`), the page answers in English
    whatever its language, errors included: data has one canonical form."""
    asked = request.GET.getlist("format")
    if len(asked) == 1 and asked[0] in formats and asked[0] in DATA_FORMATS:
        use_data_language()
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


def csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.write_csv(rows, response)
    return response


def milestone_list_response(
    request, page, params, *, template="roadmaps/milestone_list.html", context=None
):
    """The milestone list of `page` (roadmaps.pages) as HTML (paginated), CSV or JSON: the
    same FilterSet, the same order.

    Queries: the FilterSet's choice validations (one per given theme/target/group), then
    HTML: count, one page of rows, their stakeholder groups, and the form's three selects;
    CSV/JSON: the rows, their stakeholder groups.
    """
    as_of = page.as_of
    output = params.cleaned_data["format"]
    filterset = page.filterset
    context = {
        **(context or {}),
        "filter": filterset,
        "as_of": as_of,
        "title": page.title,
        "params": params,
    }
    if not filterset.is_valid():
        return bad_request(
            request, filterset.errors, json=output == "json", template=template, context=context
        )
    milestones = exports.for_export(filterset.qs, as_of)
    if output == "csv":
        return csv_response(
            (exports.milestone_row(m, as_of) for m in milestones),
            f"resourcing-{page.slug}-milestones-{as_of.isoformat()}.csv",
        )
    if output == "json":
        rows = [exports.milestone_row(m, as_of) for m in milestones]
        return JsonResponse(exports.json_document(rows))
    rows = with_group_names(milestones.with_review(as_of))
    paginated = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {**context, "page": paginated})
