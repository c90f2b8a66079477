"""Public indicator pages, the methodology page, and the stewards' measurement form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from indicators import charts, exports
from indicators.filters import IndicatorFilter
from indicators.forms import MeasurementForm
from indicators.models import Indicator, Measurement, current_values
from indicators.progress import Category, required_path, with_progress
from indicators.services import StaleVersionError, may_record, record_measurement

# The shared page helpers of the public pages (400 naming a parameter, CSV responses).
from roadmaps.responses import bad_request, read_params

WORKED_EXAMPLE_CODE = "RES-SHARE"
WORKED_EXAMPLE_GROWTH_CODE = "GHG-NET"


def csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.write_csv(rows, response)
    return response


@require_safe
def indicator_list(request):
    """Queries: the FilterSet's choice validations (one per given filter), indicators, their
    measurements, sectors, minerals and stages; HTML adds the form's three selects."""
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    output = params.cleaned_data["format"]
    filterset = IndicatorFilter(request.GET, Indicator.objects.all())
    if not filterset.is_valid():
        return bad_request(
            request,
            filterset.errors,
            json=output == "json",
            template="indicators/indicator_list.html",
            context={"filter": filterset, "as_of": as_of, "params": params, "indicators": []},
        )
    indicators = with_progress(list(filterset.qs.for_list(as_of).with_links()), as_of)
    if output == "csv":
        return csv_response(
            exports.measurement_rows(indicators),
            f"resourcing-indicators-{as_of.isoformat()}.csv",
        )
    if output == "json":
        results = [exports.indicator_dict(i, i.progress) for i in indicators]
        return JsonResponse({"as_of": as_of.isoformat(), "count": len(results), "results": results})
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "filter": filterset,
            "indicators": indicators,
            "download_query": query.urlencode(),
            "as_of": as_of,
            "params": params,
        },
    )


@require_safe
def indicator_detail(request, code):
    """Queries: the indicator, its measurements, sectors, minerals, stages, targets,
    milestones, groups."""
    params, error = read_params(request, formats=("html", "csv", "json"))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    output = params.cleaned_data["format"]
    indicator = get_object_or_404(Indicator.objects.for_detail(as_of), code=code)
    with_progress([indicator], as_of)
    if output == "csv":
        return csv_response(
            exports.measurement_rows([indicator]),
            f"resourcing-indicator-{indicator.code}-{as_of.isoformat()}.csv",
        )
    if output == "json":
        document = exports.indicator_dict(indicator, indicator.progress)
        document["revisions"] = exports.measurement_rows([indicator])
        return JsonResponse({"as_of": as_of.isoformat(), "indicator": document})
    values = current_values(indicator.published)
    path = required_path(indicator)
    path_by_year = dict(path)
    current_ids = {m.pk for m in values}
    rows = [{"measurement": m, "required": path_by_year.get(m.period)} for m in values]
    history = sorted(
        indicator.published, key=lambda m: (m.published_on, m.created_at), reverse=True
    )
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "progress": indicator.progress,
            "chart": charts.trajectory(indicator, values, path),
            "rows": rows,
            "path": path,
            "history": history,
            "current_ids": current_ids,
            "may_record": may_record(request.user, indicator)
            if request.user.is_authenticated
            else False,
            "as_of": as_of,
            "params": params,
        },
    )


@require_safe
def methodology(request):
    """The methodology page; its indicators section works an example from the real data.
    Queries: the two example indicators with their measurements and sectors."""
    from resourcing.lib.dates import today

    as_of = today()
    examples = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            code__in=[WORKED_EXAMPLE_CODE, WORKED_EXAMPLE_GROWTH_CODE]
        ).for_list(as_of)
    }
    with_progress(examples.values(), as_of)
    return render(
        request,
        "methodology.html",
        {
            "share_example": examples.get(WORKED_EXAMPLE_CODE),
            "growth_example": examples.get(WORKED_EXAMPLE_GROWTH_CODE),
            "categories": Category.LABELS.items(),
            "as_of": as_of,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_measurement_view(request, code):
    indicator = get_object_or_404(Indicator.objects.prefetch_related("sectors"), code=code)
    if not may_record(request.user, indicator):
        raise PermissionDenied(_("You do not steward a sector this indicator is linked to."))
    status = 200
    conflict = None
    if request.method != "POST":
        form = MeasurementForm(initial={"version": indicator.version})
    else:
        form = MeasurementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            period, month = data["period"]
            try:
                record_measurement(
                    indicator=indicator,
                    period=period,
                    month=month,
                    value=data["value"],
                    is_provisional=data["is_provisional"],
                    is_estimated=data["is_estimated"],
                    is_break_in_series=data["is_break_in_series"],
                    source_url=data["source_url"],
                    note=data["note"],
                    published_on=data["published_on"],
                    author=request.user,
                    expected_version=data["version"],
                )
            except StaleVersionError as exc:
                indicator.version = exc.indicator.version
                conflict = (
                    Measurement.objects.filter(indicator=indicator)
                    .select_related("author")
                    .order_by("-created_at", "-pk")
                    .first()
                )
                fresh = request.POST.copy()
                fresh["version"] = str(indicator.version)
                form = MeasurementForm(fresh)
                status = 409
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(code)s: the value for %(period)s is recorded and public.")
                    % {"code": indicator.code, "period": request.POST.get("period", "")},
                )
                return redirect(indicator)
        else:
            status = 400
    return render(
        request,
        "indicators/record_measurement.html",
        {"indicator": indicator, "form": form, "conflict": conflict},
        status=status,
    )
