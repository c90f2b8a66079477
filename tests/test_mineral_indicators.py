"""Indicators linked to minerals and value-chain stages (issue 13 on issue 12's indicators):
the links, the indicators CSV's `minerals` and `stages` columns, the indicator page, the
mineral pages and the fixture links."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command

from indicators.imports import import_file
from indicators.models import Indicator, Measurement
from indicators.progress import progress_of
from roadmaps.imports import ImportFailed
from roadmaps.models import Mineral, ValueChainStage
from tests.factories import make_mineral, make_stage
from tests.indicator_factories import make_indicator, make_measurement

pytestmark = pytest.mark.django_db

HEADER = (
    "indicator,period,value,provisional,estimated,break_in_series,published_on,source_url,note,"
    "current"
)


@pytest.fixture
def data():
    """Cobalt and tin; stages extraction (1) and end-of-life (5).

    COLL  share 10 (2020) -> 30 (2030); cobalt; end-of-life. 2023 = 16 published 2024-01-10,
          2024 = 12 published 2025-06-01. Today: (12 - 10) / 4 = 0.5 pp a year against the
          required 2 -> ratio 0.25, insufficient. As of 2025-01-01: (16 - 10) / 3 = 2 -> ratio
          1, on track.
    PROJ  no baseline, no target; cobalt; extraction and end-of-life; 2024 = 5 -> no data.
    LOOSE share 10 (2020) -> 30 (2030); cobalt; no stage; nothing published -> no data.
    TINX  tin only.
    """
    cobalt = make_mineral(slug="cobalt", name="Cobalt", critical=True, strategic=True)
    tin = make_mineral(slug="tin", name="Tin")
    extraction = make_stage(slug="extraction", name="Extraction", order=1)
    end = make_stage(slug="end-of-life", name="End of life and recycling", order=5)
    coll = make_indicator(code="COLL", title="Collection rate", minerals=[cobalt], stages=[end])
    make_measurement(indicator=coll, period=2023, value="16", published_on="2024-01-10")
    make_measurement(indicator=coll, period=2024, value="12", published_on="2025-06-01")
    proj = make_indicator(
        code="PROJ",
        title="Projects",
        share=False,
        percent=False,
        baseline=None,
        target=None,
        unit="projects",
        minerals=[cobalt],
        stages=[end, extraction],
    )
    make_measurement(indicator=proj, period=2024, value="5", published_on="2025-03-25")
    make_indicator(code="LOOSE", title="Loose series", minerals=[cobalt])
    make_indicator(code="TINX", title="Tin series", minerals=[tin])
    return {"cobalt": cobalt, "tin": tin, "extraction": extraction, "end": end}


def _codes(related) -> list[str]:
    return sorted(item.code for item in related.all())


def test_indicator_links_to_minerals_and_stages_both_ways(data):
    assert _codes(data["cobalt"].indicators) == ["COLL", "LOOSE", "PROJ"]
    assert _codes(data["tin"].indicators) == ["TINX"]
    assert _codes(data["end"].indicators) == ["COLL", "PROJ"]
    assert _codes(data["extraction"].indicators) == ["PROJ"]
    proj = Indicator.objects.get(code="PROJ")
    assert [m.slug for m in proj.minerals.all()] == ["cobalt"]
    assert sorted(s.slug for s in proj.stages.all()) == ["end-of-life", "extraction"]
    assert Indicator._meta.get_field("minerals").blank is True
    assert Indicator._meta.get_field("stages").blank is True


# The indicators CSV -----------------------------------------------------------------------


def _export() -> str:
    out = io.StringIO()
    call_command("export_indicators", stdout=out)
    return out.getvalue()


def test_export_appends_minerals_and_stages_columns_by_indicator(data):
    rows = list(csv.reader(io.StringIO(_export())))
    assert rows[0] == [*HEADER.split(","), "minerals", "stages"]
    assert [(row[0], row[1], row[-2], row[-1]) for row in rows[1:]] == [
        ("COLL", "2023", "cobalt", "end-of-life"),
        ("COLL", "2024", "cobalt", "end-of-life"),
        # stages in their order, not the slugs'
        ("PROJ", "2024", "cobalt", "extraction;end-of-life"),
    ]


def test_round_trip_keeps_the_links_and_is_idempotent(data, tmp_path):
    first = _export()
    path = tmp_path / "indicators.csv"
    path.write_text(first, encoding="utf-8", newline="")
    Measurement.objects.all().delete()
    for indicator in Indicator.objects.filter(code__in=["COLL", "PROJ"]):
        indicator.minerals.clear()
        indicator.stages.clear()

    out = io.StringIO()
    call_command("import_indicators", str(path), stdout=out)

    assert out.getvalue() == (
        "Measurements: created 3, unchanged 0. "
        "Indicators with new minerals or stages: COLL, PROJ.\n"
    )
    assert _export() == first
    out = io.StringIO()
    call_command("import_indicators", str(path), stdout=out)
    assert out.getvalue() == "Measurements: created 0, unchanged 3.\n"
    # LOOSE and TINX are not in the file: their links are left alone.
    assert _codes(data["tin"].indicators) == ["TINX"]
    assert _codes(data["cobalt"].indicators) == ["COLL", "LOOSE", "PROJ"]


def test_import_without_the_columns_keeps_the_links(data):
    plan = import_file(f"{HEADER}\r\nCOLL,2025,20,true,false,false,2026-01-10,,,\r\n".encode())

    assert plan.counts() == {"create": 1, "unchanged": 0}
    assert plan.links == {}
    coll = Indicator.objects.get(code="COLL")
    assert [m.slug for m in coll.minerals.all()] == ["cobalt"]
    assert [s.slug for s in coll.stages.all()] == ["end-of-life"]


def test_import_sets_and_clears_links_from_the_columns(data):
    data_ = (
        f"{HEADER},minerals,stages\r\n"
        "COLL,2023,16,false,false,false,2024-01-10,,,false, tin ; cobalt ,\r\n"
        "COLL,2024,12,false,false,false,2025-06-01,,,true,cobalt;tin,\r\n"
    ).encode()

    plan = import_file(data_)

    assert plan.counts() == {"create": 0, "unchanged": 2}
    coll = Indicator.objects.get(code="COLL")
    assert sorted(m.slug for m in coll.minerals.all()) == ["cobalt", "tin"]
    assert list(coll.stages.all()) == []
    assert Measurement.objects.filter(indicator=coll).count() == 2


def test_import_with_only_the_stages_column_keeps_the_minerals(data):
    import_file(
        f"{HEADER},stages\r\nCOLL,2023,16,false,false,false,2024-01-10,,,false,extraction\r\n".encode()
    )

    coll = Indicator.objects.get(code="COLL")
    assert [m.slug for m in coll.minerals.all()] == ["cobalt"]
    assert [s.slug for s in coll.stages.all()] == ["extraction"]


def test_import_refuses_unknown_slugs_and_disagreeing_rows_and_writes_nothing(data):
    data_ = (
        f"{HEADER},minerals,stages\r\n"
        "COLL,2025,20,false,false,false,2026-01-10,,,,xyz,end-of-life\r\n"
        "PROJ,2025,6,false,false,false,2026-01-10,,,,cobalt,mining\r\n"
        "COLL,2022,14,false,false,false,2026-01-10,,,,cobalt,end-of-life\r\n"
    ).encode()

    with pytest.raises(ImportFailed) as excinfo:
        import_file(data_, dry_run=False)

    assert [str(error) for error in excinfo.value.errors] == [
        "row 2, minerals: unknown mineral \u201cxyz\u201d.",
        "row 3, stages: unknown value-chain stage \u201cmining\u201d.",
        "row 4, minerals: \u201ccobalt\u201d differs from row 2: give an indicator's minerals "
        "the same on each of its rows.",
    ]
    assert Measurement.objects.count() == 3
    assert [m.slug for m in Indicator.objects.get(code="COLL").minerals.all()] == ["cobalt"]


def test_import_dry_run_reports_link_changes_and_writes_nothing(data):
    data_ = (f"{HEADER},minerals\r\nPROJ,2024,5,false,false,false,2025-03-25,,,,tin\r\n").encode()

    plan = import_file(data_, dry_run=True)

    assert plan.summary() == (
        "Measurements: created 0, unchanged 1. Indicators with new minerals or stages: PROJ."
    )
    assert [m.slug for m in Indicator.objects.get(code="PROJ").minerals.all()] == ["cobalt"]


# The indicator page ---------------------------------------------------------------------------


def test_indicator_page_and_json_link_its_minerals(client, data):
    html = client.get("/indicators/PROJ/?as_of=2025-12-31").content.decode()
    assert (
        '<div><dt>Minerals concerned</dt><dd><a href="/minerals/cobalt/?as_of=2025-12-31">'
        "Cobalt</a></dd></div>"
    ) in html
    assert (
        "<div><dt>Value-chain stages</dt><dd>Extraction, End of life and recycling</dd></div>"
    ) in html

    document = client.get("/indicators/PROJ/?format=json").json()["indicator"]
    assert document["minerals"] == [
        {"mineral": "cobalt", "name": "Cobalt", "url": "/minerals/cobalt/"}
    ]
    assert document["stages"] == ["extraction", "end-of-life"]
    listed = client.get("/indicators/?format=json").json()["results"]
    assert {row["code"]: [m["mineral"] for m in row["minerals"]] for row in listed} == {
        "COLL": ["cobalt"],
        "LOOSE": ["cobalt"],
        "PROJ": ["cobalt"],
        "TINX": ["tin"],
    }


# The mineral pages ------------------------------------------------------------------------------


def test_mineral_json_lists_its_indicators_with_progress_by_stage(client, data):
    document = client.get("/minerals/cobalt/?format=json").json()

    assert [row["code"] for row in document["indicators"]] == ["COLL", "LOOSE", "PROJ"]
    coll = document["indicators"][0]
    assert coll["progress"]["category"] == "insufficient"
    assert coll["progress"]["ratio"] == 0.25
    assert coll["minerals"][0]["mineral"] == "cobalt"
    assert coll["stages"] == ["end-of-life"]
    assert [row["progress"]["category"] for row in document["indicators"][1:]] == [
        "no_data",
        "no_target",
    ]
    assert [(row["stage"], row["indicators"]) for row in document["progress_by_stage"]] == [
        ("extraction", ["PROJ"]),
        ("end-of-life", ["COLL", "PROJ"]),
        (None, ["LOOSE"]),
    ]
    # The same progress as the indicator's own page (the one definition).
    own = client.get("/indicators/COLL/?format=json").json()["indicator"]["progress"]
    assert coll["progress"] == own


def test_mineral_json_as_of_computes_indicator_progress_from_what_was_public(client, data):
    document = client.get("/minerals/cobalt/?format=json&as_of=2025-01-01").json()

    coll = document["indicators"][0]
    assert (coll["progress"]["category"], coll["progress"]["latest_year"]) == ("on_track", 2023)
    assert coll["progress"]["ratio"] == 1.0
    assert [v["period"] for v in coll["values"]] == ["2023"]
    # PROJ's only value was published on 2025-03-25.
    assert document["indicators"][2]["latest"] is None
    indicator = Indicator.objects.with_measurements(datetime.date(2025, 1, 1)).get(code="COLL")
    assert progress_of(indicator, datetime.date(2025, 1, 1)).as_dict() == coll["progress"]


def _section(html: str, element_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{element_id}">(.*?)</section>', html, re.S)
    assert match, element_id
    return match.group(1)


def test_mineral_html_groups_indicators_by_stage_with_their_own_section_for_none(client, data):
    html = client.get("/minerals/cobalt/?as_of=2025-12-31").content.decode()

    assert '<h2 id="indicators-title">Indicators concerning it</h2>' in html
    extraction = _section(html, "indicators-stage-extraction")
    end = _section(html, "indicators-stage-end-of-life")
    none = _section(html, "indicators-stage-none")
    assert re.findall(r'<span class="tag">([A-Z]+)</span>', extraction) == ["PROJ"]
    assert re.findall(r'<span class="tag">([A-Z]+)</span>', end) == ["COLL", "PROJ"]
    assert re.findall(r'<span class="tag">([A-Z]+)</span>', none) == ["LOOSE"]
    assert '<h3 id="indicators-stage-none">No stage given</h3>' in none
    assert (
        "<caption>Indicators of the stage End of life and recycling, their latest value and "
        "progress</caption>"
    ) in end
    assert (
        "<caption>Indicators with no stage given, their latest value and progress</caption>" in none
    )
    assert '<a href="/indicators/COLL/?as_of=2025-12-31">Collection rate</a>' in end
    assert "12 % (2024)" in end
    assert "Insufficient progress" in end
    assert "TINX" not in html


def test_mineral_html_without_indicators_says_so(client, data):
    make_mineral(slug="gold", name="Gold")

    html = client.get("/minerals/gold/").content.decode()

    assert "No indicator concerns this mineral yet." in html
    assert "indicators-stage-" not in html


def test_mineral_index_counts_indicators(client, data):
    document = client.get("/minerals/?format=json").json()
    assert {row["mineral"]: row["indicator_count"] for row in document["minerals"]} == {
        "cobalt": 3,
        "tin": 1,
    }
    html = client.get("/minerals/").content.decode()
    assert '<td data-label="Indicators">3</td>' in html


# The admin ----------------------------------------------------------------------------------


def test_admin_edits_an_indicators_minerals_and_stages(client, admin_user, data):
    client.force_login(admin_user)
    coll = Indicator.objects.get(code="COLL")
    page = client.get(f"/admin/indicators/indicator/{coll.pk}/change/").content.decode()
    assert 'name="minerals"' in page
    assert 'name="stages"' in page


# The fixtures -------------------------------------------------------------------------------


def test_fixture_links_crma_projects_to_the_minerals_the_facts_name():
    call_command("load_resourcing", verbosity=0)

    links = {
        indicator.code: (
            sorted(m.slug for m in indicator.minerals.all()),
            sorted(s.slug for s in indicator.stages.all()),
        )
        for indicator in Indicator.objects.prefetch_related("minerals", "stages")
    }
    assert links == {
        "BAT-PORT-COLL": ([], ["end-of-life"]),
        "BEV-SHARE": ([], []),
        "CMU-RATE": ([], ["end-of-life"]),
        "CRMA-SP": (
            ["cobalt", "graphite", "lithium", "nickel", "tungsten"],
            ["end-of-life", "extraction", "processing"],
        ),
        "GHG-NET": ([], []),
        "RES-SHARE": ([], []),
        "WEEE-COLL": ([], ["end-of-life"]),
    }
    assert Mineral.objects.get(slug="cobalt").indicators.get().code == "CRMA-SP"
    assert ValueChainStage.objects.get(slug="extraction").indicators.count() == 1
