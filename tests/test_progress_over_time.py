"""Progress over time: the periods, the numbers (the same rules as every other count), the
chart's SVG and table, on the sector dashboard and the overview's small multiples."""

import datetime
import re

from roadmaps import charts
from roadmaps.models import Milestone, Status
from roadmaps.progress import period_ends, progress_of, progress_over_time
from tests.factories import make_history, make_milestone, make_roadmap, make_sector, make_target


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
