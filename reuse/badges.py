"""Badges: a sector's classification, a milestone's status or an indicator's category, in
words and a number, as a small SVG other sites show with <img>.

The text is text (not paths), so it stays sharp and readable when zoomed to 200 %; sizes are
in px of the SVG's own coordinate system. Colour never carries the meaning alone: the symbol
and the words of the site's badges (roadmaps_extras, indicators_extras) are in the image, and
its <title> says it all in one sentence.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from indicators.exports import text as number_text
from indicators.progress import Category
from indicators.templatetags.indicators_extras import SYMBOLS as CATEGORY_SYMBOLS
from roadmaps.models import Status
from roadmaps.progress import Classification
from roadmaps.templatetags.roadmaps_extras import CLASSIFICATIONS, STATUSES, percent

HEIGHT = 24
FONT_SIZE = 13
PADDING = 8
# Fills behind white text, each with a contrast ratio of 4.5:1 or more (WCAG AA): the colours
# of site.css's badges.
LABEL_FILL = "#3d3d3d"
FILLS = {
    "good": "#1b6e20",
    "info": "#0b5394",
    "warn": "#8a4b00",
    "bad": "#b00020",
    "none": "#555555",
}
CLASSIFICATION_TONES = {
    Classification.ACHIEVED: "good",
    Classification.ON_TRACK: "info",
    Classification.MODERATE: "warn",
    Classification.OFF_TRACK: "bad",
    Classification.NO_DATA: "none",
}
STATUS_TONES = {
    Status.ACHIEVED: "good",
    Status.IN_PROGRESS: "info",
    Status.NOT_STARTED: "none",
    Status.AT_RISK: "warn",
    Status.DISCONTINUED: "none",
}
CATEGORY_TONES = {
    Category.TARGET_MET: "good",
    Category.ON_TRACK: "info",
    Category.MODERATE: "warn",
    Category.INSUFFICIENT: "bad",
    Category.MOVING_AWAY: "bad",
    Category.NO_DATA: "none",
    Category.NO_TARGET: "none",
}

# Advance widths in em of a common sans-serif (Verdana-like, the widest of the usual
# fallbacks, so the estimate errs wide); textLength then fits the text to the box exactly
# whichever font the viewer has.
_NARROW = set("fijlrtI!.,:;'|()[] ")
_WIDE = set("mwMW%@")


def text_width(value: str) -> int:
    em = 0.0
    for char in value:
        if char in _NARROW:
            em += 0.38
        elif char in _WIDE:
            em += 0.95
        elif char.isupper() or char.isdigit() or not char.isascii():
            em += 0.72
        else:
            em += 0.6
    return round(em * FONT_SIZE)


@dataclass(frozen=True)
class Badge:
    label: str  # the left part: what is measured ("Mobility roadmap")
    value: str  # the right part: the verdict in words and a number
    title: str  # one sentence for assistive technology
    tone: str = "none"

    @property
    def label_width(self) -> int:
        return text_width(self.label) + 2 * PADDING

    @property
    def value_width(self) -> int:
        return text_width(self.value) + 2 * PADDING

    def svg(self) -> str:
        label_width, value_width = self.label_width, self.value_width
        return render_to_string(
            "reuse/badge.svg",
            {
                "badge": self,
                "width": label_width + value_width,
                "height": HEIGHT,
                "font_size": FONT_SIZE,
                "baseline": HEIGHT // 2 + FONT_SIZE * 35 // 100,
                "label_width": label_width,
                "label_text_width": label_width - 2 * PADDING,
                "label_x": label_width // 2,
                "value_width": value_width,
                "value_text_width": value_width - 2 * PADDING,
                "value_x": label_width + value_width // 2,
                "label_fill": LABEL_FILL,
                "value_fill": FILLS[self.tone],
            },
        )


def sector_badge(page) -> Badge:
    """From roadmaps.pages.sector_dashboard_page(details=False)."""
    progress = page.progress
    symbol, word = CLASSIFICATIONS[progress.classification]
    label = _("%(sector)s roadmap") % {"sector": page.sector.name}
    if progress.counted:
        value = _("%(symbol)s %(word)s · %(actual)s achieved") % {
            "symbol": symbol,
            "word": word,
            "actual": percent(progress.actual),
        }
        title = _(
            "%(label)s: %(word)s. %(achieved)s of %(counted)s milestones achieved "
            "(%(actual)s), %(expected)s expected by %(day)s; %(overdue)s overdue."
        ) % {
            "label": label,
            "word": word,
            "achieved": progress.achieved,
            "counted": progress.counted,
            "actual": percent(progress.actual),
            "expected": percent(progress.expected),
            "day": page.as_of.isoformat(),
            "overdue": progress.overdue,
        }
    else:
        value = f"{symbol} {word}"
        title = _("%(label)s: no milestones counted yet.") % {"label": label}
    return Badge(label, value, title, CLASSIFICATION_TONES[progress.classification])


def milestone_badge(page) -> Badge:
    """From roadmaps.pages.milestone_page(details=False)."""
    milestone = page.milestone
    status = milestone.status_as_of
    word = dict(Status.choices)[status]
    due = milestone.due_date.isoformat()
    if page.overdue:
        value = _("%(symbol)s %(word)s · overdue since %(due)s")
        tone = "bad"
    else:
        value = _("%(symbol)s %(word)s · due %(due)s")
        tone = STATUS_TONES[status]
    value = value % {"symbol": STATUSES[status], "word": word, "due": due}
    title = _("Milestone %(code)s, %(title)s: %(state)s (as of %(day)s).") % {
        "code": milestone.code,
        "title": milestone.title,
        "state": value.split(" ", 1)[1],
        "day": page.as_of.isoformat(),
    }
    return Badge(milestone.code, value, title, tone)


def indicator_badge(indicator, as_of) -> Badge:
    """From roadmaps.pages.indicator_page(details=False)."""
    category = indicator.progress.category
    word = Category.LABELS[category]
    latest = indicator.latest
    if latest is not None:
        value = _("%(symbol)s %(word)s · %(value)s %(unit)s (%(period)s)") % {
            "symbol": CATEGORY_SYMBOLS[category],
            "word": word,
            "value": number_text(latest.value),
            "unit": indicator.unit,
            "period": latest.period_label,
        }
    else:
        value = f"{CATEGORY_SYMBOLS[category]} {word}"
    title = _("Indicator %(code)s, %(title)s: %(state)s (as of %(day)s).") % {
        "code": indicator.code,
        "title": indicator.title,
        "state": value.split(" ", 1)[1],
        "day": as_of.isoformat(),
    }
    return Badge(indicator.code, value, title, CATEGORY_TONES[category])


def message_badge(label: str, message: str) -> Badge:
    """A badge saying what went wrong (an unknown code, a parameter not taken)."""
    return Badge(label, message, f"{label}: {message}", "bad")
