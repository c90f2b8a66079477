"""Indicators and measurements: what the database and the model's clean() refuse."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from indicators.models import Indicator, Measurement, current_values
from tests.indicator_factories import make_indicator, make_measurement

pytestmark = pytest.mark.django_db


def _refused(**fields):
    base = {
        "code": "X-1",
        "title": "X",
        "unit": "%",
        "is_percent": True,
        "target_is_share": True,
        "baseline_year": 2020,
        "baseline_value": Decimal("10"),
        "target_year": 2030,
        "target_value": Decimal("20"),
    }
    base.update(fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(**base)


@pytest.mark.parametrize(
    "fields",
    [
        {"baseline_value": None},  # baseline year without value
        {"target_value": None},  # target year without value
        {"baseline_year": 1989},
        {"target_year": 2051},
        {"target_year": 2020},  # target year not after the baseline year
        {"target_year": 2019},  # before the baseline year
        {"baseline_year": None, "baseline_value": None},  # target without baseline
        {"baseline_value": Decimal("100.5")},  # percent above 100
        {"target_value": Decimal("-1")},  # percent below 0
        {"target_is_share": True, "is_percent": False, "unit": "t"},  # a share is a percent
        {"target_is_share": False, "baseline_value": Decimal("0")},  # growth rate: zero base
        {"target_is_share": False, "baseline_value": Decimal("-5")},  # negative base
        {"target_is_share": False, "target_value": Decimal("0")},  # growth rate: zero target
        {"direction": "sideways"},
        {"provenance": "rumour"},
        {"code": ""},
        {"source_url": "javascript:alert(1)"},
        {"version": 0},
    ],
)
def test_indicator_constraints_refuse(fields):
    _refused(**fields)
    assert Indicator.objects.count() == 0


def test_indicator_share_may_start_from_zero():
    indicator = make_indicator(baseline=(2020, "0"), target=(2030, "50"))
    assert indicator.baseline_value == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"target_year": 2019},
            "target_year",
            "The target year (2019) must come after the baseline year (2020).",
        ),
        (
            {"target_is_share": False, "baseline_value": Decimal("0")},
            "baseline_value",
            "The growth-rate method needs a positive baseline (got 0): compound growth from "
            "zero or a negative value is undefined. Express the series as an index or level, "
            "or mark the target as a share to reach.",
        ),
        (
            {"baseline_value": Decimal("101")},
            "baseline_value",
            "101 is not a percentage between 0 and 100.",
        ),
        ({"target_value": None}, "target_value", "Give both the year and the value, or neither."),
    ],
)
def test_indicator_clean_names_the_field(fields, field, message):
    values = {
        "code": "X-1",
        "title": "X",
        "unit": "%",
        "is_percent": True,
        "target_is_share": True,
        "baseline_year": 2020,
        "baseline_value": Decimal("10"),
        "target_year": 2030,
        "target_value": Decimal("20"),
        **fields,
    }
    with pytest.raises(ValidationError) as caught:
        Indicator(**values).full_clean()
    assert caught.value.message_dict[field] == [message]


@pytest.mark.parametrize("fields", [{"period": 1989}, {"period": 2051}, {"month": 13}])
def test_measurement_constraints_refuse(fields):
    indicator = make_indicator()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_measurement(indicator=indicator, **{"period": 2024, "value": "1", **fields})
    assert Measurement.objects.count() == 0


def test_measurement_same_period_and_time_refused():
    indicator = make_indicator()
    at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    make_measurement(indicator=indicator, period=2024, value="1", created_at=at)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_measurement(indicator=indicator, period=2024, value="2", created_at=at)
    assert Measurement.objects.count() == 1


def test_current_values_newest_publication_wins_then_newest_record():
    indicator = make_indicator()
    t = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    make_measurement(indicator=indicator, period=2023, value="10", published_on="2024-01-01")
    revised = make_measurement(
        indicator=indicator, period=2023, value="11", published_on="2025-01-01", created_at=t
    )
    # Recorded later but published earlier: not the current value.
    make_measurement(
        indicator=indicator,
        period=2023,
        value="9",
        published_on="2024-06-01",
        created_at=t + datetime.timedelta(days=30),
    )
    same_day = make_measurement(
        indicator=indicator,
        period=2023,
        value="12",
        published_on="2025-01-01",
        created_at=t + datetime.timedelta(seconds=1),
    )
    rows = list(Measurement.objects.filter(indicator=indicator).chronological())
    assert current_values(rows) == [same_day]
    assert revised.pk != same_day.pk
    assert Measurement.objects.count() == 4  # every revision stays


def test_fixture_loads_validates_and_reloads_unchanged():
    call_command("loaddata", "resourcing", "minerals", "indicators", verbosity=0)
    counts = (Indicator.objects.count(), Measurement.objects.count())
    call_command("loaddata", "indicators", verbosity=0)
    assert (Indicator.objects.count(), Measurement.objects.count()) == counts == (7, 36)
    res = Indicator.objects.get(code="RES-SHARE")
    assert [m.code for m in res.milestones.all()] == ["RE-2.1"]
    ghg = Indicator.objects.get(code="GHG-NET")
    assert sorted(m.code for m in ghg.milestones.all()) == [
        "EEE-2.1",
        "EEE-2.2",
        "EEE-2.3",
        "MOB-2.2",
        "MOB-2.3",
        "MOB-2.4",
        "RE-2.3",
        "RE-2.4",
        "RE-2.5",
    ]
    for indicator in Indicator.objects.all():
        indicator.full_clean()
    # Every value has a source; estimated ones carry the flag.
    assert not Measurement.objects.filter(source_url="").exists()
    assert set(
        Measurement.objects.filter(is_estimated=True).values_list(
            "indicator__code", "period", "value"
        )
    ) == {
        ("RES-SHARE", 2022, Decimal("23.1")),
        ("GHG-NET", 2024, Decimal("63")),
        ("CMU-RATE", 2022, Decimal("11.5")),
        ("CMU-RATE", 2023, Decimal("12.1")),
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"baseline_year": 2025, "target_year": 2020},
            "Invalid fixture row: indicators.Indicator 'BAD-1': target_year: The target year "
            "(2020) must come after the baseline year (2025).",
        ),
        (
            {"target_is_share": False, "is_percent": False, "baseline_value": "0"},
            "Invalid fixture row: indicators.Indicator 'BAD-1': baseline_value: The growth-rate "
            "method needs a positive baseline (got 0): compound growth from zero or a negative "
            "value is undefined. Express the series as an index or level, or mark the target as "
            "a share to reach.",
        ),
    ],
)
def test_bad_indicator_fixture_is_refused_naming_the_field(tmp_path, fields, message):
    import json

    from django.core.management import CommandError

    row = {
        "code": "BAD-1",
        "title": "Bad",
        "unit": "%",
        "is_percent": True,
        "target_is_share": True,
        "baseline_year": 2020,
        "baseline_value": "10",
        "target_year": 2030,
        "target_value": "20",
        **fields,
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"model": "indicators.indicator", "fields": row}]))
    with pytest.raises(CommandError) as caught:
        call_command("loaddata", str(path), verbosity=0)
    assert str(caught.value) == message
    assert Indicator.objects.count() == 0


def test_admin_refuses_target_before_baseline_naming_the_field(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/indicators/indicator/add/",
        {
            "code": "X-1",
            "title": "X",
            "unit": "%",
            "is_percent": "on",
            "target_is_share": "on",
            "direction": "increase",
            "baseline_year": "2025",
            "baseline_value": "10",
            "target_year": "2020",
            "target_value": "20",
            "provenance": "eu-law",
            "measurements-TOTAL_FORMS": "0",
            "measurements-INITIAL_FORMS": "0",
            "measurements-MIN_NUM_FORMS": "0",
            "measurements-MAX_NUM_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target_year"] == [
        "The target year (2020) must come after the baseline year (2025)."
    ]
    assert Indicator.objects.count() == 0
