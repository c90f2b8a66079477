"""Display helpers of the public pages: classification and status as a word and a symbol."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from roadmaps import charts
from roadmaps.models import Status
from roadmaps.progress import Classification

register = template.Library()

NONE = "\u2013"  # an en dash: no value

# Never colour alone: each classification and status has a word and a symbol.
CLASSIFICATIONS = {
    Classification.ACHIEVED: ("✓", _("Achieved")),
    Classification.ON_TRACK: ("●", _("On track")),
    Classification.MODERATE: ("◐", _("Moderate progress")),
    Classification.OFF_TRACK: ("✕", _("Off track")),
    Classification.NO_DATA: (NONE, _("No data")),
}
STATUSES = {
    Status.ACHIEVED: "✓",
    Status.IN_PROGRESS: "■",
    Status.NOT_STARTED: "○",
    Status.AT_RISK: "▲",
    Status.DISCONTINUED: "✕",
}


@register.simple_tag
def classification_badge(classification):
    symbol, label = CLASSIFICATIONS.get(classification, CLASSIFICATIONS[Classification.NO_DATA])
    return format_html(
        '<span class="badge cls-{}"><span aria-hidden="true">{}</span> {}</span>',
        classification,
        symbol,
        label,
    )


@register.simple_tag
def status_badge(status):
    label = dict(Status.choices).get(status, status)
    return format_html(
        '<span class="badge st-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        STATUSES.get(status, "?"),
        label,
    )


@register.filter
def percent(share):
    """A share (Fraction or None) as a percentage with one decimal: "33.3%"; a dash when none."""
    if share is None:
        return NONE
    return f"{float(share) * 100:.1f}%"


@register.inclusion_tag("roadmaps/_progress_bar.html")
def progress_bar(progress):
    return {"bar": charts.progress_bar(progress), "progress": progress}


@register.filter
def overdue_on(milestone, as_of):
    """The model's rule, with the status as of the page's day when it was annotated."""
    return milestone.is_overdue(as_of, status=getattr(milestone, "status_as_of", None))


@register.simple_tag(takes_context=True)
def snapshot_query(context, separator="?"):
    """`?as_of=YYYY-MM-DD` (or `&as_of=...`) on a snapshot page, so its links stay on that day."""
    params = context.get("params")
    if params is None or not params.is_snapshot:
        return ""
    # A plain str, so that "&" is escaped (a template literal arrives marked safe).
    separator = "&" if separator == "&" else "?"
    return format_html("{}as_of={}", separator, context["as_of"].isoformat())


@register.filter
def last_day(rows):
    """The last period's day of a progress-over-time chart, as YYYY-MM-DD."""
    return rows[-1]["day"].isoformat() if rows else ""
