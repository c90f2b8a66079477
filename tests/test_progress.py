"""The one progress definition: counts, shares and classification, now and as of a past day."""

import datetime

import pytest

from roadmaps.models import Milestone
from roadmaps.progress import Progress, progress_by, progress_of, with_status_as_of
from tests.factories import make_milestone, make_target, make_update

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)


def _at(day: str, hour=12):
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")


@pytest.mark.parametrize(
    ("counts", "classification"),
    [
        ((0, 0, 0), "no_data"),
        ((4, 4, 4), "achieved"),
        ((4, 0, 0), "on_track"),
        ((20, 19, 20), "on_track"),  # ratio 0.95 exactly
        ((100, 94, 99), "moderate"),  # 0.949...
        ((20, 3, 5), "moderate"),  # 0.6 exactly
        ((100, 59, 99), "off_track"),  # 0.5959...
        ((10, 0, 1), "off_track"),
    ],
)
def test_progress_classification_thresholds(counts, classification):
    counted, achieved, due = counts

    assert Progress(counted=counted, achieved=achieved, due=due).classification == classification


def test_progress_block_rounds_shares_to_four_places():
    block = Progress(counted=3, achieved=1, due=2, overdue=1).as_dict()

    assert block == {
        "counted": 3,
        "achieved": 1,
        "due": 2,
        "overdue": 1,
        "actual": 0.3333,
        "expected": 0.6667,
        "classification": "off_track",
        # Built without a query: no counts by provenance to state.
        "basis": {
            "counted": {"roadmap": 0, "eu-law": 0, "illustrative": 0},
            "due": {"roadmap": 0, "eu-law": 0, "illustrative": 0},
            "achieved": {"roadmap": 0, "eu-law": 0, "illustrative": 0},
            "project_events_excluded": 0,
        },
    }
    assert Progress().as_dict()["actual"] is None
    assert Progress().as_dict()["expected"] is None


def _dataset():
    """Six milestones: achieved, overdue, due today, discontinued, future, achieved late."""
    target = make_target(code="P-1")
    make_milestone(
        target=target, code="P-1.1", due_date=datetime.date(2025, 12, 31), status="achieved"
    )
    make_milestone(target=target, code="P-1.2", due_date=datetime.date(2026, 1, 31))
    make_milestone(target=target, code="P-1.3", due_date=AS_OF, status="in_progress")
    make_milestone(
        target=target, code="P-1.4", due_date=datetime.date(2024, 12, 31), status="discontinued"
    )
    make_milestone(target=target, code="P-1.5", due_date=datetime.date(2040, 12, 31))
    late = make_milestone(
        target=target, code="P-1.6", due_date=datetime.date(2026, 3, 31), status="achieved"
    )
    make_update(
        milestone=late,
        status_before="in_progress",
        status_after="achieved",
        created_at=_at("2026-09-01"),
    )
    return target


def test_progress_of_counts_now():
    _dataset()

    progress = progress_of(Milestone.objects.all(), AS_OF)

    # counted 5 (P-1.4 discontinued); achieved P-1.1 and P-1.6 (as of today it is achieved,
    # but AS_OF is a past day, before its update on 2026-09-01 -> in_progress then).
    assert progress.as_dict() == {
        "counted": 5,
        "achieved": 1,
        "due": 4,
        "overdue": 2,
        "actual": 0.2,
        "expected": 0.8,
        "classification": "off_track",
        # Every factory milestone is a roadmap row.
        "basis": {
            "counted": {"roadmap": 5, "eu-law": 0, "illustrative": 0},
            "due": {"roadmap": 4, "eu-law": 0, "illustrative": 0},
            "achieved": {"roadmap": 1, "eu-law": 0, "illustrative": 0},
            "project_events_excluded": 0,
        },
    }


def test_status_as_of_reads_history():
    _dataset()
    statuses = dict(
        with_status_as_of(Milestone.objects.all(), AS_OF).values_list("code", "status_as_of")
    )

    assert statuses["P-1.6"] == "in_progress"
    assert statuses["P-1.1"] == "achieved"


def test_status_as_of_end_of_day_includes_that_days_updates():
    milestone = make_milestone(code="E-1.1", status="achieved")
    make_update(
        milestone=milestone,
        status_before="not_started",
        status_after="achieved",
        created_at=datetime.datetime(2024, 5, 1, 23, 59, 59, tzinfo=datetime.UTC),
    )

    def status_on(day):
        qs = with_status_as_of(Milestone.objects.filter(pk=milestone.pk), day)
        return qs.values_list("status_as_of", flat=True).get()

    assert status_on(datetime.date(2024, 4, 30)) == "not_started"
    assert status_on(datetime.date(2024, 5, 1)) == "achieved"


def test_progress_by_groups_in_one_query(django_assert_num_queries):
    _dataset()
    other = make_target(code="P-2")
    make_milestone(
        target=other, code="P-2.1", due_date=datetime.date(2021, 12, 31), status="achieved"
    )

    with django_assert_num_queries(1):
        by_target = progress_by(Milestone.objects.all(), "target__code", AS_OF)

    assert by_target["P-2"].as_dict()["classification"] == "achieved"
    assert (by_target["P-1"].counted, by_target["P-1"].achieved, by_target["P-1"].due) == (5, 1, 4)
