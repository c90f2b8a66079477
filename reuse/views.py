"""Reuse beyond the site: badges (SVG), embeddable views and the printable sector report.

Badges and embeds read the same page reads as their pages (roadmaps.pages, details=False):
no second computation. They take `as_of` and nothing else; any other parameter answers 400
naming it, in the badge's or the embed's own content type. Only embeds may be framed, by any
site: `xframe_options_exempt` and django-csp's `csp_replace` mark their responses, and
`pagecache.middleware.cached_page` keeps their 304s and cached copies inside those marks.
"""

from csp.decorators import csp_replace
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from pagecache.middleware import cached_page
from reuse import badges
from roadmaps import pages
from roadmaps.filters import PageParamsForm
from roadmaps.models import Provenance
from roadmaps.open_data_views import ATTRIBUTION, LICENCE_NAME, LICENCE_URL
from roadmaps.progress import BASIS_MEASURES, PROVENANCES
from roadmaps.responses import read_params

# The one parameter badges and embeds take: a snapshot of a past day.
TAKES = ("as_of",)
SVG = "image/svg+xml; charset=utf-8"


def read_as_of(request):
    """(as_of, None) or (None, {parameter: [messages]}): unknown parameters first."""
    unknown = sorted(name for name in request.GET if name not in TAKES)
    if unknown:
        message = _("This address takes no parameter %(names)s (only as_of).") % {
            "names": ", ".join(unknown)
        }
        return None, {name: [message] for name in unknown}
    params = PageParamsForm(request.GET, formats=("html",))
    if not params.is_valid():
        return None, {name: [str(m) for m in messages] for name, messages in params.errors.items()}
    return params, None


def svg_response(badge, status=200) -> HttpResponse:
    return HttpResponse(badge.svg(), content_type=SVG, status=status)


def _badge_view(label, read, build):
    """A badge view: 400 and 404 come as badges too, so an <img> shows what is wrong."""

    @require_safe
    def view(request, **kwargs):
        params, errors = read_as_of(request)
        if errors:
            message = "; ".join(f"{name}: {messages[0]}" for name, messages in errors.items())
            return svg_response(badges.message_badge(label, message), status=400)
        as_of = params.cleaned_data["as_of"]
        try:
            page = read(as_of=as_of, **kwargs)
        except Http404:
            return svg_response(badges.message_badge(label, _("not found")), status=404)
        return svg_response(build(page, as_of))

    return view


sector_badge = _badge_view(
    _("roadmap"),
    lambda *, as_of, slug: pages.sector_dashboard_page(slug, as_of, details=False),
    lambda page, as_of: badges.sector_badge(page),
)
milestone_badge = _badge_view(
    _("milestone"),
    lambda *, as_of, code: pages.milestone_page(code, as_of, details=False),
    lambda page, as_of: badges.milestone_badge(page),
)
indicator_badge = _badge_view(
    _("indicator"),
    lambda *, as_of, code: pages.indicator_page(code, as_of, details=False),
    badges.indicator_badge,
)


def framable_by_any_site(view):
    """Any site may show this page in a frame; the page cache answers inside the marks."""
    return require_safe(
        xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(cached_page(view)))
    )


def _embed_bad_request(request, errors):
    return render(request, "reuse/embed_error.html", {"errors": errors}, status=400)


def _embed(request, template, context_as_of):
    """An embed at `?as_of=` (a 400 page naming the parameter when it is bad)."""
    params, errors = read_as_of(request)
    if errors:
        return _embed_bad_request(request, errors)
    context = context_as_of(params.cleaned_data["as_of"])
    return render(request, template, {**context, "params": params})


@framable_by_any_site
def embed_sector(request, slug):
    """Queries: sector_dashboard_page(details=False)'s."""
    return _embed(
        request,
        "reuse/embed_sector.html",
        lambda as_of: vars(pages.sector_dashboard_page(slug, as_of, details=False)),
    )


def _indicator_context(code, as_of):
    indicator = pages.indicator_page(code, as_of, details=False)
    return {"indicator": indicator, "progress": indicator.progress, "as_of": as_of}


@framable_by_any_site
def embed_indicator(request, code):
    """Queries: indicator_page(details=False)'s."""
    return _embed(
        request, "reuse/embed_indicator.html", lambda as_of: _indicator_context(code, as_of)
    )


@require_safe
def sector_report(request, slug):
    """The printable report. Queries: sector_report_page's."""
    params, error = read_params(request, formats=("html",))
    if error:
        return error
    as_of = params.cleaned_data["as_of"]
    report = pages.sector_report_page(slug, as_of)
    progress = report.dashboard.progress
    basis_rows = [
        {
            "label": Provenance(provenance).label,
            **{
                measure: progress.provenance_counts(measure)[provenance]
                for measure in BASIS_MEASURES
            },
        }
        for provenance in PROVENANCES
    ]
    context = {
        "basis_rows": basis_rows,
        **vars(report.dashboard),
        "report_overdue": report.overdue,
        "over_time": report.over_time,
        "redated": report.redated,
        "params": params,
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
    }
    return render(request, "reuse/sector_report.html", context)
