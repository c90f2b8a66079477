"""Progress of an indicator (indicators/progress.py), each category recomputed here
independently: plain floats and the formulas as the methodology page writes them."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from indicators.models import Direction, Indicator
from indicators.progress import Category, Method, assess, progress_of, required_path
from tests.indicator_factories import make_indicator, make_measurement, make_series

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def independent(base_year, base, latest_year, latest, target_year, target, *, share, increase):
    """The category and ratio from the method's definition, in floats."""
    d = 1 if increase else -1
    if d * (latest - target) >= 0:
        return Category.TARGET_MET, None
    if share:
        actual = (latest - base) / (latest_year - base_year)
        required = (target - base) / (target_year - base_year)
    else:
        actual = (latest / base) ** (1 / (latest_year - base_year)) - 1
        required = (target / base) ** (1 / (target_year - base_year)) - 1
    if required == 0:
        return Category.MOVING_AWAY, None
    ratio = d * actual / abs(required)
    if ratio >= 0.95:
        return Category.ON_TRACK, ratio
    if ratio >= 0.6:
        return Category.MODERATE, ratio
    if ratio >= 0:
        return Category.INSUFFICIENT, ratio
    return Category.MOVING_AWAY, ratio


CASES = [
    # (share, increase, baseline, target, {period: value}, expected category)
    (True, True, (2020, "10"), (2030, "30"), {2024: "20"}, Category.ON_TRACK),
    (True, True, (2020, "10"), (2030, "30"), {2024: "16"}, Category.MODERATE),
    (True, True, (2020, "10"), (2030, "30"), {2024: "12"}, Category.INSUFFICIENT),
    (True, True, (2020, "10"), (2030, "30"), {2024: "8"}, Category.MOVING_AWAY),
    (True, True, (2020, "10"), (2030, "30"), {2024: "30"}, Category.TARGET_MET),
    (True, True, (2020, "10"), (2030, "30"), {2022: "40", 2024: "29.9"}, Category.ON_TRACK),
    (True, False, (2020, "50"), (2030, "20"), {2025: "36"}, Category.MODERATE),
    (True, False, (2020, "50"), (2030, "20"), {2025: "55"}, Category.MOVING_AWAY),
    (True, False, (2020, "50"), (2030, "20"), {2025: "19.5"}, Category.TARGET_MET),
    (True, True, (2020, "0"), (2030, "40"), {2024: "16"}, Category.ON_TRACK),  # zero baseline
    (False, True, (2015, "100"), (2030, "200"), {2024: "190"}, Category.ON_TRACK),
    (False, True, (2015, "100"), (2030, "200"), {2024: "140"}, Category.MODERATE),
    (False, True, (2015, "100"), (2030, "200"), {2024: "110"}, Category.INSUFFICIENT),
    (False, True, (2015, "100"), (2030, "200"), {2024: "90"}, Category.MOVING_AWAY),
    (False, False, (1990, "100"), (2030, "45"), {2024: "63"}, Category.MODERATE),
    (False, False, (1990, "100"), (2030, "45"), {2024: "90"}, Category.INSUFFICIENT),
    (False, False, (1990, "100"), (2030, "45"), {2024: "101"}, Category.MOVING_AWAY),
    (False, False, (1990, "100"), (2050, "10"), {2024: "25"}, Category.ON_TRACK),
    (False, False, (1990, "100"), (2050, "10"), {2024: "9"}, Category.TARGET_MET),
    (False, True, (2020, "5"), (2030, "50"), {2024: "0"}, Category.MOVING_AWAY),  # fell to 0
    # The baseline already beyond the target (an increase from 70 towards 65): a fall below
    # the target is moving away, whatever the sign of the "required" change.
    (True, True, (2020, "70"), (2030, "65"), {2024: "60"}, Category.MOVING_AWAY),
]


@pytest.mark.parametrize(("share", "increase", "baseline", "target", "values", "expected"), CASES)
def test_every_category_matches_the_independent_recomputation(
    share, increase, baseline, target, values, expected
):
    indicator = make_indicator(
        share=share,
        percent=share,
        baseline=baseline,
        target=target,
        direction=Direction.INCREASE if increase else Direction.DECREASE,
    )
    make_series(indicator, values)
    progress = progress_of(Indicator.objects.with_measurements(TODAY).get(pk=indicator.pk), TODAY)

    latest_year = max(values)
    category, ratio = independent(
        baseline[0],
        float(baseline[1]),
        latest_year,
        float(values[latest_year]),
        target[0],
        float(target[1]),
        share=share,
        increase=increase,
    )
    assert progress.category == category == expected
    assert progress.method == (Method.SHARE if share else Method.GROWTH_RATE)
    if ratio is None:
        assert progress.category in (Category.TARGET_MET, Category.MOVING_AWAY)
    else:
        assert math.isclose(float(progress.ratio), ratio, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("latest", "expected", "ratio"),
    [
        # Required 2 points a year from 10 (2020) to 30 (2030); 4 years observed.
        ("17.6", Category.ON_TRACK, Fraction(95, 100)),  # exactly 0.95
        ("17.599", Category.MODERATE, Fraction(7599, 8000)),
        ("14.8", Category.MODERATE, Fraction(60, 100)),  # exactly 0.6
        ("14.7999", Category.INSUFFICIENT, Fraction(47999, 80000)),
        ("10", Category.INSUFFICIENT, Fraction(0)),  # exactly 0: no change
        ("9.9999", Category.MOVING_AWAY, Fraction(-1, 80000)),
    ],
)
def test_thresholds_are_exact(latest, expected, ratio):
    indicator = make_indicator(baseline=(2020, "10"), target=(2030, "30"))
    progress = assess(indicator, [make_measurement(indicator=indicator, period=2024, value=latest)])
    assert (progress.category, progress.ratio) == (expected, ratio)


def test_no_data_without_a_value_after_the_baseline_year():
    indicator = make_indicator(baseline=(2022, "46"), target=(2027, "63"))
    make_series(indicator, {2011: "35", 2018: "48", 2022: "46"})
    progress = assess(indicator, list(indicator.measurements.all()))
    assert (progress.category, progress.latest_year, progress.ratio) == (
        Category.NO_DATA,
        None,
        None,
    )


def test_no_target_is_not_assessed():
    indicator = make_indicator(baseline=(2021, "9"), target=None)
    make_series(indicator, {2023: "14.6"})
    progress = assess(indicator, list(indicator.measurements.all()))
    assert (progress.category, progress.latest_value) == (Category.NO_TARGET, Decimal("14.6"))


def test_target_equal_to_baseline_and_not_met_is_moving_away():
    indicator = make_indicator(baseline=(2020, "50"), target=(2030, "50"))
    make_series(indicator, {2024: "45"})
    progress = assess(indicator, list(indicator.measurements.all()))
    assert (progress.category, progress.required) == (Category.MOVING_AWAY, 0)


def test_monthly_values_do_not_enter_the_yearly_assessment():
    indicator = make_indicator(baseline=(2020, "10"), target=(2030, "30"))
    make_series(indicator, {2024: "12"})
    make_measurement(indicator=indicator, period=2025, month=6, value="29")
    progress = assess(indicator, list(indicator.measurements.all()))
    assert (progress.category, progress.latest_year) == (Category.INSUFFICIENT, 2024)


def test_as_of_counts_only_what_was_published_by_then_and_revisions_from_their_day():
    indicator = make_indicator(baseline=(2020, "10"), target=(2030, "30"))
    make_measurement(indicator=indicator, period=2023, value="15", published_on="2024-03-01")
    make_measurement(indicator=indicator, period=2024, value="17.6", published_on="2025-03-01")
    make_measurement(indicator=indicator, period=2024, value="12", published_on="2025-09-01")
    rows = list(indicator.measurements.all())

    assert assess(indicator, rows, datetime.date(2024, 2, 29)).category == Category.NO_DATA
    early = assess(indicator, rows, datetime.date(2024, 3, 1))
    assert (early.category, early.latest_year, early.ratio) == (
        Category.MODERATE,
        2023,
        Fraction(5, 6),
    )
    before_revision = assess(indicator, rows, datetime.date(2025, 8, 31))
    assert (before_revision.category, before_revision.latest_value) == (
        Category.ON_TRACK,
        Decimal("17.6"),
    )
    after = assess(indicator, rows, datetime.date(2025, 9, 1))
    assert (after.category, after.latest_value) == (Category.INSUFFICIENT, Decimal("12"))


def test_required_path_reaches_the_target():
    share = make_indicator(baseline=(2020, "10"), target=(2030, "30"))
    assert [(y, float(v)) for y, v in required_path(share)][:3] == [
        (2020, 10.0),
        (2021, 12.0),
        (2022, 14.0),
    ]
    growth = make_indicator(
        share=False, percent=False, baseline=(2020, "100"), target=(2030, "200")
    )
    path = required_path(growth)
    assert (path[0], path[-1][0], float(path[-1][1])) == ((2020, Decimal("100")), 2030, 200.0)
    assert math.isclose(float(path[5][1]), 100 * 2**0.5, rel_tol=1e-12)


def test_real_indicators_today():
    """The categories the report quotes, from fixtures/indicators.json, recomputed here."""
    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)
    found = {
        indicator.code: progress_of(indicator, TODAY)
        for indicator in Indicator.objects.for_list(TODAY)
    }
    assert {code: p.category for code, p in found.items()} == {
        "BAT-PORT-COLL": Category.NO_DATA,
        "BEV-SHARE": Category.NO_TARGET,
        "CMU-RATE": Category.INSUFFICIENT,
        "CRMA-SP": Category.NO_TARGET,
        "GHG-NET": Category.MODERATE,
        "RES-SHARE": Category.INSUFFICIENT,
        "WEEE-COLL": Category.NO_TARGET,
    }
    # Renewables: (25.2 - 23.0) / 2 = 1.1 points a year against (42.5 - 23.0) / 8 = 2.4375.
    assert found["RES-SHARE"].ratio == Fraction(11, 10) / Fraction(195, 80)
    assert independent(2022, 23.0, 2024, 25.2, 2030, 42.5, share=True, increase=True)[0] == (
        Category.INSUFFICIENT
    )
    # Circular material use: (12.2 - 11.7) / 4 = 0.125 against (23.4 - 11.7) / 10 = 1.17.
    assert found["CMU-RATE"].ratio == Fraction(125, 1000) / Fraction(117, 100)
    # Net emissions, index 1990 = 100: 63 in 2024, 45 by 2030.
    category, ratio = independent(1990, 100, 2024, 63, 2030, 45, share=False, increase=False)
    assert category == found["GHG-NET"].category
    assert math.isclose(float(found["GHG-NET"].ratio), ratio, rel_tol=1e-12)
    assert round(ratio, 4) == 0.6829
