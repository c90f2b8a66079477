"""Progress over time: the periods, the numbers (the same rules as every other count), the
chart's SVG and table, on the sector dashboard and the overview's small multiples."""

import datetime
import re

import pytest

from roadmaps import charts
from roadmaps.models import Milestone, Status
from roadmaps.progress import period_ends, progress_of, progress_over_time
from tests.factories import (
    counted_once,
    make_history,
    make_milestone,
    make_roadmap,
    make_sector,
    make_target,
)


def test_period_ends_are_year_ends_then_quarters_then_the_day():
    days = period_ends(datetime.date(2026, 11, 30))

    assert days == [
        datetime.date(2020, 12, 31),
        datetime.date(2021, 12, 31),
        datetime.date(2022, 12, 31),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 12, 31),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 6, 30),
        datetime.date(2025, 9, 30),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 11, 30),
    ]


def test_period_ends_on_a_quarter_end_do_not_repeat_it():
    assert period_ends(datetime.date(2025, 6, 30))[-3:] == [
        datetime.date(2024, 12, 31),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 6, 30),
    ]
    assert period_ends(datetime.date(2019, 5, 1)) == [datetime.date(2019, 5, 1)]


def _sector_with_history():
    sector = make_sector(slug="mobility", name="Mobility")
    target = make_target(roadmap=make_roadmap(sector=sector), code="MOB-1")
    early = make_milestone(
        target=target, code="MOB-1.1", due_date=datetime.date(2022, 12, 31), status="achieved"
    )
    make_history(early, (Status.NOT_STARTED, Status.ACHIEVED, "2023-03-01"))
    late = make_milestone(
        target=target, code="MOB-1.2", due_date=datetime.date(2024, 6, 30), status="in_progress"
    )
    make_history(late, (Status.NOT_STARTED, Status.IN_PROGRESS, "2021-01-10"))
    make_milestone(target=target, code="MOB-1.3", due_date=datetime.date(2030, 12, 31))
    return sector


def test_progress_over_time_uses_the_same_rules_as_progress_of(db):
    sector = _sector_with_history()
    milestones = Milestone.objects.in_sector(sector)
    days = [datetime.date(2022, 12, 31), datetime.date(2023, 12, 31), datetime.date(2024, 12, 31)]

    series = progress_over_time(milestones, days)

    assert [(day, p.counted, p.achieved, p.due, p.overdue) for day, p in series] == [
        # MOB-1.1 due that day, achieved only in 2023: due, not yet overdue.
        (datetime.date(2022, 12, 31), 3, 0, 1, 0),
        (datetime.date(2023, 12, 31), 3, 1, 1, 0),
        # MOB-1.2 due 2024-06-30, in progress: overdue.
        (datetime.date(2024, 12, 31), 3, 1, 2, 1),
    ]
    assert [p for _day, p in series] == [progress_of(milestones, day) for day in days]


def test_over_time_chart_geometry_and_table(db):
    sector = _sector_with_history()
    days = [datetime.date(2022, 12, 31), datetime.date(2024, 12, 31)]
    series = progress_over_time(Milestone.objects.in_sector(sector), days)

    chart = charts.over_time(series)

    # Shares 0, 1/3 (achieved) and 1/3, 2/3 (due): the axis ends at 100 %.
    assert [line["label"] for line in chart.gridlines] == ["0%", "25%", "50%", "75%", "100%"]
    # x from 2022-01-01 (48) to 2024-12-31 (530): 2022-12-31 is 364 of 1,095 days in, at
    # 48 + 364 / 1095 * 482 = 208.23; y from 176 (0 %) to 12 (100 %): 1/3 at 121.33.
    assert chart.actual_points == "208.23,176.00 530.00,121.33"
    assert chart.expected_points == "208.23,121.33 530.00,66.67"
    assert [row["day"] for row in chart.rows] == days
    assert [tick["year"] for tick in chart.ticks] == [2022, 2023, 2024]


def test_over_time_scale_fits_small_shares():
    from roadmaps.progress import Progress

    series = [(datetime.date(2025, 12, 31), Progress(counted=20, achieved=1, due=4))]

    assert charts.over_time_scale(series) == 0.25
    assert charts.over_time_scale([]) == 0.1


def test_sector_dashboard_shows_progress_over_time_with_its_table(client, db):
    _sector_with_history()

    html = client.get("/sectors/mobility/", {"as_of": "2024-12-31"}).content.decode()

    section = re.search(r'<section aria-labelledby="over-time-title">(.*?)</section>', html, re.S)
    chart = section.group(1)
    assert 'role="img" aria-labelledby="over-time-chart-title over-time-chart-desc"' in chart
    assert '<title id="over-time-chart-title">Progress over time: Mobility</title>' in chart
    assert "33.3% achieved and 66.7% due on 2024-12-31" in chart
    rows = re.findall(
        r'<tr><th scope="row"><time datetime="([\d-]+)">[\d-]+</time></th><td>([^<]+)</td>'
        r"<td>([^<]+)</td><td>(\d+)</td></tr>",
        chart,
    )
    assert rows[0] == ("2020-12-31", "0.0% (0)", "0.0% (0)", "3")
    assert rows[-1] == ("2024-12-31", "33.3% (1)", "66.7% (2)", "3")
    assert len(rows) == len(period_ends(datetime.date(2024, 12, 31)))


def test_overview_shows_small_multiples_per_sector(client, db):
    _sector_with_history()
    make_sector(slug="electronics", name="Electronics", order=2)

    html = client.get("/", {"as_of": "2024-12-31"}).content.decode()

    assert '<title id="over-time-mobility-title">Progress over time: Mobility</title>' in html
    assert '<title id="over-time-electronics-title">Progress over time: Electronics</title>' in html
    assert html.count('class="chart over-time small"') == 2


# Progress over time in a fixed number of queries (one), with the per-day results of
# progress_of / progress_by (the per-period computation it replaced).


def _history_with_every_kind_of_change():
    """Two sectors; status changes, deadline changes (earlier and later), a project event, a
    discontinued milestone and an illustrative one, spread over 2021-2026."""
    from tests.factories import make_deadline_change

    rows = []
    for slug, prefix in (("mobility", "MOB"), ("electronics", "EEE")):
        sector = make_sector(slug=slug, name=slug.title())
        target = make_target(roadmap=make_roadmap(sector=sector), code=f"{prefix}-1")
        # Achieved in 2023, after its due date.
        early = make_milestone(
            target=target, code=f"{prefix}-1.1", due_date=datetime.date(2022, 12, 31)
        )
        make_history(
            early,
            (Status.NOT_STARTED, Status.IN_PROGRESS, "2021-05-03"),
            (Status.IN_PROGRESS, Status.AT_RISK, "2022-11-20"),
            (Status.AT_RISK, Status.ACHIEVED, "2023-03-01"),
        )
        # Re-dated from 2024-06-30 to 2026-06-30 on 2024-09-01 (overdue, then not due), then
        # brought forward to 2025-03-31 on 2025-08-15 (due again, overdue).
        redated = make_milestone(
            target=target,
            code=f"{prefix}-1.2",
            due_date=datetime.date(2025, 3, 31),
            status=Status.IN_PROGRESS,
        )
        make_history(redated, (Status.NOT_STARTED, Status.IN_PROGRESS, "2021-01-10"))
        make_deadline_change(redated, "2024-06-30", "2026-06-30", "2024-09-01")
        make_deadline_change(redated, "2026-06-30", "2025-03-31", "2025-08-15")
        # Discontinued in 2024: counted before, nowhere after.
        dropped = make_milestone(
            target=target,
            code=f"{prefix}-1.3",
            due_date=datetime.date(2023, 6, 30),
            status=Status.DISCONTINUED,
        )
        make_history(dropped, (Status.IN_PROGRESS, Status.DISCONTINUED, "2024-02-02"))
        # A project event, achieved: counts in no progress, but is counted as one.
        event = make_milestone(
            target=target,
            code=f"{prefix}-1.4",
            due_date=datetime.date(2022, 6, 30),
            status=Status.ACHIEVED,
            is_project_event=True,
        )
        make_history(event, (Status.NOT_STARTED, Status.ACHIEVED, "2022-06-15"))
        # Illustrative, never updated.
        make_milestone(
            target=target,
            code=f"{prefix}-1.5",
            due_date=datetime.date(2028, 12, 31),
            provenance="illustrative",
        )
        rows.append(sector)
    return rows


DAYS = [
    datetime.date(2020, 12, 31),
    datetime.date(2021, 12, 31),
    datetime.date(2022, 6, 30),
    datetime.date(2022, 12, 31),
    datetime.date(2023, 6, 30),
    datetime.date(2024, 8, 31),
    datetime.date(2024, 9, 1),
    datetime.date(2025, 3, 31),
    datetime.date(2025, 8, 14),
    datetime.date(2025, 8, 15),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 11, 30),
]


def _blocks(series):
    return [(day, progress.as_dict(), progress.project_events) for day, progress in series]


def test_progress_over_time_equals_progress_of_on_each_day(db):
    mobility, _electronics = _history_with_every_kind_of_change()
    milestones = Milestone.objects.in_sector(mobility)

    series = progress_over_time(milestones, DAYS)

    assert _blocks(series) == [(day, *_block(progress_of(milestones, day))) for day in DAYS]
    # The history at work: (counted, achieved, due, overdue) on a few of the days.
    numbers = {day: (p.counted, p.achieved, p.due, p.overdue) for day, p in series}
    # 1.1 due that day (not yet overdue), 1.3 not yet discontinued.
    assert numbers[datetime.date(2022, 12, 31)] == (4, 0, 1, 0)
    assert numbers[datetime.date(2023, 6, 30)] == (4, 1, 2, 0)
    assert numbers[datetime.date(2024, 8, 31)] == (3, 1, 2, 1)  # 1.2 due 2024-06-30 then
    assert numbers[datetime.date(2024, 9, 1)] == (3, 1, 1, 0)  # re-dated to 2026
    assert numbers[datetime.date(2025, 8, 14)] == (3, 1, 1, 0)
    assert numbers[datetime.date(2025, 8, 15)] == (3, 1, 2, 1)  # brought forward to 2025
    assert all(p.project_events == 1 for _day, p in series)


def _block(progress):
    return progress.as_dict(), progress.project_events


def test_progress_over_time_by_equals_progress_by_on_each_day(db):
    from roadmaps.progress import progress_by, progress_over_time_by

    _history_with_every_kind_of_change()
    milestones = Milestone.objects.current()

    series = progress_over_time_by(milestones, "target__roadmap__sector", DAYS)

    expected = {}
    for day in DAYS:
        for key, progress in progress_by(milestones, "target__roadmap__sector", day).items():
            expected.setdefault(key, []).append((day, *_block(progress)))
    assert {key: _blocks(points) for key, points in series.items()} == expected
    assert len(series) == 2


def _grow(times: int):
    with counted_once():
        for _ in range(times):
            target = make_target(roadmap=make_roadmap(sector=make_sector()))
            milestone = make_milestone(target=target, due_date=datetime.date(2024, 3, 31))
            make_history(
                milestone,
                (Status.NOT_STARTED, Status.IN_PROGRESS, "2022-02-02"),
                (Status.IN_PROGRESS, Status.ACHIEVED, "2025-02-02"),
            )


@pytest.mark.parametrize("periods", [1, 5, len(DAYS), 40])
def test_progress_over_time_runs_one_query_whatever_the_periods_and_the_data(
    db, django_assert_num_queries, periods
):
    from roadmaps.progress import progress_over_time_by

    _history_with_every_kind_of_change()
    days = [DAYS[0] + datetime.timedelta(days=45 * n) for n in range(periods)]
    for times in (1, 10):
        _grow(times)
        with django_assert_num_queries(1):
            assert len(progress_over_time(Milestone.objects.current(), days)) == periods
        with django_assert_num_queries(1):
            by_sector = progress_over_time_by(
                Milestone.objects.current(), "target__roadmap__sector", days
            )
        assert {len(points) for points in by_sector.values()} == {periods}


def test_progress_over_time_of_no_day_runs_no_query(db, django_assert_num_queries):
    from roadmaps.progress import progress_over_time_by

    with django_assert_num_queries(0):
        assert progress_over_time(Milestone.objects.all(), []) == []
        assert progress_over_time_by(Milestone.objects.all(), "target", []) == {}
