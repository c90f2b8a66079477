"""How recent an item is, and what its status rests on: words, never colour alone."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from roadmaps.freshness import indicator_freshness, milestone_freshness

register = template.Library()


def _mark(freshness):
    if freshness.is_current:
        return ""
    if freshness.reviewed_on is None:
        return format_html('<span class="tag not-reviewed">{}</span>', _("Never reviewed"))
    return format_html(
        '<span class="tag not-reviewed">{} <time datetime="{}">{}</time></span>',
        _("Not reviewed since"),
        freshness.reviewed_on.isoformat(),
        _shown(freshness.reviewed_on),
    )


def _shown(day) -> str:
    """A day as the reader's locale writes it in a table (ISO in English)."""
    return date_format(day, "SHORT_DATE_FORMAT")


@register.simple_tag
def review_mark(milestone, as_of):
    """ "Not reviewed since <date>" (or "Never reviewed") when outside the sector's interval;
    nothing otherwise. `milestone` comes from a QuerySet `with_review(as_of)` with its
    sector joined; a table of rows read without them (the timeline's) shows nothing."""
    if not hasattr(milestone, "last_reviewed_at"):
        return ""
    return _mark(milestone_freshness(milestone, as_of))


@register.simple_tag
def indicator_review_mark(indicator, as_of):
    return _mark(indicator_freshness(indicator, as_of))


@register.simple_tag
def last_reviewed(milestone, as_of):
    """The day of the last review, and the mark when it is too long ago."""
    freshness = milestone_freshness(milestone, as_of)
    mark = _mark(freshness)
    if mark:
        return mark
    if freshness.reviewed_on is None:
        return format_html("{}", _("Never"))
    day = freshness.reviewed_on
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), _shown(day))


@register.simple_tag
def indicator_last_reviewed(indicator, as_of):
    freshness = indicator_freshness(indicator, as_of)
    if freshness.reviewed_on is None:
        return format_html('<span class="tag not-reviewed">{}</span>', _("No value yet"))
    day = freshness.reviewed_on
    if not freshness.is_current:
        return _mark(freshness)
    return format_html(
        '<time datetime="{}">{}</time> ({} <time datetime="{}">{}</time>)',
        day.isoformat(),
        _shown(day),
        _("next release expected by"),
        freshness.review_due.isoformat(),
        _shown(freshness.review_due),
    )


@register.simple_tag
def status_basis(milestone, link=False):
    """Whether the status rests on evidence (its newest status change has an evidence link)
    or was reported with a note only; nothing when the status is the roadmap's own (no
    history). `milestone` comes from a QuerySet `with_review(as_of)`."""
    evidence = getattr(milestone, "status_evidence_url", None)
    if evidence is None:
        return ""
    if evidence:
        if link:
            return format_html(
                '<span class="tag evidenced">{}</span> <a href="{}" rel="nofollow noopener">{}</a>',
                _("Evidenced"),
                evidence,
                _("evidence"),
            )
        return format_html('<span class="tag evidenced">{}</span>', _("Evidenced"))
    return format_html('<span class="tag reported">{}</span>', _("Reported (note only)"))
