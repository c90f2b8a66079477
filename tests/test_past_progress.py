"""Stored past progress (roadmaps.PastProgress): progress over time reads each past quarter end
once from the history, keeps it at the past version (pagecache.versions), and gives exactly
what a full recomputation gives after every kind of write."""

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from pagecache.models import DataVersion
from pagecache.versions import bump_data_version, current_past_version, past_unchanged
from resourcing.lib.dates import today
from roadmaps import services
from roadmaps.models import Milestone, PastProgress, Status
from roadmaps.progress import (
    _storable,
    period_ends,
    progress_over_time_by,
    sector_progress_over_time,
)
from tests.factories import make_milestone, make_roadmap, make_sector, make_target
from tests.test_progress_over_time import _blocks, _history_with_every_kind_of_change

# Stored read (stale or missing), past version, computation, savepoint + upsert + release.
COMPUTED = 6


def _recomputed(sector_ids, days):
    """The full recomputation from the history, every day, nothing stored."""
    series = progress_over_time_by(Milestone.objects.current(), "target__roadmap__sector", days)
    return {pk: _blocks(series[pk]) for pk in sector_ids if pk in series}


def _over_time(sector_ids, days):
    series = sector_progress_over_time(sector_ids, days)
    return {pk: _blocks(points) for pk, points in series.items()}


@pytest.fixture
def sectors(db):
    return [sector.pk for sector in _history_with_every_kind_of_change()]


@pytest.fixture
def days():
    return period_ends(today())


def _quarters() -> list:
    """The days of period_ends(today) that are stored: all but today, and but a quarter end
    that ended less than a day ago (on the day after one)."""
    return [day for day in period_ends(today()) if _storable(day)]


def _recent() -> int:
    """1 on the day after a quarter end (that quarter is computed, not yet stored), else 0."""
    return int(len(_quarters()) < len(period_ends(today())) - 1)


def _stored_days() -> set:
    return set(PastProgress.objects.values_list("sector_id", "day"))


def test_past_quarter_ends_are_computed_once_then_read(sectors, days, django_assert_num_queries):
    with django_assert_num_queries(COMPUTED):
        first = _over_time(sectors, days)
    with django_assert_num_queries(1 + 1):  # the stored days, then today (never stored)
        second = _over_time(sectors, days)

    assert first == second == _recomputed(sectors, days)
    # Every quarter end but today's day (never stored: it can still change).
    assert _stored_days() == {(pk, day) for pk in sectors for day in _quarters()}
    assert {row.past_version for row in PastProgress.objects.all()} == {current_past_version()}


def test_a_sector_with_no_milestones_is_stored_as_zeros(db, days, django_assert_num_queries):
    empty = make_sector().pk
    _over_time([empty], days)

    with django_assert_num_queries(1 + 1):
        series = _over_time([empty], days)[empty]
    assert [block["counted"] for _day, block, _events in series] == [0] * len(days)
    assert PastProgress.objects.count() == len(_quarters())


def test_known_progress_is_used_for_the_last_day(sectors, days, django_assert_num_queries):
    _over_time(sectors, days)
    known = dict.fromkeys(sectors, sector_progress_over_time(sectors, days)[sectors[0]][-1][1])

    # Every past day stored and the last one given: one query, whatever it would cost.
    with django_assert_num_queries(1 + _recent()):
        series = sector_progress_over_time(sectors, days, known)
    assert all(series[pk][-1][1] is known[pk] for pk in sectors)


def test_days_not_quarter_ends_or_too_recent_are_never_stored(sectors, monkeypatch):
    from roadmaps import progress

    noon = datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)
    monkeypatch.setattr(progress, "now", lambda: noon)
    days = [datetime.date(2025, 8, 14), datetime.date(2026, 3, 31), datetime.date(2026, 6, 30)]

    assert _over_time(sectors, days) == _recomputed(sectors, days)
    # 2025-08-14 is no quarter end; 2026-06-30 ended less than a day before.
    assert _stored_days() == {(pk, datetime.date(2026, 3, 31)) for pk in sectors}


def _status(code, status, created_at=None):
    milestone = Milestone.objects.get(code=code)
    services.record_status_update(
        milestone=milestone,
        status=status,
        note="Checked",
        expected_version=milestone.version,
        created_at=created_at,
    )


def _deadline_now(code, due):
    milestone = Milestone.objects.get(code=code)
    services.record_deadline_change(
        milestone=milestone,
        due_date=due,
        reason="Moved",
        expected_version=milestone.version,
    )


# Writes that leave every past day as it was: stored quarters stay valid (no recomputation).
KEPT = {
    "status update": lambda: _status("MOB-1.5", Status.ACHIEVED),
    "deadline change": lambda: _deadline_now("MOB-1.5", datetime.date(2021, 3, 31)),
}


@pytest.mark.parametrize("write", KEPT, ids=list(KEPT))
def test_writes_recorded_now_keep_the_stored_past(sectors, days, django_assert_num_queries, write):
    _over_time(sectors, days)
    past = current_past_version()
    today_before = _over_time(sectors, days)[sectors[0]][-1]

    KEPT[write]()

    assert current_past_version() == past
    with django_assert_num_queries(1 + 1):  # the stored days, then today's (not stored)
        after = _over_time(sectors, days)
    assert after == _recomputed(sectors, days)
    # The write shows today, and only today.
    assert after[sectors[0]][-1] != today_before


def _move_to_other_sector():
    milestone = Milestone.objects.get(code="MOB-1.1")
    services.update_milestone_content(
        milestone=milestone,
        changes={"target": make_target(roadmap=make_roadmap(sector=make_sector()))},
        expected_version=milestone.version,
    )


def _make_project_event():
    milestone = Milestone.objects.get(code="MOB-1.2")
    services.update_milestone_content(
        milestone=milestone, changes={"is_project_event": True}, expected_version=milestone.version
    )


def _create():
    from roadmaps.models import Target

    services.create_milestone(
        target=Target.objects.get(code="MOB-1"),
        code="MOB-1.9",
        values={
            "title": "New",
            "due_date": datetime.date(2021, 6, 30),
            "source_title": "Source",
            "source_url": "https://example.org/s",
            "provenance": "roadmap",
        },
    )


def _import():
    milestone = Milestone.objects.get(code="MOB-1.5")
    services.write_milestones(
        [
            services.MilestoneWrite(
                code=milestone.code,
                changes={},
                due_date=milestone.due_date,
                status=Status.ACHIEVED,
                existing=milestone,
                expected_version=milestone.version,
            )
        ],
        note="Imported",
        now=datetime.datetime(2022, 1, 5, 12, tzinfo=datetime.UTC),
    )


def _admin_save():
    # Any save of a public row past the services (the admin, a data migration).
    milestone = Milestone.objects.get(code="MOB-1.2")
    milestone.is_project_event = True
    milestone.save()


def _rows_added_and_deleted():
    make_milestone(
        target=Milestone.objects.get(code="EEE-1.1").target,
        code="EEE-1.8",
        due_date=datetime.date(2021, 3, 31),
    )
    Milestone.objects.get(code="EEE-1.5").delete()


# Writes that can change a past day: stored quarters are stale at once, and the next read
# computes them again from the history.
CHANGED = {
    "status update dated in the past": lambda: _status(
        "MOB-1.5", Status.ACHIEVED, datetime.datetime(2023, 1, 15, 12, tzinfo=datetime.UTC)
    ),
    "milestone moved to another sector": _move_to_other_sector,
    "milestone made a project event": _make_project_event,
    "milestone created": _create,
    "import with dated history": _import,
    "save past the services": _admin_save,
    "rows added and deleted": _rows_added_and_deleted,
}


@pytest.mark.parametrize("write", CHANGED, ids=list(CHANGED))
def test_writes_that_change_the_past_make_it_computed_again(
    sectors, days, django_assert_num_queries, write
):
    before = _over_time(sectors, days)
    past = current_past_version()

    CHANGED[write]()

    assert current_past_version() > past
    with django_assert_num_queries(COMPUTED):
        after = _over_time(sectors, days)
    assert after == _recomputed(sectors, days)
    # Each of these writes changes at least one past quarter end.
    assert [points[:-1] for points in after.values()] != [points[:-1] for points in before.values()]


def test_loaddata_makes_the_stored_past_stale(sectors, days, tmp_path):
    _over_time(sectors, days)
    past = current_past_version()
    fixture = tmp_path / "milestones.json"
    call_command("dumpdata", "roadmaps.milestone", output=str(fixture))

    call_command("loaddata", str(fixture), verbosity=0)

    assert current_past_version() > past
    assert not PastProgress.objects.filter(past_version=current_past_version()).exists()


def test_a_stale_row_is_never_read(sectors, days, django_assert_num_queries):
    _over_time(sectors, days)
    PastProgress.objects.update(measures={"counted": 999})
    assert _over_time(sectors, days)[sectors[0]][0][1]["counted"] == 999  # the store is read

    bump_data_version()  # outside past_unchanged: the past may have changed

    assert _over_time(sectors, days) == _recomputed(sectors, days)


def test_a_failed_store_still_answers(sectors, days, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(PastProgress.objects, "bulk_create", refuse)

    assert _over_time(sectors, days) == _recomputed(sectors, days)
    assert not PastProgress.objects.exists()
    assert "Past progress not stored" in caplog.text


def test_past_unchanged_bumps_the_version_but_not_the_past(db):
    row = DataVersion.objects.get()
    with transaction.atomic(), past_unchanged():
        bump_data_version()
    kept = DataVersion.objects.get()
    assert (kept.version, kept.past_version) == (row.version + 1, row.past_version)

    # In one transaction, a write that changes the past after one that does not: both bumped,
    # the version once per bump.
    with transaction.atomic():
        with past_unchanged():
            bump_data_version()
        bump_data_version()
        bump_data_version()
    both = DataVersion.objects.get()
    assert (both.version, both.past_version) == (kept.version + 2, kept.past_version + 1)

    with transaction.atomic():
        bump_data_version()
        with past_unchanged():
            bump_data_version()
    once = DataVersion.objects.get()
    assert (once.version, once.past_version) == (both.version + 1, both.past_version + 1)


def test_the_dashboard_reads_the_stored_quarters(sectors, django_assert_num_queries):
    from roadmaps.pages import sector_dashboard_page

    with django_assert_num_queries(1 + 18 + COMPUTED - 1) as computed:
        first = sector_dashboard_page("mobility", today())
    # The same page again: its progress over time in one query, the same chart.
    with django_assert_num_queries(1 + 18 + _recent()):
        second = sector_dashboard_page("mobility", today())

    assert "past_progress" not in computed.captured_queries[-1]["sql"]
    assert second.over_time == first.over_time
    assert _stored_days() == {(sectors[0], day) for day in _quarters()}


def test_store_past_progress_computes_what_is_missing_once(sectors, django_assert_num_queries):
    from roadmaps.progress import store_past_progress

    quarters = _quarters()

    assert store_past_progress() == len(sectors) * len(quarters)
    assert _stored_days() == {(pk, day) for pk in sectors for day in quarters}
    with django_assert_num_queries(3):  # sectors, quarters stored; nothing to compute
        assert store_past_progress() == 0


def test_bulk_loads_store_the_past_quarters(db):
    from roadmaps.models import Sector

    call_command("generate_demo_data", milestones=40, updates=60, verbosity=0)

    sector_ids = set(Sector.objects.values_list("pk", flat=True))
    quarters = _quarters()
    assert _stored_days() == {(pk, day) for pk in sector_ids for day in quarters}
    assert set(PastProgress.objects.values_list("past_version", flat=True)) == {
        current_past_version()
    }
    # What they hold is what the history says.
    stored = _over_time(sector_ids, quarters)
    PastProgress.objects.all().delete()
    assert stored == _recomputed(sector_ids, quarters)


def test_rebuild_command_recomputes_the_past_after_a_write_past_the_application(sectors, days):
    import io

    _over_time(sectors, days)
    # Past every writer: no bump, the stored quarters still claim to hold.
    Milestone.objects.filter(code="MOB-1.5").update(is_project_event=True)
    assert _over_time(sectors, days) != _recomputed(sectors, days)

    out = io.StringIO()
    call_command("rebuild_progress_counters", stdout=out)

    assert f"{len(sectors) * len(_quarters())} past quarters computed" in out.getvalue()
    assert _over_time(sectors, days) == _recomputed(sectors, days)
