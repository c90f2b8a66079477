"""The product's data: fixtures/resourcing.json loads, validates, and round-trips."""

import datetime
import io
import itertools
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roadmaps.models import Milestone, MilestoneUpdate, Roadmap, Sector, Status, Target, Theme
from stakeholders.models import StakeholderGroup
from tests.factories import dump_content

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "resourcing.json"


def _dump() -> str:
    return dump_content(natural_primary=True)


def _load(path) -> None:
    call_command("loaddata", str(path), verbosity=0)


@pytest.fixture
def loaded():
    _load("resourcing")


def test_fixture_carries_no_primary_keys():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))

    assert [row for row in rows if "pk" in row] == []


def test_fixture_loads_the_three_sectors_groups_and_six_themes(loaded):
    assert list(Sector.objects.values_list("slug", flat=True)) == [
        "renewable-energy",
        "mobility",
        "electronics",
    ]
    assert sorted(StakeholderGroup.objects.values_list("slug", flat=True)) == [
        "civil-society",
        "industry",
        "policy-makers",
    ]
    assert Theme.objects.count() == 6
    for sector in Sector.objects.all():
        assert Roadmap.objects.filter(sector=sector, is_current=True).count() == 1
        assert Target.objects.in_sector(sector).count() >= 4
        milestones = Milestone.objects.in_sector(sector)
        assert milestones.count() >= 10
        years = {m.due_date.year for m in milestones}
        assert min(years) <= 2025, sector.slug
        assert max(years) == 2050, sector.slug
    all_years = {m.due_date.year for m in Milestone.objects.all()}
    # The WEEE collection target (every year since 2019) is shown from the window's start.
    assert min(all_years) == 2020


def test_fixture_rows_have_sources_provenance_and_groups(loaded):
    for row in [*Target.objects.all(), *Milestone.objects.all()]:
        assert row.source_title.strip(), row.code
        assert row.source_url.startswith(("http://", "https://")), row.code
        assert row.provenance in ("roadmap", "eu-law", "illustrative"), row.code
        row.full_clean()
    for milestone in Milestone.objects.all():
        assert milestone.stakeholder_groups.exists(), milestone.code
        assert datetime.date(2020, 1, 1) <= milestone.due_date <= datetime.date(2050, 12, 31)
        if milestone.provenance == "illustrative":
            text = f"{milestone.title} {milestone.description}".lower()
            assert "illustrative" in text, milestone.code


def test_fixture_eu_law_rows_cite_an_eu_act(loaded):
    eu_law = Milestone.objects.filter(provenance="eu-law")

    assert eu_law.exists()
    for milestone in eu_law:
        assert milestone.source_url.startswith("http://data.europa.eu/eli/"), milestone.code


def test_fixture_statuses_are_justified_by_history(loaded):
    for milestone in Milestone.objects.all():
        updates = list(milestone.updates.order_by("created_at"))
        if milestone.status != Status.NOT_STARTED:
            assert updates, f"{milestone.code} is {milestone.status} without history"
        if not updates:
            assert milestone.version == 1, milestone.code
            continue
        assert updates[0].status_before == Status.NOT_STARTED, milestone.code
        for before, after in itertools.pairwise(updates):
            assert before.status_after == after.status_before, milestone.code
        assert updates[-1].status_after == milestone.status, milestone.code
        assert milestone.version == 1 + len(updates), milestone.code
        for update in updates:
            assert update.note.strip(), milestone.code
            assert update.evidence_url.startswith(("http://", "https://")), milestone.code
            assert update.author is None


def test_fixture_loading_twice_changes_nothing(loaded):
    first = _dump()
    updates = MilestoneUpdate.objects.count()

    _load("resourcing")

    assert MilestoneUpdate.objects.count() == updates
    assert _dump() == first


def test_natural_key_dump_loads_into_empty_database_and_dumps_identically(loaded, tmp_path):
    first = _dump()
    path = tmp_path / "dump.json"
    path.write_text(first, encoding="utf-8")
    MilestoneUpdate.objects.all().delete()
    Milestone.objects.all().delete()
    Target.objects.all().delete()
    Roadmap.objects.all().delete()
    Theme.objects.all().delete()
    Sector.objects.all().delete()
    StakeholderGroup.objects.all().delete()

    _load(path)

    assert _dump() == first


def _bad_fixture(tmp_path, mutate) -> Path:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    mutate(rows)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def _first(rows, model):
    return next(row for row in rows if row["model"] == model)


def _due_2070(rows):
    _first(rows, "roadmaps.milestone")["fields"]["due_date"] = "2070-12-31"


def _unknown_sector(rows):
    _first(rows, "roadmaps.roadmap")["fields"]["sector"] = ["no-such-sector"]


def _duplicate_code(rows):
    milestones = [row for row in rows if row["model"] == "roadmaps.milestone"]
    milestones[1]["fields"]["code"] = milestones[0]["fields"]["code"]


def _unknown_group(rows):
    _first(rows, "roadmaps.milestone")["fields"]["stakeholder_groups"] = [["no-such-group"]]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_unknown_group, "no-such-group"),
        (_due_2070, "due_date: Ensure this value is less than or equal to 2050-12-31."),
        (_unknown_sector, "no-such-sector"),
        (_duplicate_code, "appears twice in the fixtures"),
    ],
    ids=["unknown-group", "due-date-2070", "unknown-sector", "duplicate-code"],
)
def test_bad_fixture_fails_with_message_and_leaves_database_unchanged(tmp_path, mutate, message):
    _load("resourcing")
    before = _dump()
    path = _bad_fixture(tmp_path, mutate)

    with pytest.raises(CommandError) as excinfo:
        _load(path)

    assert message in str(excinfo.value)
    assert _dump() == before


def test_bad_fixture_into_empty_database_writes_nothing(tmp_path):
    path = _bad_fixture(tmp_path, _due_2070)

    with pytest.raises(CommandError):
        _load(path)

    assert Sector.objects.count() == 0
    assert Milestone.objects.count() == 0


def test_load_resourcing_loads_only_into_an_empty_database():
    out = io.StringIO()
    call_command("load_resourcing", stdout=out, verbosity=0)
    Milestone.objects.filter(code="MOB-1.1").update(title="Changed by staff")

    call_command("load_resourcing", stdout=out)

    assert Milestone.objects.get(code="MOB-1.1").title == "Changed by staff"
    assert "not reloaded" in out.getvalue()
    call_command("load_resourcing", force=True, verbosity=0)
    assert Milestone.objects.get(code="MOB-1.1").title != "Changed by staff"
