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


# Issue 11: honest data ----------------------------------------------------------------------

ELI = "http://data.europa.eu/eli/"


def test_fixture_every_status_but_not_started_has_a_dated_evidenced_update(loaded):
    for milestone in Milestone.objects.exclude(status=Status.NOT_STARTED):
        last = milestone.updates.filter(kind="status").order_by("-created_at").first()
        assert last is not None, milestone.code
        assert last.status_after == milestone.status, milestone.code
        assert last.status_before != last.status_after, milestone.code
        assert last.evidence_url.startswith(("http://", "https://")), milestone.code
        assert last.note.strip(), milestone.code
        assert datetime.date(2020, 1, 1) <= last.created_at.date() <= datetime.date(2026, 11, 29)


def test_fixture_every_re_dating_cites_an_act_and_chains_to_the_due_date(loaded):
    for milestone in Milestone.objects.filter(updates__kind="deadline").distinct():
        changes = list(milestone.updates.filter(kind="deadline").order_by("created_at"))
        for change in changes:
            assert change.evidence_url.startswith(ELI), milestone.code
            assert change.status_before == change.status_after, milestone.code
        for before, after in itertools.pairwise(changes):
            assert before.due_date_after == after.due_date_before, milestone.code
        assert changes[-1].due_date_after == milestone.due_date, milestone.code


def test_fixture_re_datings_are_dated_on_the_amending_acts_entry_into_force(loaded):
    rows = MilestoneUpdate.objects.filter(kind="deadline").order_by("milestone__code", "created_at")

    assert [
        (
            row.milestone.code,
            row.created_at.isoformat(),
            row.due_date_before.isoformat(),
            row.due_date_after.isoformat(),
            row.evidence_url,
        )
        for row in rows
    ] == [
        (code, f"{day}T00:00:00+00:00", before, after, f"{ELI}{act}/oj")
        for code in ("EEE-6.1", "MOB-4.2", "MOB-6.1", "RE-6.1")
        for day, before, after, act in (
            [("2025-07-31", "2025-08-18", "2027-08-18", "reg/2025/1561")]
            if code == "MOB-4.2"
            else [
                ("2025-04-17", "2027-07-26", "2028-07-26", "dir/2025/794"),
                ("2026-03-18", "2028-07-26", "2029-07-26", "dir/2026/470"),
            ]
        )
    ]


def test_fixture_statuses_follow_the_facts_file(loaded):
    statuses = dict(Milestone.objects.values_list("code", "status"))
    not_started = sorted(code for code, status in statuses.items() if status == "not_started")

    assert {code: s for code, s in statuses.items() if s != "not_started"} == {
        # An obligation that applies without published results, and every Directive whose
        # transposition is unconfirmed: in progress.
        "MOB-1.1": "in_progress",
        "EEE-1.1": "in_progress",
        "EEE-1.3": "in_progress",
        "EEE-1.4": "in_progress",
        # EU-wide trajectories with a measured value (or none published yet).
        **dict.fromkeys(
            ["RE-2.1", "RE-2.2", "RE-2.3", "RE-2.4", "RE-2.5", "RE-5.2"], "in_progress"
        ),
        **dict.fromkeys(["MOB-2.1", "MOB-2.2", "MOB-2.3", "MOB-2.4", "MOB-5.1"], "in_progress"),
        **dict.fromkeys(["EEE-2.1", "EEE-2.2", "EEE-2.3", "EEE-5.1"], "in_progress"),
        # WEEE collection: measured below the 65 % target.
        "RE-1.2": "at_risk",
        "EEE-1.5": "at_risk",
        # Directly applicable rules that apply, worded so.
        "EEE-1.2": "achieved",
        "EEE-4.1": "achieved",
        "RE-5.1": "achieved",
    }
    assert "MOB-4.2" in not_started and "RE-6.1" in not_started
    assert Milestone.objects.get(code="EEE-4.1").title == (
        "Due-diligence obligations of EU importers of tin, tantalum, tungsten and gold apply"
    )


def test_fixture_project_event_and_enablers_are_explicit(loaded):
    assert list(Milestone.objects.filter(is_project_event=True).values_list("code", flat=True)) == [
        "RE-5.1"
    ]
    assert sorted(Target.objects.filter(target_year=None).values_list("code", flat=True)) == [
        "EEE-5",
        "EEE-6",
        "MOB-5",
        "MOB-6",
        "RE-5",
        "RE-6",
    ]
    assert set(Target.objects.exclude(target_year=None).values_list("target_year", flat=True)) == {
        2050
    }
    assert not Target.objects.filter(theme__is_enabler=True, target_year__isnull=False).exists()


def test_fixture_progress_today_computed_by_hand(client, loaded):
    """As of 2026-11-30 (project events and discontinued rows left out):
    renewable-energy 12 counted, 1 due (RE-1.2, at risk), 0 achieved -> off track;
    mobility 22 counted, 1 due (MOB-1.1, in progress), 0 achieved -> off track;
    electronics 16 counted, 6 due (EEE-1.1 to 1.5, EEE-4.1), 2 achieved -> 1/3, off track."""
    expected = {
        "renewable-energy": (12, 1, 0, 1, "off_track", {"eu-law": 1, "roadmap": 0}),
        "mobility": (22, 1, 0, 1, "off_track", {"eu-law": 1, "roadmap": 0}),
        "electronics": (16, 6, 2, 4, "off_track", {"eu-law": 6, "roadmap": 0}),
    }

    for slug, (counted, due, achieved, overdue, classification, due_by) in expected.items():
        block = client.get(f"/sectors/{slug}/", {"as_of": "2026-11-30", "format": "json"}).json()[
            "progress"
        ]
        assert (
            block["counted"],
            block["due"],
            block["achieved"],
            block["overdue"],
            block["classification"],
        ) == (counted, due, achieved, overdue, classification), slug
        assert {k: block["basis"]["due"][k] for k in due_by} == due_by, slug
        assert block["basis"]["project_events_excluded"] == (slug == "renewable-energy")


def test_loaddata_refuses_to_revert_milestones_changed_since_and_names_them(loaded):
    # Issue 9, defect 2: a steward's status and an import's title change survive a reload.
    from roadmaps.services import record_status_update, update_milestone_content

    steward_change = record_status_update(
        milestone=Milestone.objects.get(code="MOB-4.2"),
        status=Status.AT_RISK,
        note="Behind schedule.",
        expected_version=Milestone.objects.get(code="MOB-4.2").version,
    )
    imported = Milestone.objects.get(code="RE-1.1")
    update_milestone_content(
        milestone=imported, changes={"title": "Imported title"}, expected_version=1
    )

    with pytest.raises(CommandError) as refused:
        _load("resourcing")

    assert str(refused.value) == (
        "Refusing to load the fixtures: these milestones were changed since they were loaded "
        "(status updates, admin edits or imports), and loading would put back older values "
        "than their history shows: MOB-4.2, RE-1.1. Nothing was loaded. Change content on a "
        "database in use with import_roadmap (its changes are recorded)."
    )
    mob = Milestone.objects.get(code="MOB-4.2")
    assert mob.status == Status.AT_RISK
    assert mob.updates.latest_first().first() == steward_change
    assert Milestone.objects.get(code="RE-1.1").title == "Imported title"
    with pytest.raises(CommandError):
        call_command("load_resourcing", force=True, verbosity=0)
    assert Milestone.objects.get(code="MOB-4.2").status == Status.AT_RISK


def test_loaddata_twice_writes_nothing_the_second_time(loaded):
    from pagecache.models import DataVersion

    dump = _dump()
    updated = dict(Milestone.objects.values_list("code", "updated_at"))
    data_version = DataVersion.objects.get().version

    _load("resourcing")

    assert _dump() == dump
    assert dict(Milestone.objects.values_list("code", "updated_at")) == updated
    assert DataVersion.objects.get().version == data_version


def test_loaddata_bumps_the_data_version_once(db):
    from pagecache.models import DataVersion

    before = DataVersion.objects.get().version

    _load("resourcing")

    assert DataVersion.objects.get().version == before + 1


def test_a_load_looks_up_each_row_its_natural_keys_name_once(django_assert_num_queries):
    """resourcing.lib.natural_keys inside a load: a row found is not asked for again; a key
    naming no row yet is asked again (the load may create it); outside a load, every call
    asks."""
    from resourcing.lib import natural_keys
    from tests.factories import make_group

    make_group(slug="industry")
    with natural_keys.remembered():
        with django_assert_num_queries(1):
            first = StakeholderGroup.objects.get_by_natural_key("industry")
            again = StakeholderGroup.objects.db_manager("default").get_by_natural_key("industry")
        assert again is first
        for _ in range(2):
            with pytest.raises(StakeholderGroup.DoesNotExist):
                StakeholderGroup.objects.get_by_natural_key("civil-society")
        make_group(slug="civil-society")
        assert StakeholderGroup.objects.get_by_natural_key("civil-society").slug == "civil-society"
    with django_assert_num_queries(2):
        StakeholderGroup.objects.get_by_natural_key("industry")
        StakeholderGroup.objects.get_by_natural_key("industry")


def test_the_product_fixtures_load_their_links_with_one_lookup_per_named_row():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call_command("loaddata", "resourcing", verbosity=0)
    by_slug = 'WHERE "stakeholders_stakeholdergroup"."slug" = '
    lookups = [query for query in queries if by_slug in query["sql"]]

    rows = json.loads(FIXTURE.read_text())
    named = {
        row["fields"]["code"]: sorted(slug for (slug,) in row["fields"]["stakeholder_groups"])
        for row in rows
        if row["model"] in ("roadmaps.milestone", "roadmaps.target")
    }
    # Each group looked up for its own row and once more where first named, not per link.
    assert sum(len(slugs) for slugs in named.values()) > 4 * StakeholderGroup.objects.count()
    assert len(lookups) <= 2 * StakeholderGroup.objects.count()
    loaded = {
        item.code: sorted(item.stakeholder_groups.values_list("slug", flat=True))
        for model in (Milestone, Target)
        for item in model.objects.prefetch_related("stakeholder_groups")
    }
    assert loaded == named
