"""Minerals and value-chain stages: models, fixtures, pages, filters, exports, imports."""

import csv
import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from pagecache.models import DataVersion
from roadmaps.exports import COLUMNS, LANGUAGE_COLUMNS
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    Mineral,
    Sector,
    Status,
    Target,
    ValueChainStage,
)
from roadmaps.progress import progress_of
from tests.factories import (
    counted_once,
    make_group,
    make_history,
    make_milestone,
    make_mineral,
    make_roadmap,
    make_sector,
    make_stage,
    make_target,
    make_theme,
)
from tests.indicator_factories import make_indicator, make_series
from tests.query_counts import at_1x_and_10x, dated, expected
from tests.test_dashboards import PAST_PROGRESS_QUERIES

pytestmark = pytest.mark.django_db

PAST = "2025-06-30"
MINERALS_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "minerals.json"


@pytest.fixture
def dataset():
    """Cobalt in two sectors, tin in one; three stages.

    mobility MOB-1 (all four concern cobalt):
      MOB-1.1 due 2024-12-31, achieved on 2024-06-01             stage end-of-life
      MOB-1.2 due 2025-03-31, in progress, achieved on 2026-01-10 stages extraction, processing
      MOB-1.3 due 2030-12-31, not started                          no stage
      MOB-1.4 due 2024-06-30, discontinued on 2025-01-01           stage extraction
    mobility MOB-2.1 due 2030-12-31: no mineral, no stage.
    electronics EEE-1.1 due 2021-01-01, achieved: tin, stage extraction.
    electronics EEE-1.2 due 2025-01-31, in progress: cobalt, stage processing.

    Cobalt today: counted 4, achieved 2, due 3, overdue 1 (EEE-1.2) -> moderate (2/3).
    As of 2025-06-30: achieved 1, due 3, overdue 2 (MOB-1.2, EEE-1.2) -> off track.
    """
    policy = make_group(slug="policy-makers", name="Policy makers", order=1)
    industry = make_group(slug="industry", name="Industry", order=2)
    theme = make_theme(slug="environment", name="Environment", order=1)
    mobility = make_sector(slug="mobility", name="Mobility", order=1)
    electronics = make_sector(slug="electronics", name="Electronics", order=2)
    mob1 = make_target(roadmap=make_roadmap(sector=mobility), theme=theme, code="MOB-1")
    mob2 = make_target(roadmap=mobility.roadmaps.get(), theme=theme, code="MOB-2")
    eee1 = make_target(roadmap=make_roadmap(sector=electronics), theme=theme, code="EEE-1")
    m11 = make_milestone(
        target=mob1,
        code="MOB-1.1",
        due_date=datetime.date(2024, 12, 31),
        status=Status.ACHIEVED,
        groups=[policy],
        title="Recovery of cobalt",
    )
    make_history(m11, (Status.NOT_STARTED, Status.ACHIEVED, "2024-06-01"))
    m12 = make_milestone(
        target=mob1,
        code="MOB-1.2",
        due_date=datetime.date(2025, 3, 31),
        status=Status.ACHIEVED,
        groups=[industry],
        title="Battery due diligence",
    )
    make_history(
        m12,
        (Status.NOT_STARTED, Status.IN_PROGRESS, "2024-01-15"),
        (Status.IN_PROGRESS, Status.ACHIEVED, "2026-01-10"),
    )
    m13 = make_milestone(
        target=mob1, code="MOB-1.3", due_date=datetime.date(2030, 12, 31), title="Recycled cobalt"
    )
    m14 = make_milestone(
        target=mob1,
        code="MOB-1.4",
        due_date=datetime.date(2024, 6, 30),
        status=Status.DISCONTINUED,
        title="Dropped idea",
    )
    make_history(m14, (Status.AT_RISK, Status.DISCONTINUED, "2025-01-01"))
    make_milestone(
        target=mob2, code="MOB-2.1", title="Climate", due_date=datetime.date(2030, 12, 31)
    )
    e11 = make_milestone(
        target=eee1,
        code="EEE-1.1",
        due_date=datetime.date(2021, 1, 1),
        status=Status.ACHIEVED,
        title="Conflict minerals",
    )
    e12 = make_milestone(
        target=eee1,
        code="EEE-1.2",
        due_date=datetime.date(2025, 1, 31),
        status=Status.IN_PROGRESS,
        title="Cobalt in electronics",
    )
    make_stage(slug="extraction", name="Extraction", order=1, milestones=[m12, m14, e11])
    make_stage(slug="processing", name="Processing and refining", order=2, milestones=[m12, e12])
    make_stage(slug="end-of-life", name="End of life and recycling", order=5, milestones=[m11])
    make_mineral(
        slug="cobalt",
        name="Cobalt",
        symbol="Co",
        critical=True,
        strategic=True,
        sectors=[mobility],
        milestones=[m11, m12, m13, m14, e12],
        source_title="CRMA",
        source_url="http://data.europa.eu/eli/reg/2024/1252/oj",
    )
    make_mineral(slug="tin", name="Tin", symbol="Sn", sectors=[electronics], milestones=[e11])
    make_mineral(slug="tantalum", name="Tantalum", symbol="Ta", critical=True)


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def _codes(html: str) -> list[str]:
    return re.findall(r'<a href="/milestones/([\w.-]+)/[^"]*"', html)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# Models and constraints ------------------------------------------------------------------------


def test_mineral_strategic_but_not_critical_is_refused_by_model_and_database():
    mineral = Mineral(slug="odd", name="Odd", is_strategic=True, is_critical=False)

    with pytest.raises(ValidationError) as excinfo:
        mineral.full_clean()
    assert excinfo.value.messages == [
        "A strategic raw material is also critical (CRMA Annex II lists every strategic one)."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        mineral.save()
    assert Mineral.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"slug": "", "name": "X"}, "mineral_slug_not_empty"),
        ({"slug": "x", "name": ""}, "mineral_name_not_empty"),
        ({"slug": "x", "name": "X", "source_url": "javascript:alert(1)"}, "mineral_source_url"),
    ],
)
def test_mineral_database_constraints_refuse_bad_rows(fields, constraint):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        Mineral.objects.create(**fields)

    assert Mineral.objects.count() == 0
    assert constraint in str(excinfo.value) or "CHECK" in str(excinfo.value).upper()


def test_mineral_and_stage_slugs_are_unique_natural_keys():
    make_mineral(slug="cobalt")
    make_stage(slug="use", order=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        Mineral.objects.create(slug="cobalt", name="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        ValueChainStage.objects.create(slug="use", name="Again")
    assert Mineral.objects.get_by_natural_key("cobalt").natural_key() == ("cobalt",)
    assert ValueChainStage.objects.get_by_natural_key("use").natural_key() == ("use",)


def test_links_are_reachable_from_sector_target_and_milestone(dataset):
    cobalt = Mineral.objects.get(slug="cobalt")

    assert list(Sector.objects.get(slug="mobility").minerals.all()) == [cobalt]
    assert list(Milestone.objects.get(code="EEE-1.2").minerals.all()) == [cobalt]
    assert list(Target.objects.get(code="MOB-1").minerals.all()) == []
    assert [s.slug for s in Milestone.objects.get(code="MOB-1.2").stages.all()] == [
        "extraction",
        "processing",
    ]
    assert cobalt.get_absolute_url() == "/minerals/cobalt/"


def test_linking_a_mineral_makes_cached_pages_stale(dataset):
    before = DataVersion.objects.get().version
    Mineral.objects.get(slug="tin").milestones.add(Milestone.objects.get(code="MOB-2.1"))

    assert DataVersion.objects.get().version == before + 1


# The product's fixtures -------------------------------------------------------------------------


def _load():
    call_command("loaddata", "resourcing", "minerals", verbosity=0)


def _links(model, slug):
    return sorted(model.objects.get(slug=slug).milestones.values_list("code", flat=True))


def test_fixture_minerals_carry_the_crma_lists_and_sectors():
    _load()

    rows = {
        m.slug: (m.symbol, m.is_critical, m.is_strategic, [s.slug for s in m.sectors.all()])
        for m in Mineral.objects.prefetch_related("sectors")
    }
    assert rows == {
        "cobalt": ("Co", True, True, ["mobility"]),
        "copper": ("Cu", True, True, ["renewable-energy"]),
        "gold": ("Au", False, False, ["electronics"]),
        "graphite": ("C", True, True, ["mobility"]),
        "lead": ("Pb", False, False, []),
        "lithium": ("Li", True, True, ["mobility"]),
        "mica": ("", False, False, ["electronics"]),
        "nickel": ("Ni", True, True, ["mobility"]),
        "rare-earths": ("", True, True, ["renewable-energy"]),
        "silicon-metal": ("Si", True, True, ["renewable-energy"]),
        "tantalum": ("Ta", True, False, ["electronics"]),
        "tin": ("Sn", False, False, ["electronics"]),
        "tungsten": ("W", True, True, ["electronics"]),
    }
    assert set(Mineral.objects.values_list("source_url", flat=True)) == {
        "http://data.europa.eu/eli/reg/2024/1252/oj"
    }
    assert list(ValueChainStage.objects.values_list("slug", flat=True)) == [
        "extraction",
        "processing",
        "manufacturing",
        "use",
        "end-of-life",
    ]


def test_fixture_links_battery_and_conflict_minerals_rows():
    _load()

    # Batteries Regulation: due diligence (Arts 47-53), recovery (Annex XII C), recycled
    # content (Art. 8), CRMA benchmarks (MOB-5.1).
    assert _links(Mineral, "cobalt") == [
        "MOB-1.2",
        "MOB-1.3",
        "MOB-1.5",
        "MOB-1.6",
        "MOB-1.7",
        "MOB-4.2",
        "MOB-5.1",
    ]
    assert _links(Mineral, "lithium") == [
        "MOB-1.1",
        "MOB-1.2",
        "MOB-1.3",
        "MOB-1.4",
        "MOB-1.5",
        "MOB-1.6",
        "MOB-1.7",
        "MOB-4.2",
        "MOB-5.1",
    ]
    assert _links(Mineral, "graphite") == ["MOB-4.2", "MOB-5.1"]
    assert _links(Mineral, "lead") == ["MOB-1.2", "MOB-1.3", "MOB-1.5", "MOB-1.6", "MOB-1.7"]
    assert _links(Mineral, "copper") == ["MOB-1.2", "MOB-1.6", "RE-5.2"]
    for slug in ("tin", "tantalum", "gold"):
        assert _links(Mineral, slug) == ["EEE-4.1", "EEE-4.2"], slug
    assert _links(Mineral, "tungsten") == ["EEE-4.1", "EEE-4.2", "EEE-5.1"]
    assert _links(Mineral, "mica") == ["EEE-3.2", "EEE-4.2"]
    # Rows whose act or roadmap names no stage have none.
    assert _links(ValueChainStage, "use") == ["EEE-1.2", "EEE-1.4"]
    no_stage = Milestone.objects.filter(stages__isnull=True).values_list("code", flat=True)
    assert {"MOB-3.1", "MOB-4.1", "RE-6.1", "EEE-3.2", "EEE-4.2"} <= set(no_stage)


def test_fixture_minerals_loading_twice_changes_nothing():
    _load()
    out = io.StringIO()
    call_command(
        "dumpdata",
        "roadmaps.mineral",
        "roadmaps.valuechainstage",
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
    )
    version = DataVersion.objects.get().version

    call_command("loaddata", "minerals", verbosity=0)

    again = io.StringIO()
    call_command(
        "dumpdata",
        "roadmaps.mineral",
        "roadmaps.valuechainstage",
        natural_foreign=True,
        natural_primary=True,
        stdout=again,
    )
    assert again.getvalue() == out.getvalue()
    assert Mineral.objects.count() == 13
    assert DataVersion.objects.get().version == version  # equal rows are not saved again


def test_load_resourcing_loads_the_minerals_too():
    call_command("load_resourcing", verbosity=0)

    assert Mineral.objects.count() == 13
    assert ValueChainStage.objects.count() == 5


def test_minerals_fixture_naming_an_unknown_milestone_fails_and_writes_nothing(tmp_path):
    call_command("loaddata", "resourcing", verbosity=0)
    rows = json.loads(MINERALS_FIXTURE.read_text(encoding="utf-8"))
    rows[-1]["fields"]["milestones"].append(["NOPE-1.1"])
    path = tmp_path / "minerals.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("loaddata", str(path), verbosity=0)

    assert "NOPE-1.1" in str(excinfo.value)
    assert Mineral.objects.count() == 0
    assert ValueChainStage.objects.count() == 0


def test_mineral_fixture_with_strategic_not_critical_is_refused(tmp_path):
    call_command("loaddata", "resourcing", verbosity=0)
    rows = json.loads(MINERALS_FIXTURE.read_text(encoding="utf-8"))
    tin = next(row for row in rows if row["fields"].get("slug") == "tin")
    tin["fields"]["is_strategic"] = True
    path = tmp_path / "minerals.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("loaddata", str(path), verbosity=0)

    # The database's check constraint refuses it (loaddata leaves constraints to it).
    assert "mineral_strategic_is_critical" in str(excinfo.value)
    assert Mineral.objects.count() == 0


# /minerals/ ------------------------------------------------------------------------------------


def test_mineral_index_json_lists_every_mineral_with_sectors_and_progress(client, dataset):
    data = client.get("/minerals/", {"format": "json", "as_of": PAST}).json()

    assert data["as_of"] == PAST
    assert [(m["mineral"], m["sectors"]) for m in data["minerals"]] == [
        ("cobalt", ["mobility"]),
        ("tantalum", []),
        ("tin", ["electronics"]),
    ]
    cobalt, tantalum, tin = data["minerals"]
    assert (cobalt["is_critical"], cobalt["is_strategic"], cobalt["symbol"]) == (True, True, "Co")
    assert cobalt["progress"] == {
        "counted": 4,
        "achieved": 1,
        "due": 3,
        "overdue": 2,
        "actual": 0.25,
        "expected": 0.75,
        "classification": "off_track",
        "basis": {
            "counted": {"roadmap": 4, "eu-law": 0, "illustrative": 0},
            "due": {"roadmap": 3, "eu-law": 0, "illustrative": 0},
            "achieved": {"roadmap": 1, "eu-law": 0, "illustrative": 0},
            "project_events_excluded": 0,
        },
    }
    assert tantalum["progress"]["classification"] == "no_data"
    assert tin["progress"]["counted"] == 1


def test_mineral_index_html_marks_crma_status_and_links_pages(client, dataset):
    html = client.get("/minerals/").content.decode()

    rows = re.findall(r'<th scope="row" data-label="Mineral"><a href="([^"]+)">(\w+)</a>', html)
    assert rows == [
        ("/minerals/cobalt/", "Cobalt"),
        ("/minerals/tantalum/", "Tantalum"),
        ("/minerals/tin/", "Tin"),
    ]
    assert html.count('<span class="tag crma">Strategic and critical</span>') == 1
    assert html.count('<span class="tag crma">Critical</span>') == 1
    assert html.count("Not listed</td>") == 1


# /minerals/<slug>/ ------------------------------------------------------------------------------


def test_cobalt_page_lists_every_sectors_rows_with_progress_from_the_engine(client, dataset):
    for as_of in (PAST, datetime.date.today().isoformat()):
        data = client.get("/minerals/cobalt/", {"format": "json", "as_of": as_of}).json()
        day = datetime.date.fromisoformat(as_of)

        assert [row["code"] for row in data["results"]] == [
            "MOB-1.4",
            "MOB-1.1",
            "EEE-1.2",
            "MOB-1.2",
            "MOB-1.3",
        ]
        same_set = Milestone.objects.filter(
            code__in=["MOB-1.1", "MOB-1.2", "MOB-1.3", "MOB-1.4", "EEE-1.2"]
        )
        assert data["progress"] == progress_of(same_set, day).as_dict()
        # Mobility's cobalt rows are exactly target MOB-1: the sector page says the same.
        dashboard = client.get("/sectors/mobility/", {"format": "json", "as_of": as_of}).json()
        mob1 = next(t for t in dashboard["targets"] if t["code"] == "MOB-1")
        assert data["progress_by_sector"]["mobility"] == mob1["progress"]
        assert list(data["progress_by_sector"]) == ["mobility", "electronics"]


def test_cobalt_page_json_gives_exact_progress_by_stage(client, dataset):
    data = client.get("/minerals/cobalt/", {"format": "json", "as_of": PAST}).json()

    assert data["progress"]["classification"] == "off_track"
    assert [(row["stage"], row["progress"]["counted"]) for row in data["progress_by_stage"]] == [
        ("extraction", 1),  # MOB-1.2 (MOB-1.4 is discontinued)
        ("processing", 2),  # MOB-1.2, EEE-1.2
        ("end-of-life", 1),  # MOB-1.1
        (None, 1),  # MOB-1.3
    ]
    assert data["mineral"] == "cobalt"
    assert data["count"] == 5
    assert data["results"][0]["minerals"] == ["cobalt"]
    assert data["results"][0]["stages"] == ["extraction"]


def test_cobalt_page_html_groups_milestones_by_stage_with_overdue(client, dataset):
    html = client.get("/minerals/cobalt/", {"as_of": PAST}).content.decode()

    assert _codes(_section(html, "stage-extraction")) == ["MOB-1.4", "MOB-1.2"]
    assert _codes(_section(html, "stage-processing")) == ["EEE-1.2", "MOB-1.2"]
    assert _codes(_section(html, "stage-end-of-life")) == ["MOB-1.1"]
    assert _codes(_section(html, "stage-none")) == ["MOB-1.3"]
    assert _codes(_section(html, "overdue-title")) == ["MOB-1.2", "EEE-1.2"][::-1]
    assert "5 milestones by value-chain stage" in html
    assert "Strategic and critical" in html
    assert '<a href="/sectors/mobility/?as_of=2025-06-30">Mobility</a>' in html


def test_cobalt_page_filters_narrow_the_list_and_csv_has_the_roadmap_columns(client, dataset):
    response = client.get("/minerals/cobalt/", {"format": "csv", "stage": "processing"})

    assert response["Content-Disposition"] == (
        'attachment; filename="resourcing-mineral-cobalt-milestones-'
        f'{datetime.date.today().isoformat()}.csv"'
    )
    rows = _csv(response)
    assert list(rows[0]) == COLUMNS
    assert [(r["code"], r["sector"], r["minerals"], r["stages"]) for r in rows] == [
        ("EEE-1.2", "electronics", "cobalt", "processing"),
        ("MOB-1.2", "mobility", "cobalt", "extraction;processing"),
    ]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"stage": "mining"}, "stage"),
        ({"theme": "nope"}, "theme"),
        ({"as_of": "2025-13-01"}, "as_of"),
        ({"format": "xml"}, "format"),
    ],
)
def test_mineral_page_bad_parameter_is_400_naming_it(client, dataset, query, name):
    html = client.get("/minerals/cobalt/", query)
    data = client.get("/minerals/cobalt/", {**query, "format": query.get("format", "json")})

    assert html.status_code == data.status_code == 400
    assert f"<code>{name}</code>" in html.content.decode()
    if name != "format":
        assert list(data.json()["errors"]) == [name]


def test_mineral_page_mineral_parameter_is_not_a_filter_there(client, dataset):
    rows = client.get("/minerals/cobalt/", {"format": "json", "mineral": "tin"}).json()

    assert rows["count"] == 5


@pytest.mark.parametrize("path", ["/minerals/atlantis/", "/minerals/atlantis/?format=json"])
def test_unknown_mineral_is_404(client, dataset, path):
    assert client.get(path).status_code == 404


# The sector dashboard ------------------------------------------------------------------------


def test_sector_dashboard_links_its_minerals_and_places_milestones_by_stage(client, dataset):
    html = client.get("/sectors/mobility/", {"as_of": PAST}).content.decode()

    assert '<p class="minerals-line">Minerals:\n  <a href="/minerals/cobalt/">Cobalt</a></p>' in (
        html
    )
    table = _section(html, "value-chain-title")
    rows = re.findall(
        r'<tr>\s*<th scope="row"[^>]*><a href="([^"]+)">([^<]+)</a></th>(.*?)</tr>', table, re.S
    )
    placed = {name: (href, _codes(cells)) for href, name, cells in rows}
    assert placed == {
        "Extraction": (
            "/sectors/mobility/milestones/?stage=extraction&amp;as_of=2025-06-30",
            ["MOB-1.4", "MOB-1.2"],
        ),
        "Processing and refining": (
            "/sectors/mobility/milestones/?stage=processing&amp;as_of=2025-06-30",
            ["MOB-1.2"],
        ),
        "End of life and recycling": (
            "/sectors/mobility/milestones/?stage=end-of-life&amp;as_of=2025-06-30",
            ["MOB-1.1"],
        ),
        "No stage given": (
            "/sectors/mobility/milestones/?stage=null&amp;as_of=2025-06-30",
            ["MOB-1.3", "MOB-2.1"],
        ),
    }
    counts = re.findall(r'data-label="Counted">(\d+)</td>', table)
    assert counts == ["1", "1", "1", "2"]


def test_value_chain_view_shows_the_first_few_per_stage_and_links_the_rest(
    client, dataset, monkeypatch
):
    from roadmaps import pages

    monkeypatch.setattr(pages, "VALUE_CHAIN_PER_STAGE", 1)

    table = _section(client.get("/sectors/mobility/").content.decode(), "value-chain-title")

    assert _codes(table) == ["MOB-1.4", "MOB-1.2", "MOB-1.1", "MOB-1.3"]
    assert table.count("and 1 more") == 2  # extraction (MOB-1.2), no stage (MOB-2.1)


# Filters on every milestone list ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"mineral": "cobalt"}, ["MOB-1.4", "MOB-1.1", "MOB-1.2", "MOB-1.3"]),
        ({"mineral": "tin"}, []),
        ({"mineral": "null"}, ["MOB-2.1"]),
        ({"stage": "extraction"}, ["MOB-1.4", "MOB-1.2"]),
        ({"stage": "null"}, ["MOB-1.3", "MOB-2.1"]),
        ({"stage": "processing", "mineral": "cobalt"}, ["MOB-1.2"]),
    ],
)
def test_sector_list_filters_by_mineral_and_stage_in_every_format(client, dataset, query, codes):
    url = "/sectors/mobility/milestones/"
    data = client.get(url, {**query, "format": "json"}).json()
    rows = _csv(client.get(url, {**query, "format": "csv"}))
    html = client.get(url, query).content.decode()

    assert [row["code"] for row in data["results"]] == codes
    assert [row["code"] for row in rows] == codes
    assert _codes(_section(html, "results-title")) == codes if codes else True


def test_stakeholder_page_filters_by_mineral(client, dataset):
    data = client.get("/stakeholders/industry/", {"mineral": "cobalt", "format": "json"}).json()

    assert [row["code"] for row in data["results"]] == ["MOB-1.2"]


@pytest.mark.parametrize("name", ["mineral", "stage"])
def test_unknown_mineral_or_stage_filter_is_400_naming_it(client, dataset, name):
    response = client.get("/sectors/mobility/milestones/", {name: "xyz", "format": "json"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            name: ["Select a valid choice. That choice is not one of the available choices."]
        }
    }


def test_open_data_describes_the_new_columns(client, dataset):
    html = client.get("/data/").content.decode()

    assert "<dt><code>minerals</code></dt>" in html
    assert "<dt><code>stages</code></dt>" in html
    assert html.index("<code>updated_at</code>") < html.index("<code>minerals</code>")


# Import -------------------------------------------------------------------------------------


def _export(slug: str) -> str:
    out = io.StringIO()
    call_command("export_roadmap", slug, stdout=out)
    return out.getvalue()


def _import(tmp_path, text: str, *options, name="roadmap.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    out = io.StringIO()
    call_command("import_roadmap", str(path), *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _without(text: str, *columns: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue()


def _edit_cell(text: str, code: str, column: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows[1:]:
        if row[rows[0].index("code")] == code:
            row[rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _blank_updated_at(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    index = rows[0].index("updated_at")
    return [[*row[:index], "", *row[index + 1 :]] for row in rows]


@pytest.mark.parametrize("slug", ["renewable-energy", "mobility", "electronics"])
def test_import_round_trip_of_the_product_data_keeps_minerals_and_stages(tmp_path, slug):
    _load()
    exported = _export(slug)
    # Test-only clean-up: the application never deletes history (on_delete=PROTECT).
    MilestoneUpdate.objects.filter(milestone__target__roadmap__sector__slug=slug).delete()
    Target.objects.filter(roadmap__sector__slug=slug).delete()

    _import(tmp_path, exported)

    assert _blank_updated_at(_export(slug)) == _blank_updated_at(exported)
    if slug == "mobility":
        assert _links(Mineral, "cobalt") == [
            "MOB-1.2",
            "MOB-1.3",
            "MOB-1.5",
            "MOB-1.6",
            "MOB-1.7",
            "MOB-4.2",
            "MOB-5.1",
        ]


def test_import_without_the_new_columns_keeps_links_and_new_rows_get_none(tmp_path, dataset):
    # A file from before these columns (and the language columns appended after them).
    old_file = _without(
        _export("mobility"), "minerals", "stages", "project_event", *LANGUAGE_COLUMNS
    )
    old_file += (
        "mobility,MOB-2,A target,environment,2050,MOB-2.9,New row,,2030-12-31,not_started,,"
        "roadmap,Source,https://example.org/source,false,\r\n"
    )

    summary = _import(tmp_path, old_file)

    assert "milestones: created 1, updated 0, unchanged 5." in summary
    assert _links(Mineral, "cobalt") == ["EEE-1.2", "MOB-1.1", "MOB-1.2", "MOB-1.3", "MOB-1.4"]
    assert _links(ValueChainStage, "extraction") == ["EEE-1.1", "MOB-1.2", "MOB-1.4"]
    new = Milestone.objects.get(code="MOB-2.9")
    assert (list(new.minerals.all()), list(new.stages.all())) == ([], [])


def test_import_sets_and_clears_links_from_the_columns(tmp_path, dataset):
    text = _edit_cell(_export("mobility"), "MOB-2.1", "minerals", "cobalt;tin")
    text = _edit_cell(text, "MOB-2.1", "stages", "end-of-life")
    text = _edit_cell(text, "MOB-1.2", "stages", "")

    dry = _import(tmp_path, text, "--dry-run")
    summary = _import(tmp_path, text)

    assert "MOB-1.2: stages" in dry
    assert "MOB-2.1: minerals, stages" in dry
    assert "milestones: created 0, updated 2, unchanged 3." in summary
    assert [m.slug for m in Milestone.objects.get(code="MOB-2.1").minerals.all()] == [
        "cobalt",
        "tin",
    ]
    assert _links(ValueChainStage, "end-of-life") == ["MOB-1.1", "MOB-2.1"]
    assert list(Milestone.objects.get(code="MOB-1.2").stages.all()) == []


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("minerals", "cobalt;xyz", "row 2, minerals: unknown mineral \u201cxyz\u201d."),
        ("stages", "mining", "row 2, stages: unknown value-chain stage \u201cmining\u201d."),
    ],
)
def test_import_refuses_unknown_mineral_or_stage_and_writes_nothing(
    tmp_path, dataset, column, value, message
):
    text = _edit_cell(_export("mobility"), "MOB-1.1", column, value)
    before = _links(Mineral, "cobalt"), _links(ValueChainStage, "extraction")

    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, text)

    assert str(excinfo.value).endswith(f"nothing was imported:\n{message}")
    assert (_links(Mineral, "cobalt"), _links(ValueChainStage, "extraction")) == before


def test_import_json_with_and_without_link_keys(tmp_path, dataset):
    out = io.StringIO()
    call_command("export_roadmap", "mobility", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    for row in document["results"]:
        if row["code"] == "MOB-2.1":
            row["minerals"] = ["tin"]
        else:
            del row["minerals"], row["stages"]

    summary = _import(tmp_path, json.dumps(document), name="roadmap.json")

    assert "milestones: created 0, updated 1, unchanged 4." in summary
    assert _links(Mineral, "tin") == ["EEE-1.1", "MOB-2.1"]
    assert _links(Mineral, "cobalt") == ["EEE-1.2", "MOB-1.1", "MOB-1.2", "MOB-1.3", "MOB-1.4"]


def test_import_json_link_column_must_be_a_list(tmp_path, dataset):
    out = io.StringIO()
    call_command("export_roadmap", "mobility", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    document["results"][0]["minerals"] = "cobalt"

    with pytest.raises(CommandError) as excinfo:
        _import(tmp_path, json.dumps(document), name="roadmap.json")

    assert str(excinfo.value).endswith("row 1, minerals: must be a list of slugs in JSON.")


# Query counts: the same at 1x and 10x the data ---------------------------------------------------


def _grow(scale: int):
    """`scale` targets of 3 cobalt milestones with two updates each, at two stages, and an
    indicator concerning cobalt at two stages with two values, in each of two sectors."""
    cobalt = Mineral.objects.get(slug="cobalt")
    stages = list(ValueChainStage.objects.all())
    with counted_once():
        for sector in Sector.objects.all():
            roadmap = sector.roadmaps.get()
            for _ in range(scale):
                target = make_target(roadmap=roadmap, theme=make_theme())
                for month in (1, 2, 3):
                    milestone = make_milestone(
                        target=target,
                        due_date=datetime.date(2024 + month, month, 28),
                        status=Status.IN_PROGRESS,
                    )
                    make_history(
                        milestone,
                        (Status.NOT_STARTED, Status.AT_RISK, "2024-01-10"),
                        (Status.AT_RISK, Status.IN_PROGRESS, "2025-11-10"),
                    )
                    cobalt.milestones.add(milestone)
                    milestone.stages.set(stages[month - 1 : month + 1])
                # An indicator concerning cobalt at two stages, with two values (issue 13: the
                # mineral page's indicators).
                indicator = make_indicator(minerals=[cobalt], stages=stages[0:2])
                make_series(indicator, {2022: "12", 2023: "14"})


# Every public request first reads the data version (resourcing/caching.py): the "1 +".
MINERAL_QUERY_COUNTS = [
    # minerals (with their indicator count), their sectors, progress by mineral
    ("/minerals/", 1 + 3),
    ("/minerals/?format=json", 1 + 3),
    # mineral, its sectors, milestones, their groups, minerals, stages, progress, progress
    # by sector, progress by stage, stages, sectors by progress, the indicators concerning it,
    # their measurements, sectors, minerals, stages, its targets, overdue milestones, the
    # form's theme/target/group/stage options
    ("/minerals/cobalt/", 1 + 22),
    # mineral, its sectors, milestones, their groups, minerals, stages, progress, progress by
    # sector, progress by stage, stages, sectors of the progress, the indicators concerning
    # it, their measurements, sectors, minerals, stages
    ("/minerals/cobalt/?format=json", 1 + 16),
    # mineral, its sectors, milestones, their groups, minerals, stages
    ("/minerals/cobalt/?format=csv", 1 + 6),
    # + validating the stage choice
    ("/minerals/cobalt/?stage=processing&format=csv", 1 + 7),
    # the sector list's queries (test_dashboards) + validating the mineral and stage choices
    ("/sectors/mobility/milestones/?mineral=cobalt&stage=extraction", 1 + 11),
    ("/sectors/mobility/milestones/?mineral=cobalt&stage=null&format=csv", 1 + 6),
    # the dashboard's 16 (test_dashboards: slippage, the reviewed count and the first
    # screen's at-risk and next due included), then the sector's minerals, stages, progress by
    # stage, milestones placed
    # by stage, milestones reviewed within the interval; its progress over time
    # (PAST_PROGRESS_QUERIES for every period)
    ("/sectors/mobility/", 1 + 18 + PAST_PROGRESS_QUERIES),
]


def test_mineral_pages_run_a_fixed_number_of_queries(client, dataset):
    """Every page of MINERAL_QUERY_COUNTS, today and as of PAST, at 1x and 10x the data: the
    same queries (each page counted as the first request after the data, tests.query_counts)."""
    counts = dated(MINERAL_QUERY_COUNTS, ("", PAST))
    small, large = at_1x_and_10x(client, counts, _grow)

    assert small == expected(counts)
    assert large == expected(counts)


# The admin: administrators edit minerals, stages and their links; nobody else does.


def test_admin_links_a_mineral_to_milestones(client, admin_user, dataset):
    cobalt = Mineral.objects.get(slug="cobalt")
    climate = Milestone.objects.get(code="MOB-2.1")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/roadmaps/mineral/{cobalt.pk}/change/",
        {
            "slug": "cobalt",
            "name": "Cobalt",
            "symbol": "Co",
            "is_critical": "on",
            "is_strategic": "on",
            "description": "",
            "source_title": "CRMA",
            "source_url": "http://data.europa.eu/eli/reg/2024/1252/oj",
            "sectors": [s.pk for s in cobalt.sectors.all()],
            "targets": [],
            "milestones": [climate.pk],
        },
    )

    assert response.status_code == 302
    assert _links(Mineral, "cobalt") == ["MOB-2.1"]


def test_admin_refuses_a_strategic_mineral_that_is_not_critical(client, admin_user, dataset):
    client.force_login(admin_user)

    response = client.post(
        "/admin/roadmaps/mineral/add/",
        {"slug": "odd", "name": "Odd", "is_strategic": "on", "symbol": "", "description": ""},
    )

    assert response.status_code == 200
    assert "A strategic raw material is also critical" in response.content.decode()
    assert not Mineral.objects.filter(slug="odd").exists()


@pytest.mark.parametrize("path", ["/admin/roadmaps/mineral/", "/admin/roadmaps/valuechainstage/"])
def test_admin_mineral_pages_are_for_administrators_only(
    client, admin_user, steward_a, dataset, path
):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    client.force_login(steward_a)
    assert client.get(path).status_code == 403
    client.force_login(admin_user)
    assert client.get(path).status_code == 200
    cobalt = Mineral.objects.get(slug="cobalt")
    client.force_login(steward_a)
    response = client.post(f"/admin/roadmaps/mineral/{cobalt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Mineral.objects.filter(slug="cobalt").exists()
