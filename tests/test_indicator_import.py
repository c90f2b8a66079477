"""The indicators CSV: export -> import -> identical export, dry run, idempotence, and every
bad input refused as "row N, column: message" with nothing written."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from indicators.imports import import_file
from indicators.models import Indicator, Measurement
from roadmaps.imports import ImportFailed
from tests.indicator_factories import make_indicator, make_measurement

pytestmark = pytest.mark.django_db

HEADER = (
    "indicator,period,value,provisional,estimated,break_in_series,published_on,source_url,note,"
    "current\r\n"
)


@pytest.fixture
def indicators():
    share = make_indicator(code="RES", baseline=(2022, "23"), target=(2030, "42.5"))
    index = make_indicator(
        code="GHG", share=False, percent=False, baseline=(1990, "100"), target=(2030, "45")
    )
    make_measurement(indicator=share, period=2023, value="24.5", published_on="2024-12-19")
    make_measurement(
        indicator=share,
        period=2023,
        value="24.6",
        published_on="2025-12-18",
        is_estimated=True,
        note='Revised, "implied"\nsecond line',
    )
    make_measurement(
        indicator=share,
        period=2024,
        value="25.2",
        published_on="2025-12-18",
        source_url="https://example.org/r",
        is_provisional=True,
    )
    make_measurement(
        indicator=index, period=2024, value="63", published_on="2025-11-30", is_break_in_series=True
    )
    return share, index


def _export(**options) -> str:
    out = io.StringIO()
    call_command("export_indicators", stdout=out, **options)
    return out.getvalue()


def test_export_import_export_is_identical_and_idempotent(indicators, tmp_path):
    first = _export()
    assert first.splitlines()[1:] == [
        "GHG,2024,63,false,false,true,2025-11-30,,,true,,",
        "RES,2023,24.5,false,false,false,2024-12-19,,,false,,",
        'RES,2023,24.6,false,true,false,2025-12-18,,"Revised, ""implied""',
        'second line",true,,',
        "RES,2024,25.2,true,false,false,2025-12-18,https://example.org/r,,true,,",
    ]
    path = tmp_path / "indicators.csv"
    path.write_text(first, encoding="utf-8", newline="")
    Measurement.objects.all().delete()

    out = io.StringIO()
    call_command("import_indicators", str(path), stdout=out)
    assert out.getvalue() == "Measurements: created 4, unchanged 0.\n"
    assert _export() == first

    out = io.StringIO()
    call_command("import_indicators", str(path), stdout=out)
    assert out.getvalue() == "Measurements: created 0, unchanged 4.\n"
    assert Measurement.objects.count() == 4


def test_dry_run_writes_nothing(indicators, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(HEADER + "RES,2025,26,true,false,false,2026-01-10,,,\r\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_indicators", str(path), "--dry-run", stdout=out)
    assert out.getvalue() == (
        "would add row 2: RES 2025 = 26\nDry run, nothing written. "
        "Measurements: created 1, unchanged 0.\n"
    )
    assert Measurement.objects.count() == 4


def test_import_accepts_bom_semicolons_and_crlf(indicators):
    data = (
        "\ufeffindicator;period;value;provisional;estimated;break_in_series;published_on;source_url;note\r\n"
        "RES;2025;26.1;true;false;false;2026-01-10;https://example.org/x;Flash estimate\r\n"
    ).encode()
    plan = import_file(data)
    assert plan.counts() == {"create": 1, "unchanged": 0}
    created = Measurement.objects.get(period=2025)
    assert (str(created.value), created.is_provisional, created.note) == (
        "26.1000",
        True,
        "Flash estimate",
    )
    assert Indicator.objects.get(code="RES").version == 2


TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        ("RES,2025,N/A,false,false,false,2026-01-10,,,", ["row 2, value: “N/A” is not a number."]),
        ("RES,2025,yes,false,false,false,2026-01-10,,,", ["row 2, value: “yes” is not a number."]),
        (
            "RES,2025,NaN,false,false,false,2026-01-10,,,",
            ["row 2, value: “NaN” is not a finite number (NaN and infinity are refused)."],
        ),
        (
            "RES,2025,-inf,false,false,false,2026-01-10,,,",
            ["row 2, value: “-inf” is not a finite number (NaN and infinity are refused)."],
        ),
        (
            "RES,2025,100.1,false,false,false,2026-01-10,,,",
            ["row 2, value: 100.1 is not a percentage between 0 and 100."],
        ),
        (
            "RES,1989,10,false,false,false,2026-01-10,,,",
            ["row 2, period: 1989 is outside 1990-2050."],
        ),
        (
            "RES,2060,10,false,false,false,2026-01-10,,,",
            ["row 2, period: 2060 is outside 1990-2050."],
        ),
        (
            f"RES,{TODAY.year + 1},10,false,false,false,{TODAY.isoformat()},,,",
            [f"row 2, period: {TODAY.year + 1} is in the future (today is {TODAY.isoformat()})."],
        ),
        (
            "RES,2025,10,false,false,false,2025-01-10,,,\r\nRES,2025,11,false,false,false,2025-01-10,,,",
            [
                "row 3, period: RES 2025 published on 2025-01-10 is also in row 2: give a period "
                "once per publication day."
            ],
        ),
        (
            "NOPE,2025,10,false,false,false,2026-01-10,,,",
            ["row 2, indicator: unknown indicator “NOPE”."],
        ),
        (
            "RES,2025,10,maybe,false,false,2026-01-10,,,",
            ["row 2, provisional: write true or false (got “maybe”)."],
        ),
        (
            "RES,2025,10,false,false,false,10/01/2026,,,",
            ["row 2, published_on: “10/01/2026” is not a date written YYYY-MM-DD."],
        ),
        (
            "RES,2025,10,false,false,false,2024-12-31,,,",
            ["row 2, published_on: 2024-12-31 is before the period 2025."],
        ),
        (
            "GHG,2025,-4,false,false,false,2026-01-10,,,",
            ["row 2, value: -4 is negative: the growth-rate method needs values of 0 or more."],
        ),
        (
            "RES,2025,10,false,false,false,2026-01-10,ftp://x.org/a,,",
            ["row 2, source_url: Enter a web address starting with http:// or https://."],
        ),
        ("RES,2025,10,false", ["row 2: 4 cells, but the header has 10 columns."]),
    ],
)
def test_bad_rows_refused_naming_row_and_column(indicators, rows, problems):
    good = "RES,2024,25.3,false,false,false,2026-01-10,,,\r\n"
    data = (HEADER + good + rows + "\r\n").encode()
    # The good first row shifts the bad ones down by one.
    shifted = [problem.replace("row 3", "row 4").replace("row 2", "row 3") for problem in problems]
    with pytest.raises(ImportFailed) as caught:
        import_file(data)
    assert [str(error) for error in caught.value.errors] == shifted
    assert Measurement.objects.count() == 4
    assert Indicator.objects.get(code="RES").version == 1


def test_bad_header_and_command_exit(indicators, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("indicator,period,value,colour\r\nRES,2025,1,red\r\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_indicators", str(path))
    assert str(caught.value) == (
        "bad.csv: 7 problem(s), nothing was imported:\n"
        "row 1, provisional: required column is missing.\n"
        "row 1, estimated: required column is missing.\n"
        "row 1, break_in_series: required column is missing.\n"
        "row 1, published_on: required column is missing.\n"
        "row 1, source_url: required column is missing.\n"
        "row 1, note: required column is missing.\n"
        "row 1, colour: unknown column."
    )
    assert Measurement.objects.count() == 4
