"""Display helpers of the indicator pages: a category as a word and a symbol, numbers as text."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.progress import Category, Method
from resourcing.lib import numbers

register = template.Library()

NONE = "\u2013"
# Never colour alone: a symbol and a word for each category.
SYMBOLS = {
    Category.TARGET_MET: "✓",
    Category.ON_TRACK: "●",
    Category.MODERATE: "◐",
    Category.INSUFFICIENT: "◔",
    Category.MOVING_AWAY: "✕",
    Category.NO_DATA: NONE,
    Category.NO_TARGET: "○",
}
FLAG_LABELS = {
    "provisional": _("provisional"),
    "estimated": _("estimated"),
    "break_in_series": _("break in series"),
}


@register.simple_tag
def category_badge(category):
    return format_html(
        '<span class="badge ind-{}"><span aria-hidden="true">{}</span> {}</span>',
        category,
        SYMBOLS.get(category, NONE),
        Category.LABELS.get(category, category),
    )


@register.filter
def number(value):
    """A Decimal in full (no exponent, no trailing zeros) in the reader's locale ("12,5" in
    German); a dash for none."""
    if value is None:
        return NONE
    return numbers.decimal(value)


@register.filter
def rounded(value, places=2):
    if value is None:
        return NONE
    return numbers.fixed(value, places)


@register.simple_tag
def rate(progress, which):
    """The actual or required change per year: a growth rate in % or percentage points."""
    value = getattr(progress, which)
    if value is None:
        return NONE
    if progress.method == Method.SHARE:
        return _("%(value)s percentage points a year") % {"value": numbers.signed(value, 3)}
    return _("%(value)s %% a year") % {"value": numbers.signed(float(value) * 100, 3)}


@register.filter
def flag_labels(measurement):
    return ", ".join(str(FLAG_LABELS[flag]) for flag in measurement.flags)
