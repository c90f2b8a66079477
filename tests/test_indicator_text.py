"""The indicators' text: control characters refused in every text field, and a measurement's
note (a cell of the indicators CSV) refused when a spreadsheet would run it as a formula.
Through the admin, the fixtures, the CSV import, the staff form and the service: a message
naming the field (or row and column), nothing written."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from indicators.imports import import_file
from indicators.models import Indicator, Measurement
from indicators.services import record_measurement
from roadmaps.imports import ImportFailed
from tests.indicator_factories import make_indicator
from tests.test_hardening import FORMULAS, NOT_FORMULAS

pytestmark = pytest.mark.django_db

CONTROL = "Remove the control characters (invisible characters such as U+000B)."
FORMULA = (
    "Do not start with =, +, - or @ (a spreadsheet opening the CSV download would run it as a "
    "formula): start with a word or a digit. A plain signed number such as -30 % is fine."
)
INDICATOR_TEXT_FIELDS = [
    "title",
    "description",
    "unit",
    "target_source_title",
    "source_title",
    "dataset_code",
    "publisher",
]


@pytest.mark.parametrize("name", INDICATOR_TEXT_FIELDS)
def test_indicator_text_fields_refuse_control_characters(name):
    field = Indicator._meta.get_field(name)

    with pytest.raises(ValidationError) as caught:
        field.clean("Eurostat\x0b", None)

    assert [(error.code, error.message) for error in caught.value.error_list] == [
        ("control_characters", CONTROL)
    ]
    # Tabs and line breaks are text; the indicator's own text never reaches a CSV cell.
    assert field.clean("Line one\tcolumn", None) == "Line one\tcolumn"
    assert field.clean("-30 % by 2030", None) == "-30 % by 2030"


def test_measurement_note_refuses_formulas_and_control_characters():
    field = Measurement._meta.get_field("note")
    codes = {}
    for value in [*FORMULAS, "Revised\x1b"]:
        try:
            field.clean(value, None)
        except ValidationError as error:
            codes[value] = [e.code for e in error.error_list]

    accepted = [field.clean(value, None) for value in NOT_FORMULAS]

    assert codes == {
        **{value: ["formula"] for value in FORMULAS},
        "Revised\x1b": ["control_characters"],
    }
    assert accepted == NOT_FORMULAS


def _admin_data(**overrides) -> dict:
    return {
        "code": "X-1",
        "title": "Share of renewables",
        "unit": "%",
        "is_percent": "on",
        "target_is_share": "on",
        "direction": "increase",
        "baseline_year": "2020",
        "baseline_value": "10",
        "target_year": "2030",
        "target_value": "20",
        "provenance": "eu-law",
        "release_interval_months": "12",
        "measurements-TOTAL_FORMS": "0",
        "measurements-INITIAL_FORMS": "0",
        "measurements-MIN_NUM_FORMS": "0",
        "measurements-MAX_NUM_FORMS": "0",
        **overrides,
    }


# Inside the text: forms and the import strip leading and trailing whitespace, which in
# Python includes \x0b, \x0c and \x1c-\x1f (nothing of it is stored then).
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("title", "Share\x07 of renewables"),
        ("description", "Gross final\x0c consumption"),
        ("unit", "per\x1fcent"),
        ("source_title", "Euro\x0bstat"),
        ("publisher", "Eurostat\x7f"),
    ],
)
def test_admin_refuses_control_characters_naming_the_field(client, admin_user, name, value):
    client.force_login(admin_user)

    response = client.post("/admin/indicators/indicator/add/", _admin_data(**{name: value}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {name: [CONTROL]}
    assert Indicator.objects.count() == 0


def test_admin_change_refuses_control_characters_and_keeps_the_stored_row(client, admin_user):
    indicator = make_indicator(code="X-1", title="Share of renewables")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/indicators/indicator/{indicator.pk}/change/",
        _admin_data(title="Share\x0b of renewables", dataset_code="nrg_ind_ren\x00"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["title"] == [CONTROL]
    # A NUL byte is refused by Django's own form field before the validators run.
    assert errors["dataset_code"] == ["Null characters are not allowed."]
    indicator.refresh_from_db()
    assert (indicator.title, indicator.dataset_code, indicator.version) == (
        "Share of renewables",
        "",
        1,
    )


def test_fixture_with_control_characters_is_refused_naming_the_field(tmp_path):
    row = {"code": "BAD-1", "title": "Bad", "unit": "%", "publisher": "Euro\x0bstat"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"model": "indicators.indicator", "fields": row}]))

    with pytest.raises(CommandError) as caught:
        call_command("loaddata", str(path), verbosity=0)

    assert str(caught.value) == (
        f"Invalid fixture row: indicators.Indicator 'BAD-1': publisher: {CONTROL}"
    )
    assert Indicator.objects.count() == 0


HEADER = (
    "indicator,period,value,provisional,estimated,break_in_series,published_on,source_url,note\r\n"
)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ('"=HYPERLINK(""http://evil.example"",""Click"")"', f"row 3, note: {FORMULA}"),
        ("@SUM(1+1)", f"row 3, note: {FORMULA}"),
        ("-30 % emissions", f"row 3, note: {FORMULA}"),
        ("Revised\x0bvalue", f"row 3, note: {CONTROL}"),
    ],
)
def test_import_refuses_a_formula_or_control_characters_in_a_note(note, message):
    indicator = make_indicator(code="RES", baseline=(2022, "23"), target=(2030, "42.5"))
    data = (
        HEADER
        + "RES,2023,24.5,false,false,false,2024-12-19,,Eurostat release\r\n"
        + f"RES,2024,25.2,false,false,false,2025-12-18,,{note}\r\n"
    ).encode()

    with pytest.raises(ImportFailed) as caught:
        import_file(data)

    assert [str(error) for error in caught.value.errors] == [message]
    assert Measurement.objects.count() == 0
    indicator.refresh_from_db()
    assert indicator.version == 1


def test_import_keeps_a_note_starting_with_a_signed_number():
    make_indicator(code="RES", baseline=(2022, "23"), target=(2030, "42.5"))
    data = (HEADER + "RES,2024,25.2,false,false,false,2025-12-18,,-2.5%\r\n").encode()

    import_file(data)

    assert Measurement.objects.get().note == "-2.5%"


@pytest.mark.parametrize(
    ("note", "message"),
    [("=1+1", FORMULA), ("+cmd|' /C calc'!A0", FORMULA), ("Release\x07", CONTROL)],
)
def test_service_refuses_a_bad_note_naming_the_field(sector_a, note, message):
    indicator = make_indicator(code="IND-A", sectors=[sector_a])

    with pytest.raises(ValidationError) as caught:
        record_measurement(
            indicator=indicator,
            period=2024,
            value="25.2",
            published_on=datetime.date(2025, 12, 18),
            note=note,
            expected_version=1,
            check_author=False,
        )

    assert caught.value.message_dict == {"note": [message]}
    assert Measurement.objects.count() == 0
    assert Indicator.objects.get().version == 1


@pytest.mark.parametrize(("note", "message"), [("@SUM(A1)", FORMULA), ("Release\x0bnote", CONTROL)])
def test_staff_form_refuses_a_bad_note_with_400(client, sector_a, steward_a, note, message):
    make_indicator(code="IND-A", sectors=[sector_a])
    client.force_login(steward_a)

    response = client.post(
        "/staff/indicators/IND-A/measurements/new/",
        {
            "period": "2024",
            "value": "25.2",
            "published_on": "2025-12-18",
            "source_url": "https://example.org/release",
            "note": note,
            "version": "1",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"note": [message]}
    assert Measurement.objects.count() == 0
    assert Indicator.objects.get().version == 1


def test_indicators_csv_neutralises_a_note_stored_before_the_rule(client):
    from tests.indicator_factories import make_measurement

    indicator = make_indicator(code="RES", baseline=(2022, "23"), target=(2030, "42.5"))
    make_measurement(indicator=indicator, period=2024, value="25.2", published_on="2025-12-18")
    Measurement.objects.update(note='=HYPERLINK("http://evil.example","Click")')

    csv_text = client.get("/indicators/RES/", {"format": "csv"}).content.decode()

    assert csv_text.splitlines()[1] == (
        "RES,2024,25.2,false,false,false,2025-12-18,,"
        '"\'=HYPERLINK(""http://evil.example"",""Click"")",true,,'
    )
    assert Measurement.objects.get().note == '=HYPERLINK("http://evil.example","Click")'
