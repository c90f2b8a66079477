"""Display helpers of the public pages: classification and status as a word and a symbol."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from resourcing.lib import numbers
from roadmaps import charts
from roadmaps.models import Provenance, Status
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
    """A share (Fraction or None) as a percentage with one decimal, in the reader's locale:
    "33.3%" ("33,3 %" in German); a dash when none."""
    if share is None:
        return NONE
    return numbers.percent(share)


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


@register.simple_tag
def progress_basis(progress):
    """What a verdict rests on, as one sentence: "5 milestones due, 4 achieved (of 9 counted);
    due by source: 5 EU law, 0 roadmap, 0 illustrative; 1 project event left out"."""
    due = progress.provenance_counts("due")
    sentence = ngettext(
        "%(due)d milestone due, %(achieved)d achieved (of %(counted)d counted)",
        "%(due)d milestones due, %(achieved)d achieved (of %(counted)d counted)",
        progress.due,
    ) % {"due": progress.due, "achieved": progress.achieved, "counted": progress.counted}
    sentence += "; " + _(
        "due by source: %(eu_law)d EU law, %(roadmap)d roadmap, %(illustrative)d illustrative"
    ) % {
        "eu_law": due[Provenance.EU_LAW],
        "roadmap": due[Provenance.ROADMAP],
        "illustrative": due[Provenance.ILLUSTRATIVE],
    }
    if progress.project_events:
        sentence += "; " + ngettext(
            "%(count)d project event left out",
            "%(count)d project events left out",
            progress.project_events,
        ) % {"count": progress.project_events}
    return sentence + "."


@register.filter
def signed_months(months):
    """A slip in months with its sign: "+24 months", "-3 months", "0 months"."""
    if months is None:
        return NONE
    sign = "+" if months > 0 else ""
    # gettext's plural forms take whole numbers (a float is deprecated, and an error in the
    # suite); a fraction (a median of 1.5) takes the plural form, as in these five languages.
    count = int(abs(months)) if float(months).is_integer() else 2
    return ngettext("%(months)s month", "%(months)s months", count) % {
        "months": f"{sign}{numbers.localized(f'{months:g}')}"
    }


@register.filter
def iso_date(text):
    """A YYYY-MM-DD string (as proposals keep dates) as a date, for the `date` filter."""
    return datetime.date.fromisoformat(text) if text else None


@register.filter
def last_day(rows):
    """The last period's day of a progress-over-time chart (None for no rows)."""
    return rows[-1]["day"] if rows else None
