"""Recording a measurement: the service and the staff form, for every role; stale versions;
bad input refused with a message naming the field, nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Indicator, Measurement
from indicators.services import StaleVersionError, record_measurement
from tests.factories import make_user
from tests.indicator_factories import make_indicator

pytestmark = pytest.mark.django_db

URL = "/staff/indicators/IND-A/measurements/new/"


@pytest.fixture
def indicator_a(sector_a):
    return make_indicator(code="IND-A", sectors=[sector_a])


def _post(client, **overrides):
    data = {
        "period": "2024",
        "value": "25.2",
        "published_on": "2025-12-18",
        "source_url": "https://example.org/release",
        "note": "Eurostat release",
        "is_provisional": "on",
        "version": "1",
        **overrides,
    }
    return client.post(URL, data)


def test_anonymous_is_sent_to_login(client, indicator_a):
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("who", ["non_staff", "steward_b"])
def test_non_staff_and_other_sectors_stewards_get_403(client, indicator_a, steward_b, who):
    user = steward_b if who == "steward_b" else make_user(username="visitor")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert _post(client).status_code == 403
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("who", ["steward_a", "admin_user"])
def test_steward_of_the_sector_and_superuser_record(client, indicator_a, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    response = _post(client)
    assert (response.status_code, response["Location"]) == (302, "/indicators/IND-A/")
    measurement = Measurement.objects.get()
    assert (
        measurement.period,
        measurement.month,
        measurement.value,
        measurement.is_provisional,
        measurement.is_estimated,
        measurement.published_on,
        measurement.author,
        measurement.note,
    ) == (
        2024,
        0,
        Decimal("25.2"),
        True,
        False,
        datetime.date(2025, 12, 18),
        user,
        "Eurostat release",
    )
    assert Indicator.objects.get().version == 2


def test_stale_version_is_409_and_writes_nothing(client, indicator_a, steward_a):
    client.force_login(steward_a)
    assert _post(client).status_code == 302
    response = _post(client, value="26", version="1")
    assert response.status_code == 409
    assert "Someone recorded a value in the meantime" in response.content.decode()
    assert 'name="version" value="2"' in response.content.decode()
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": "N/A"}, "value", "“N/A” is not a number."),
        ({"value": "yes"}, "value", "“yes” is not a number."),
        ({"value": "NaN"}, "value", "“NaN” is not a finite number (NaN and infinity are refused)."),
        (
            {"value": "Infinity"},
            "value",
            "“Infinity” is not a finite number (NaN and infinity are refused).",
        ),
        ({"value": "100.5"}, "value", "100.5 is not a percentage between 0 and 100."),
        ({"value": "-1"}, "value", "-1 is not a percentage between 0 and 100."),
        ({"value": "1.23456"}, "value", "1.23456 has more than 4 decimals."),
        ({"period": "1989"}, "period", "1989 is outside 1990-2050."),
        ({"period": "2051"}, "period", "2051 is outside 1990-2050."),
        ({"period": "twenty"}, "period", "Write the period as a year, YYYY, or a month, YYYY-MM."),
        ({"period": "2024-13"}, "period", "13 is not a month (01-12)."),
        ({"published_on": "2999-01-01"}, "published_on", None),
        ({"source_url": "javascript:alert(1)"}, "source_url", None),
    ],
)
def test_bad_input_is_400_naming_the_field(
    client, indicator_a, steward_a, overrides, field, message
):
    client.force_login(steward_a)
    response = _post(client, **overrides)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert Measurement.objects.count() == 0


def test_period_after_today_refused(client, indicator_a, steward_a):
    client.force_login(steward_a)
    next_year = str(datetime.date.today().year + 1)
    response = _post(client, period=next_year, published_on=datetime.date.today().isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["period"][0].startswith(f"{next_year} is in the future")


def test_service_refuses_unauthorised_author_and_bad_values(indicator_a, steward_b):
    with pytest.raises(PermissionDenied):
        record_measurement(
            indicator=indicator_a,
            period=2024,
            value="1",
            published_on=datetime.date(2025, 1, 1),
            author=steward_b,
            expected_version=1,
        )
    with pytest.raises(ValidationError) as caught:
        record_measurement(
            indicator=indicator_a,
            period=2024,
            value="inf",
            published_on=datetime.date(2025, 1, 1),
            author=None,
            expected_version=1,
            check_author=False,
        )
    assert list(caught.value.message_dict) == ["value"]
    with pytest.raises(StaleVersionError):
        record_measurement(
            indicator=indicator_a,
            period=2024,
            value="1",
            published_on=datetime.date(2025, 1, 1),
            author=None,
            expected_version=7,
            check_author=False,
        )
    assert (Measurement.objects.count(), Indicator.objects.get().version) == (0, 1)


def test_growth_rate_indicator_refuses_negative_values(sector_a, steward_a):
    index = make_indicator(
        code="IDX",
        sectors=[sector_a],
        share=False,
        percent=False,
        baseline=(1990, "100"),
        target=(2030, "45"),
    )
    with pytest.raises(ValidationError) as caught:
        record_measurement(
            indicator=index,
            period=2024,
            value="-3",
            published_on=datetime.date(2025, 1, 1),
            author=steward_a,
            expected_version=1,
        )
    assert caught.value.message_dict == {
        "value": ["-3 is negative: the growth-rate method needs values of 0 or more."]
    }


def test_a_revision_is_a_new_row_both_kept(indicator_a, steward_a):
    first = record_measurement(
        indicator=indicator_a,
        period=2023,
        value="24.5",
        published_on=datetime.date(2024, 12, 19),
        author=steward_a,
        expected_version=1,
    )
    second = record_measurement(
        indicator=indicator_a,
        period=2023,
        value="24.6",
        published_on=datetime.date(2025, 12, 18),
        author=steward_a,
        expected_version=2,
        is_estimated=True,
    )
    assert list(Measurement.objects.order_by("created_at").values_list("pk", "value")) == [
        (first.pk, Decimal("24.5")),
        (second.pk, Decimal("24.6")),
    ]


def test_measurements_are_read_only_in_the_admin(client, admin_user, indicator_a):
    client.force_login(admin_user)
    assert client.get("/admin/indicators/measurement/add/").status_code == 403
    response = client.get(f"/admin/indicators/indicator/{indicator_a.pk}/change/")
    assert response.status_code == 200
    assert client.get("/admin/indicators/indicator/add/").status_code == 200
