"""The dashboards' verdict: one sentence saying why, and the methodology section explaining it."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from roadmaps.progress import MODERATE_RATIO, ON_TRACK_RATIO, Classification

register = template.Library()


def _ratio(progress) -> str:
    # Rounded for display only: the classification uses the exact counts (roadmaps.progress).
    return number_format(round(progress.achieved / progress.due, 2), 2)


@register.simple_tag
def verdict_reason(progress, as_of):
    """Why a progress block has its classification, in one sentence."""
    day = date_format(as_of)
    classification = progress.classification
    if classification == Classification.NO_DATA:
        return _("No milestone is counted here yet, so there is nothing to assess.")
    if classification == Classification.ACHIEVED:
        return _("All %(counted)s counted milestones are achieved.") % {"counted": progress.counted}
    if progress.due == 0:
        return _(
            "No milestone was due by %(day)s, so none can be late yet: %(achieved)s of "
            "%(counted)s achieved early."
        ) % {"day": day, "achieved": progress.achieved, "counted": progress.counted}
    values = {
        "achieved": progress.achieved,
        "due": progress.due,
        "day": day,
        "ratio": _ratio(progress),
        "on_track": number_format(float(ON_TRACK_RATIO), 2),
        "moderate": number_format(float(MODERATE_RATIO), 2),
    }
    if classification == Classification.ON_TRACK:
        return (
            _(
                "%(achieved)s achieved, %(due)s due by %(day)s: ratio achieved ÷ due = %(ratio)s, "
                "at least %(on_track)s."
            )
            % values
        )
    if classification == Classification.MODERATE:
        return (
            _(
                "%(achieved)s achieved, %(due)s due by %(day)s: ratio achieved ÷ due = %(ratio)s, "
                "from %(moderate)s to below %(on_track)s."
            )
            % values
        )
    return (
        _(
            "%(achieved)s achieved, %(due)s due by %(day)s: ratio achieved ÷ due = %(ratio)s, "
            "below %(moderate)s."
        )
        % values
    )


@register.simple_tag
def method_link(classification, text=None):
    """A link to the methodology's section on one classification."""
    return format_html(
        '<a class="method-link" href="{}#cls-{}">{}</a>',
        reverse("roadmaps:methodology"),
        classification,
        text or _("How this is computed"),
    )


@register.simple_tag(takes_context=True)
def printed_url(context):
    """The page's address for its printed footer, with the page's own parameters only
    (pagecache.keys.page_query: utm_source and the like left out, so they change no page)."""
    from pagecache.keys import page_query

    request = context["request"]
    query = page_query(request)
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")
