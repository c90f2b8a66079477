"""resourcing.lib.prepared: an aggregate's SQL built once per key, the same query and result."""

import datetime

import pytest
from django.db.models import Avg, Count, Q

from resourcing.lib import prepared
from roadmaps import progress
from roadmaps.models import Milestone, Status
from tests.factories import make_history, make_milestone, make_roadmap, make_target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    prepared.forget()
    yield
    prepared.forget()


class Builder:
    """build() for prepared.aggregate, counting its calls."""

    def __init__(self, aggregates):
        self.aggregates = aggregates
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return Milestone.objects.all(), self.aggregates


def _counts():
    return Builder(
        {
            "all": Count("pk"),
            "achieved": Count("pk", filter=Q(status=Status.ACHIEVED)),
        }
    )


def test_a_kept_query_runs_without_being_built_again_and_reads_the_data_of_now(
    django_assert_num_queries,
):
    make_milestone(status=Status.ACHIEVED)
    make_milestone()
    build = _counts()

    with django_assert_num_queries(1):
        first = prepared.aggregate("counts", build)
    make_milestone(status=Status.ACHIEVED)
    with django_assert_num_queries(1):
        second = prepared.aggregate("counts", build)

    assert first == {"all": 2, "achieved": 1}
    assert second == {"all": 3, "achieved": 2}
    assert build.calls == 1


def test_another_key_builds_its_own_query():
    make_milestone(status=Status.ACHIEVED)
    counts, achieved = _counts(), Builder({"n": Count("pk", filter=Q(status=Status.ACHIEVED))})

    assert prepared.aggregate("counts", counts) == {"all": 1, "achieved": 1}
    assert prepared.aggregate("achieved", achieved) == {"n": 1}
    assert prepared.aggregate("achieved", achieved) == {"n": 1}
    assert (counts.calls, achieved.calls) == (1, 1)


def test_the_active_language_is_part_of_the_key():
    from django.utils import translation

    make_milestone()
    build = _counts()

    prepared.aggregate("counts", build)
    with translation.override("es"):
        assert prepared.aggregate("counts", build) == {"all": 1, "achieved": 0}

    assert build.calls == 2


def test_results_that_are_not_counts_are_never_kept():
    """An average comes back through a converter (a float, or a Decimal on PostgreSQL): kept
    SQL would skip it, so the query is built every time."""
    make_milestone(due_date=datetime.date(2030, 12, 31))
    build = Builder({"average_pk": Avg("pk")})

    prepared.aggregate("average", build)
    prepared.aggregate("average", build)

    assert build.calls == 2


def test_the_oldest_entries_go_first(monkeypatch):
    monkeypatch.setattr(prepared, "MAX_ENTRIES", 2)
    make_milestone()
    builds = {name: _counts() for name in ("a", "b", "c")}

    for name in ("a", "b", "a", "c", "a", "b"):
        prepared.aggregate(name, builds[name])

    # "b" was the least recently used when "c" came, and was built again after.
    assert {name: build.calls for name, build in builds.items()} == {"a": 1, "b": 2, "c": 1}


def test_sectors_over_time_gives_the_same_from_kept_sql_as_built(django_assert_num_queries):
    roadmap = make_roadmap()
    target = make_target(roadmap=roadmap)
    started = make_milestone(
        target=target, status=Status.IN_PROGRESS, due_date=datetime.date(2024, 6, 30)
    )
    make_history(started, (Status.NOT_STARTED, Status.IN_PROGRESS, "2023-02-01"))
    finished = make_milestone(
        target=target, status=Status.ACHIEVED, due_date=datetime.date(2021, 12, 31)
    )
    make_history(finished, (Status.IN_PROGRESS, Status.ACHIEVED, "2023-06-01"))
    sector_id = roadmap.sector_id
    days = [datetime.date(2022, 12, 31), datetime.date(2023, 12, 31), datetime.date(2025, 3, 31)]

    with django_assert_num_queries(1):
        built = progress._sectors_over_time([sector_id], days)
    with django_assert_num_queries(1):
        kept = progress._sectors_over_time([sector_id], days)

    assert kept == built
    assert kept[sector_id] == progress.progress_over_time(
        Milestone.objects.in_sector(roadmap.sector), days
    )
    assert [(p.counted, p.achieved, p.due, p.overdue) for _day, p in kept[sector_id]] == [
        (2, 0, 1, 1),
        (2, 1, 1, 0),
        (2, 1, 2, 1),
    ]


def test_rows_of_a_values_query_are_kept_with_their_names(django_assert_num_queries):
    first, second = make_target(), make_target()
    make_milestone(target=first)
    make_milestone(target=first, status=Status.ACHIEVED)
    make_milestone(target=second)
    calls = []

    def build():
        calls.append(1)
        return (
            Milestone.objects.order_by("target_id")
            .values("target_id")
            .annotate(n=Count("pk"), achieved=Count("pk", filter=Q(status=Status.ACHIEVED)))
        )

    built = prepared.rows("per target", build)
    with django_assert_num_queries(1):
        kept = prepared.rows("per target", build)

    assert (
        kept
        == built
        == [
            {"target_id": first.pk, "n": 2, "achieved": 1},
            {"target_id": second.pk, "n": 1, "achieved": 0},
        ]
    )
    assert len(calls) == 1


def test_a_queryset_that_matches_nothing_is_answered_and_never_kept(django_assert_num_queries):
    make_milestone()
    empty = Milestone.objects.filter(pk__in=[])

    assert prepared.base_key(empty) is prepared.NOT_KEPT
    for _ in range(2):
        with django_assert_num_queries(0):
            assert progress.progress_of(empty, datetime.date(2024, 1, 1)) == progress.Progress()
    assert prepared._entries == {}


def test_progress_by_and_progress_of_read_the_same_from_kept_sql(django_assert_num_queries):
    """From the counters (today) and from the history (a past day): built once, then kept;
    the kept query reads the data as it is now."""
    from roadmaps.models import ProgressCounter

    roadmap = make_roadmap()
    target = make_target(roadmap=roadmap)
    make_milestone(target=target, status=Status.ACHIEVED, due_date=datetime.date(2021, 12, 31))
    milestones = Milestone.objects.in_sector(roadmap.sector)
    counters = ProgressCounter.objects.in_sector(roadmap.sector)
    today = progress.today()
    past = datetime.date(2025, 6, 30)

    def read():
        return (
            progress.progress_by(milestones, "target", today, counters=counters),
            progress.progress_by(milestones, "target", past, totals=True),
            progress.progress_of(milestones, today, counters=counters),
            progress.progress_of(milestones, past),
        )

    first = read()
    assert len(prepared._entries) == 4
    make_milestone(target=target, due_date=datetime.date(2022, 12, 31))
    with django_assert_num_queries(4):
        second = read()

    assert len(prepared._entries) == 4
    assert [p[target.pk].counted for p in first[:2]] + [p.counted for p in first[2:]] == [1] * 4
    assert [(p[target.pk].counted, p[target.pk].overdue) for p in second[:2]] == [(2, 1)] * 2
    assert [(p.counted, p.overdue, p.achieved) for p in second[2:]] == [(2, 1, 1)] * 2
    assert second[1][target.pk].total == 2
