"""Progress of an indicator towards its target: one definition, used by every page and export.

The method of Eurostat's SDG progress assessment, as Open SDG implements it (see the
methodology page, `/methodology/#indicators`):

- Only values published by the end of the as-of day count; a period's value is its newest
  publication (indicators.models.current_values). The baseline (year, value) and the target
  (year, value) are the indicator's. The latest value is that of the latest yearly period after
  the baseline year.
- Target met: the latest value has reached the target (>= for an increase, <= for a decrease).
- Growth-rate method (default): actual CAGR = (latest / baseline) ^ (1 / (t - t0)) - 1;
  required CAGR = (target / baseline) ^ (1 / (T - t0)) - 1. Needs a positive baseline and a
  positive target: zero or negative ones are refused when the indicator is saved (model
  constraints and clean(), with a message saying why).
- Share variant (the target is a percentage share to reach): actual and required change in
  percentage points per year, (latest - baseline) / (t - t0) and (target - baseline) / (T - t0).
  Exact (Fraction); works from a zero baseline.
- ratio = d x actual / |required| (d = +1 for an increase, -1 for a decrease; the absolute value
  keeps the sign of the ratio meaningful when the baseline was already beyond the target).
  A required change of zero (target = baseline, not met now) means the series moved away.
- ratio >= 0.95 on track; 0.6 <= ratio < 0.95 moderate progress; 0 <= ratio < 0.6 insufficient
  progress; ratio < 0 moving away. No baseline value or no value after the baseline year:
  no data. No target: no_target (shown, not assessed).

Computed exactly: Fractions for the share variant; Decimal with 50 significant digits for the
roots of the growth-rate method (deterministic on every platform). Rounding is for display.
"""

import datetime
import decimal
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from indicators.models import Direction, current_values

ON_TRACK_RATIO = Fraction(95, 100)
MODERATE_RATIO = Fraction(60, 100)
PRECISION = 50
RATIO_DECIMALS = 4


class Category:
    TARGET_MET = "target_met"
    ON_TRACK = "on_track"
    MODERATE = "moderate"
    INSUFFICIENT = "insufficient"
    MOVING_AWAY = "moving_away"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"

    LABELS = {
        TARGET_MET: _("Target met"),
        ON_TRACK: _("On track"),
        MODERATE: _("Moderate progress"),
        INSUFFICIENT: _("Insufficient progress"),
        MOVING_AWAY: _("Moving away from the target"),
        NO_DATA: _("No data"),
        NO_TARGET: _("Not assessed: no quantitative target"),
    }
    ALL = list(LABELS)


class Method:
    GROWTH_RATE = "growth_rate"
    SHARE = "share"


@dataclass(frozen=True)
class IndicatorProgress:
    category: str
    method: str
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    latest_year: int | None = None
    latest_value: Decimal | None = None
    target_year: int | None = None
    target_value: Decimal | None = None
    # Per year: a growth rate (0.05 = 5 %) or percentage points (share variant).
    actual: Fraction | Decimal | None = None
    required: Fraction | Decimal | None = None
    ratio: Fraction | Decimal | None = None

    @property
    def label(self):
        return Category.LABELS[self.category]

    def as_dict(self) -> dict:
        def number(value, places=RATIO_DECIMALS):
            return None if value is None else round(float(value), places)

        def text(value):
            return None if value is None else format(value.normalize(), "f")

        return {
            "category": self.category,
            "method": self.method,
            "baseline_year": self.baseline_year,
            "baseline_value": text(self.baseline_value),
            "latest_year": self.latest_year,
            "latest_value": text(self.latest_value),
            "target_year": self.target_year,
            "target_value": text(self.target_value),
            "actual": number(self.actual, 6),
            "required": number(self.required, 6),
            "ratio": number(self.ratio),
        }


def _rate(start: Decimal, end: Decimal, years: int) -> Decimal:
    """Compound annual growth rate from `start` to `end` over `years`, to 50 digits."""
    with decimal.localcontext() as context:
        context.prec = PRECISION
        if end == 0:
            return Decimal(-1)
        return (end / start) ** (Decimal(1) / Decimal(years)) - 1


def assess(indicator, measurements, as_of: datetime.date | None = None) -> IndicatorProgress:
    """Progress of `indicator` from its measurements (any order, all revisions), counting
    those published by the end of `as_of` (all when None)."""
    method = Method.SHARE if indicator.target_is_share else Method.GROWTH_RATE
    known = sorted(
        (m for m in measurements if as_of is None or m.published_on <= as_of),
        key=lambda m: (m.period, m.month, m.published_on, m.created_at),
    )
    base_year, base = indicator.baseline_year, indicator.baseline_value
    after_base = [
        m
        for m in current_values(known)
        if m.month == 0 and base_year is not None and m.period > base_year
    ]
    latest = after_base[-1] if after_base else None
    facts = {
        "method": method,
        "baseline_year": base_year,
        "baseline_value": base,
        "latest_year": latest.period if latest else None,
        "latest_value": latest.value if latest else None,
        "target_year": indicator.target_year,
        "target_value": indicator.target_value,
    }
    if not indicator.has_target:
        return IndicatorProgress(Category.NO_TARGET, **facts)
    if latest is None or base is None:
        return IndicatorProgress(Category.NO_DATA, **facts)
    d = 1 if indicator.direction == Direction.INCREASE else -1
    if d * (latest.value - indicator.target_value) >= 0:
        return IndicatorProgress(Category.TARGET_MET, **facts)
    years_done = latest.period - base_year
    years_all = indicator.target_year - base_year
    if method == Method.SHARE:
        actual = Fraction(latest.value - base) / years_done
        required = Fraction(indicator.target_value - base) / years_all
    else:
        actual = _rate(base, latest.value, years_done)
        required = _rate(base, indicator.target_value, years_all)
    if required == 0:
        # Target = baseline and not met now: the series went the wrong way since.
        return IndicatorProgress(
            Category.MOVING_AWAY, actual=actual, required=required, ratio=None, **facts
        )
    if method == Method.SHARE:
        ratio = d * actual / abs(required)
    else:
        with decimal.localcontext() as context:
            context.prec = PRECISION
            ratio = d * actual / abs(required)
    exact = Fraction(ratio)
    if exact >= ON_TRACK_RATIO:
        category = Category.ON_TRACK
    elif exact >= MODERATE_RATIO:
        category = Category.MODERATE
    elif exact >= 0:
        category = Category.INSUFFICIENT
    else:
        category = Category.MOVING_AWAY
    return IndicatorProgress(category, actual=actual, required=required, ratio=ratio, **facts)


def progress_of(indicator, as_of: datetime.date) -> IndicatorProgress:
    """For an indicator from IndicatorQuerySet.with_measurements(as_of) (no query)."""
    return assess(indicator, indicator.published, as_of)


def with_progress(indicators, as_of: datetime.date) -> list:
    """The indicators (from IndicatorQuerySet.with_measurements(as_of)) as a list, each with
    `progress` and `latest` (its latest current value, or None): no query beyond the QuerySet's.
    What templates/indicators/_summary.html shows."""
    indicators = list(indicators)
    for indicator in indicators:
        indicator.progress = progress_of(indicator, as_of)
        values = current_values(indicator.published)
        indicator.latest = values[-1] if values else None
    return indicators


def required_path(indicator) -> list[tuple[int, Decimal]]:
    """The yearly values that would reach the target on time (for the chart and its table):
    compound growth, or a straight line for a share to reach."""
    if not indicator.has_target or indicator.baseline_value is None:
        return []
    base_year, base = indicator.baseline_year, indicator.baseline_value
    years_all = indicator.target_year - base_year
    path = []
    with decimal.localcontext() as context:
        context.prec = PRECISION
        for year in range(base_year, indicator.target_year + 1):
            step = year - base_year
            if indicator.target_is_share:
                value = base + (indicator.target_value - base) * step / years_all
            else:
                value = base * (indicator.target_value / base) ** (
                    Decimal(step) / Decimal(years_all)
                )
            path.append((year, value))
    return path
