"""Progress counters (roadmaps.counters): after every kind of write they hold exactly what a
recount from the milestones holds, and progress "as of today" read from them equals the full
computation from the milestones, basis included."""

import csv
import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from resourcing.lib.dates import today
from roadmaps import counters
from roadmaps.freshness import reviewed_milestone_counts
from roadmaps.imports import import_file
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    ProgressCounter,
    Provenance,
    ReviewCounter,
    Roadmap,
    Sector,
    Status,
    Target,
)
from roadmaps.progress import (
    Progress,
    counts_by_due_year,
    progress_by,
    progress_of,
    status_counts,
)
from roadmaps.services import (
    create_milestone,
    record_deadline_change,
    record_status_update,
    update_milestone_content,
    update_target_content,
)
from tests.factories import (
    make_group,
    make_milestone,
    make_roadmap,
    make_sector,
    make_stage,
    make_target,
    make_theme,
    make_update,
)

FIELDS = ["target", "target__theme", "target__roadmap__sector", "stakeholder_groups", "stages"]


def _stored() -> Counter:
    rows = ProgressCounter.objects.values_list(*counters.COLUMNS, "milestones")
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def _dicts(progress: dict) -> dict:
    # Progress by group from the milestones has a row for the milestones of no group (None).
    return {key: value.as_dict() for key, value in progress.items() if key is not None}


def _stored_reviews() -> Counter:
    rows = ReviewCounter.objects.values_list(*counters.REVIEW_COLUMNS, "milestones")
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def _grouped_recount() -> Counter:
    """The counters recounted by grouped queries in the database, independently of
    counters.tally (which reads each milestone and counts in Python)."""
    counts = Counter()

    def add(rows, scope):
        for row in rows:
            due = row["due_date"]
            rest = (row["status"], row["provenance"], row["is_project_event"])
            for granularity, key_day in (
                (ProgressCounter.YEAR, datetime.date(due.year, 12, 31)),
                (ProgressCounter.DAY, due),
            ):
                counts[(*scope(row), granularity, due.year, key_day, *rest)] += row["n"]

    keys = ("status", "provenance", "is_project_event", "due_date")
    milestones = Milestone.objects.order_by()
    add(
        milestones.values("target_id", "target__roadmap_id", *keys).annotate(n=Count("pk")),
        lambda row: (row["target__roadmap_id"], row["target_id"], None, None),
    )
    add(
        milestones.filter(stakeholder_groups__isnull=False)
        .values("stakeholder_groups", "target__roadmap_id", *keys)
        .annotate(n=Count("pk")),
        lambda row: (row["target__roadmap_id"], None, row["stakeholder_groups"], None),
    )
    add(
        milestones.values("stages", "target__roadmap_id", *keys).annotate(n=Count("pk")),
        lambda row: (row["target__roadmap_id"], None, None, row["stages"]),
    )
    return counts


def _grouped_review_recount() -> Counter:
    last = (
        MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    rows = (
        Milestone.objects.order_by()
        .annotate(last_review=Subquery(last))
        .values("target__roadmap_id", "status", reviewed_on=TruncDate("last_review"))
        .annotate(n=Count("pk"))
    )
    return Counter(
        {(row["target__roadmap_id"], row["reviewed_on"], row["status"]): row["n"] for row in rows}
    )


def _assert_counters_match():
    assert _stored() == +counters.tally(Milestone.objects.all()) == _grouped_recount()
    assert (
        _stored_reviews()
        == +counters.tally_reviews(Milestone.objects.all())
        == _grouped_review_recount()
    )
    now = today()
    # The share reviewed within each sector's interval today: from the review counters as
    # from every milestone's history.
    for sector in Sector.objects.all():
        milestones = Milestone.objects.in_sector(sector).with_status_as_of(now).with_review(now)
        assert reviewed_milestone_counts(
            milestones, sector, now, counters=ReviewCounter.objects.in_sector(sector)
        ) == reviewed_milestone_counts(milestones, sector, now)
    # Today, a day later this year or next, and a day in a later year.
    for as_of in (now, now + datetime.timedelta(days=1), datetime.date(now.year + 3, 6, 30)):
        for sector in Sector.objects.all():
            milestones = Milestone.objects.in_sector(sector)
            rows = ProgressCounter.objects.in_sector(sector)
            assert progress_of(milestones, as_of, counters=rows).as_dict() == (
                progress_of(milestones, as_of).as_dict()
            )
            assert status_counts(milestones, as_of, counters=rows) == status_counts(
                milestones, as_of
            )
            assert counts_by_due_year(milestones, as_of, counters=rows) == counts_by_due_year(
                milestones, as_of
            )
            for field in FIELDS:
                assert _dicts(progress_by(milestones, field, as_of, counters=rows)) == _dicts(
                    progress_by(milestones, field, as_of)
                )
            # By stage, the milestones of no stage too (the key None), and how many each has.
            by_stage = progress_by(milestones, "stages", as_of, counters=rows, totals=True)
            recount = progress_by(milestones, "stages", as_of, totals=True)
            assert {key: (value.as_dict(), value.total) for key, value in by_stage.items()} == {
                key: (value.as_dict(), value.total) for key, value in recount.items()
            }
        current = Milestone.objects.current()
        assert _dicts(
            progress_by(
                current,
                "target__roadmap__sector",
                as_of,
                counters=ProgressCounter.objects.current(),
            )
        ) == _dicts(progress_by(current, "target__roadmap__sector", as_of))


@pytest.fixture
def world(db):
    """Two sectors, themes, groups; milestones due in the past, today, this year, later."""
    now = today()
    groups = [make_group(slug="industry"), make_group(slug="civil-society")]
    themes = [make_theme(slug="circularity"), make_theme(slug="due-diligence")]
    made = {}
    for number, slug in enumerate(["sector-a", "sector-b"]):
        sector = make_sector(slug=slug)
        roadmap = make_roadmap(sector=sector)
        target = make_target(roadmap=roadmap, theme=themes[number], groups=groups)
        other = make_target(roadmap=roadmap, theme=themes[1 - number])
        made[slug] = {"sector": sector, "roadmap": roadmap, "target": target, "other": other}
        dues = [
            datetime.date(2021, 6, 30),
            now,
            datetime.date(now.year, 12, 31),
            datetime.date(now.year + 3, 12, 31),
        ]
        for index, due in enumerate(dues):
            make_milestone(
                target=target if index % 2 else other,
                code=f"{slug.upper()}.{index}",
                due_date=due,
                status=[Status.ACHIEVED, Status.IN_PROGRESS, Status.NOT_STARTED][index % 3],
                groups=groups[: index % 3],
                provenance=[Provenance.ROADMAP, Provenance.EU_LAW][index % 2],
            )
    make_milestone(
        target=made["sector-a"]["target"],
        code="SECTOR-A.EVENT",
        due_date=datetime.date(2021, 1, 31),
        is_project_event=True,
    )
    made["groups"] = groups
    # History: reviewed long ago, reviewed lately (a reconfirmation), never reviewed.
    make_update(
        milestone=_milestone("SECTOR-A.1"),
        status_after=Status.IN_PROGRESS,
        created_at=timezone.now() - datetime.timedelta(days=800),
    )
    make_update(
        milestone=_milestone("SECTOR-B.1"),
        status_after=Status.IN_PROGRESS,
        created_at=timezone.now() - datetime.timedelta(days=20),
    )
    # Value-chain stages: one milestone at two, one at one, the rest at none.
    made["stages"] = [
        make_stage(
            slug="mining",
            order=1,
            milestones=[_milestone("SECTOR-A.0"), _milestone("SECTOR-B.1")],
        ),
        make_stage(slug="recycling", order=2, milestones=[_milestone("SECTOR-A.0")]),
    ]
    return made


def _milestone(code="SECTOR-A.1") -> Milestone:
    return Milestone.objects.get(code=code)


def _status_update(world):
    milestone = _milestone()
    record_status_update(
        milestone=milestone,
        status=Status.ACHIEVED,
        note="Done",
        expected_version=milestone.version,
    )


def _discontinued(world):
    milestone = _milestone("SECTOR-A.2")
    record_status_update(
        milestone=milestone,
        status=Status.DISCONTINUED,
        note="Dropped",
        expected_version=milestone.version,
    )


def _deadline_change(world):
    milestone = _milestone()
    record_deadline_change(
        milestone=milestone,
        due_date=datetime.date(today().year + 5, 3, 31),
        reason="Postponed",
        expected_version=milestone.version,
    )


def _project_event_flag(world):
    milestone = _milestone("SECTOR-A.0")
    update_milestone_content(
        milestone=milestone,
        changes={"is_project_event": True},
        expected_version=milestone.version,
    )


def _moved_to_another_target(world):
    milestone = _milestone("SECTOR-A.1")
    update_milestone_content(
        milestone=milestone,
        changes={"target": world["sector-b"]["target"], "provenance": Provenance.ILLUSTRATIVE},
        expected_version=milestone.version,
    )


def _groups_changed(world):
    milestone = _milestone("SECTOR-A.3")
    update_milestone_content(
        milestone=milestone,
        changes={"stakeholder_groups": [world["groups"][1]]},
        expected_version=milestone.version,
    )


def _stages_changed(world):
    milestone = _milestone("SECTOR-A.0")
    update_milestone_content(
        milestone=milestone,
        changes={"stages": [world["stages"][1]]},
        expected_version=milestone.version,
    )


def _stage_links_edited_from_the_stage(world):
    # The admin's stage form: links written on the stage's side, past the services.
    mining, recycling = world["stages"]
    mining.milestones.add(_milestone("SECTOR-A.3"), _milestone("SECTOR-B.2"))
    mining.milestones.remove(_milestone("SECTOR-A.0"))
    recycling.milestones.set([_milestone("SECTOR-B.1")])
    _milestone("SECTOR-A.1").stages.add(recycling)


def _stage_links_cleared(world):
    world["stages"][0].milestones.clear()


def _stage_deleted(world):
    world["stages"][0].delete()


def _created(world):
    create_milestone(
        target=world["sector-b"]["other"],
        code="SECTOR-B.NEW",
        values={"title": "New", "due_date": today(), "source_title": "Source"},
        stakeholder_groups=world["groups"],
    )


def _deleted(world):
    _milestone("SECTOR-A.2").delete()


def _target_moved_to_another_roadmap(world):
    update_target_content(
        target=world["sector-a"]["target"], changes={"roadmap": world["sector-b"]["roadmap"]}
    )


def _target_deleted(world):
    world["sector-b"]["other"].delete()


def _roadmap_replaced(world):
    # The counters read the current roadmap of each sector: a roadmap no longer current
    # drops out without a recount.
    Roadmap.objects.filter(pk=world["sector-b"]["roadmap"].pk).update(is_current=False)


def _imported(world):
    out = io.StringIO()
    call_command("export_roadmap", "sector-a", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    first["status"] = Status.AT_RISK
    first["due_date"] = datetime.date(today().year, 12, 30).isoformat()
    new = {**first, "code": "SECTOR-A.IMPORTED", "status": Status.ACHIEVED}
    new["stakeholder_groups"] = "industry"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow([first[name] for name in header])
    writer.writerow([new[name] for name in header])
    writer.writerows(rows[2:])
    import_file(buffer.getvalue().encode(), source_name="counters.csv")


def _fixtures_loaded(world):
    call_command("loaddata", "resourcing", verbosity=0)


def _demo_data(world):
    call_command("generate_demo_data", milestones=60, updates=40, seed=3, stdout=io.StringIO())


WRITES = [
    _status_update,
    _discontinued,
    _deadline_change,
    _project_event_flag,
    _moved_to_another_target,
    _groups_changed,
    _stages_changed,
    _stage_links_edited_from_the_stage,
    _stage_links_cleared,
    _stage_deleted,
    _created,
    _deleted,
    _target_moved_to_another_roadmap,
    _target_deleted,
    _roadmap_replaced,
    _imported,
    _fixtures_loaded,
    _demo_data,
]


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=[write.__name__.strip("_") for write in WRITES])
def test_counters_match_a_recount_after_every_kind_of_write(world, write):
    _assert_counters_match()

    write(world)

    _assert_counters_match()


@pytest.mark.django_db
def test_rebuild_command_recounts_a_database_written_past_the_writers(world):
    Milestone.objects.filter(code="SECTOR-A.1").update(status=Status.AT_RISK)
    assert _stored() != +counters.tally(Milestone.objects.all())

    call_command("rebuild_progress_counters", stdout=io.StringIO())

    _assert_counters_match()


@pytest.mark.django_db
@pytest.mark.parametrize("listed", [0, 1, 3])
def test_more_milestones_than_listed_are_read_through_their_query(world, monkeypatch, listed):
    """Past counters.LISTED milestones, links and history are read through the milestones'
    query (a subquery) instead of their ids: the same counts."""
    monkeypatch.setattr(counters, "LISTED", listed)
    Milestone.objects.filter(code="SECTOR-A.1").update(status=Status.AT_RISK)

    call_command("rebuild_progress_counters", stdout=io.StringIO())
    milestone = Milestone.objects.get(code="SECTOR-B.2")
    record_status_update(
        milestone=milestone,
        status=Status.ACHIEVED,
        note="Done",
        expected_version=milestone.version,
    )

    assert ProgressCounter.objects.count() > 10
    _assert_counters_match()


@pytest.mark.django_db
def test_a_failed_write_leaves_the_counters_as_they_were(world):
    milestone = _milestone()
    before = _stored()

    with pytest.raises(Exception, match="version"):
        record_status_update(
            milestone=milestone,
            status=Status.ACHIEVED,
            note="Late",
            expected_version=milestone.version + 1,
        )

    assert _stored() == before


@pytest.mark.django_db
def test_past_days_still_compute_from_the_history(world):
    milestone = _milestone()
    rows = ProgressCounter.objects.in_sector(world["sector-a"]["sector"])
    milestones = Milestone.objects.in_sector(world["sector-a"]["sector"])
    yesterday = today() - datetime.timedelta(days=1)
    record_status_update(
        milestone=milestone,
        status=Status.ACHIEVED,
        note="Done",
        expected_version=milestone.version,
    )

    # Yesterday it was in progress: the counters (today's statuses) are not read for it.
    assert progress_of(milestones, yesterday, counters=rows).achieved == 2
    assert progress_of(milestones, today(), counters=rows).achieved == 3


@pytest.mark.django_db
def test_a_sectors_progress_is_the_sum_of_its_targets_from_counters_and_history(world):
    """The dashboard adds up its targets' progress for the sector's and each theme's
    (Progress.sum_of): the same as computing them, from the counters and from the history."""
    now = today()
    for as_of in (now, now - datetime.timedelta(days=400), datetime.date(now.year + 3, 6, 30)):
        for sector in Sector.objects.all():
            milestones = Milestone.objects.in_sector(sector)
            for rows in (None, ProgressCounter.objects.in_sector(sector)):
                by_target = progress_by(milestones, "target", as_of, counters=rows)
                summed = Progress.sum_of(by_target.values())
                computed = progress_of(milestones, as_of, counters=rows)
                assert summed.as_dict() == computed.as_dict()
                assert summed.counted > 0
                by_theme = progress_by(milestones, "target__theme", as_of, counters=rows)
                for theme, progress in by_theme.items():
                    parts = [
                        by_target[target.pk]
                        for target in Target.objects.filter(theme=theme, pk__in=by_target)
                    ]
                    assert Progress.sum_of(parts).as_dict() == progress.as_dict()
