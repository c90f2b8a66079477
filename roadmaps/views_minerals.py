"""Minerals across the roadmaps: `/minerals/` and `/minerals/<slug>/`.

Each view reads its parameters, calls its page's read (roadmaps.pages: every number from
roadmaps.progress, the one engine) and renders it as HTML, CSV (the roadmap CSV, through the
one MilestoneFilter) or JSON (roadmaps.serializers).
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roadmaps import exports, pages, serializers
from roadmaps.responses import bad_request, csv_response, read_params


@require_safe
def mineral_index(request):
    params, error = read_params(request, formats=("html", "json"))
    if error:
        return error
    page = pages.mineral_index_page(params.cleaned_data["as_of"])
    if params.cleaned_data["format"] == "json":
        return JsonResponse(serializers.mineral_index_document(page))
    context = {"minerals": page.minerals, "as_of": page.as_of, "params": params}
    return render(request, "minerals/mineral_index.html", context)


@require_safe
def mineral_detail(request, slug):
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of, output = params.cleaned_data["as_of"], params.cleaned_data["format"]
    page = pages.mineral_page(slug, request.GET, as_of, output=output)
    context = {**vars(page), "filter": page.filterset, "count": len(page.rows), "params": params}
    if not page.filterset.is_valid():
        return bad_request(
            request,
            page.filterset.errors,
            json=output == "json",
            template="minerals/mineral_detail.html",
            context=context,
        )
    if output == "csv":
        return csv_response(
            (exports.milestone_row(milestone, as_of) for milestone in page.rows),
            f"resourcing-mineral-{page.mineral.slug}-milestones-{as_of.isoformat()}.csv",
        )
    if output == "json":
        return JsonResponse(serializers.mineral_document(page))
    return render(request, "minerals/mineral_detail.html", context)
