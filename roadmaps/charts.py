"""Geometry of the server-rendered SVG charts; the templates only draw what is computed here.

Numbers come from roadmaps.progress; this module only turns them into coordinates.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from roadmaps.models import EARLIEST_DUE_DATE, LATEST_DUE_DATE, Status

# Lanes of the timeline, top to bottom; every status has its own shape too (see _timeline.html).
TIMELINE_STATUSES = [
    Status.ACHIEVED,
    Status.IN_PROGRESS,
    Status.NOT_STARTED,
    Status.AT_RISK,
    Status.DISCONTINUED,
]
TIMELINE_WIDTH = 960
TIMELINE_LEFT = 130
TIMELINE_RIGHT = 24
TIMELINE_TOP = 34
LANE_HEIGHT = 34
MARKER_SPREAD = 9  # px between markers due the same day in the same lane
TICK_YEARS = range(2020, 2051, 5)


def coordinate(value: float) -> str:
    """SVG coordinates are written without locale (always a dot, two decimals)."""
    return f"{value:.2f}"


@dataclass
class Marker:
    x: str
    y: str
    milestone: object = None
    # A marker standing for several milestones (the timeline by year): how many, which year.
    count: int = 1
    year: int | None = None
    count_x: str = ""
    count_y: str = ""


@dataclass
class Lane:
    status: str
    label: str
    y: str
    label_y: str
    markers: list = field(default_factory=list)


@dataclass
class Timeline:
    width: int
    height: int
    axis_y: str
    plot_left: int
    plot_right: int
    ticks: list
    lanes: list
    as_of_x: str
    as_of: datetime.date
    by_year: bool = False
    rows: list = field(default_factory=list)


def _x_of(day: datetime.date) -> float:
    span = (LATEST_DUE_DATE - EARLIEST_DUE_DATE).days
    share = (min(max(day, EARLIEST_DUE_DATE), LATEST_DUE_DATE) - EARLIEST_DUE_DATE).days / span
    return TIMELINE_LEFT + share * (TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT)


def _lanes() -> dict:
    labels = dict(Status.choices)
    lanes = {}
    for index, status in enumerate(TIMELINE_STATUSES):
        y = TIMELINE_TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2
        lanes[status] = Lane(
            status=status, label=labels[status], y=coordinate(y), label_y=coordinate(y + 5)
        )
    return lanes


def _timeline(lanes: dict, as_of: datetime.date, **extra) -> Timeline:
    axis_y = TIMELINE_TOP + len(TIMELINE_STATUSES) * LANE_HEIGHT + 6
    ticks = [
        {"x": coordinate(_x_of(datetime.date(year, 1, 1))), "year": year} for year in TICK_YEARS
    ]
    return Timeline(
        width=TIMELINE_WIDTH,
        height=axis_y + 30,
        axis_y=coordinate(axis_y),
        plot_left=TIMELINE_LEFT,
        plot_right=TIMELINE_WIDTH - TIMELINE_RIGHT,
        ticks=ticks,
        lanes=list(lanes.values()),
        as_of_x=coordinate(_x_of(as_of)),
        as_of=as_of,
        **extra,
    )


def timeline_by_year(rows, as_of: datetime.date) -> Timeline:
    """One marker per due year and status, labelled with its count.

    `rows` come from Milestone.objects.for_timeline_by_year(); the page stays the same size
    however many milestones a sector has.
    """
    lanes = _lanes()
    per_year = {}
    for row in rows:
        lane = lanes[row["status_as_of"]]
        year, count = row["due_year"], row["milestones"]
        x = _x_of(datetime.date(year, 7, 1))
        lane.markers.append(
            Marker(
                x=coordinate(x),
                y=lane.y,
                count=count,
                year=year,
                count_x=coordinate(x),
                count_y=coordinate(float(lane.y) - 9),
            )
        )
        per_year.setdefault(year, dict.fromkeys(TIMELINE_STATUSES, 0))[lane.status] = count
    # One table row per year, one column per status (in lane order).
    table = [
        {"year": year, "counts": list(counts.values())} for year, counts in sorted(per_year.items())
    ]
    return _timeline(lanes, as_of, by_year=True, rows=table)


def timeline(milestones, as_of: datetime.date) -> Timeline:
    """Place each milestone (annotated with `status_as_of`) at its due date in its lane."""
    lanes = _lanes()
    same_day = defaultdict(list)
    for milestone in milestones:
        # The due date in force on the page's day (roadmaps.progress.with_status_as_of).
        due_date = getattr(milestone, "due_as_of", None) or milestone.due_date
        same_day[(milestone.status_as_of, due_date)].append(milestone)
    for (status, due_date), group in same_day.items():
        centre = _x_of(due_date)
        lane = lanes[status]
        for position, milestone in enumerate(group):
            offset = (position - (len(group) - 1) / 2) * MARKER_SPREAD
            lane.markers.append(
                Marker(x=coordinate(centre + offset), y=lane.y, milestone=milestone)
            )
    return _timeline(lanes, as_of)


BREAKDOWN_WIDTH = 480
BREAKDOWN_LEFT = 130
BREAKDOWN_BAR_HEIGHT = 22
BREAKDOWN_GAP = 10


def status_breakdown(counts: dict) -> dict:
    """Horizontal bars, one per status, from roadmaps.progress.status_counts()."""
    labels = dict(Status.choices)
    largest = max(counts.values(), default=0) or 1
    usable = BREAKDOWN_WIDTH - BREAKDOWN_LEFT - 50
    bars = []
    for index, status in enumerate(TIMELINE_STATUSES):
        count = counts.get(status, 0)
        y = 10 + index * (BREAKDOWN_BAR_HEIGHT + BREAKDOWN_GAP)
        width = usable * count / largest
        bars.append(
            {
                "status": status,
                "label": labels[status],
                "count": count,
                "y": coordinate(y),
                "text_y": coordinate(y + BREAKDOWN_BAR_HEIGHT * 0.7),
                "icon_y": coordinate(y + BREAKDOWN_BAR_HEIGHT / 2),
                "width": coordinate(width),
                "count_x": coordinate(BREAKDOWN_LEFT + width + 6),
            }
        )
    return {
        "width": BREAKDOWN_WIDTH,
        "height": 10 + len(bars) * (BREAKDOWN_BAR_HEIGHT + BREAKDOWN_GAP),
        "left": BREAKDOWN_LEFT,
        "bar_height": BREAKDOWN_BAR_HEIGHT,
        "bars": bars,
        "total": sum(counts.values()),
    }


def progress_bar(progress) -> dict:
    """Widths (0-100) of a progress bar: achieved share, and a mark at the expected share."""
    actual = progress.actual
    expected = progress.expected
    return {
        "actual": coordinate(float(actual) * 100 if actual is not None else 0),
        "expected": coordinate(float(expected) * 100) if expected is not None else None,
    }


@dataclass
class OverTimeChart:
    """Actual and expected share at the end of each period (roadmaps.progress.
    progress_over_time): two lines, year ticks, share gridlines and the same numbers as rows."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    actual_points: str
    expected_points: str
    markers: list
    ticks: list
    gridlines: list
    rows: list
    last: dict | None = None


OVER_TIME_SIZES = {
    # (width, height, left margin, right margin): the dashboard's chart and the overview's
    # small multiples (one per sector).
    "full": (640, 200, 48, 110),
    "small": (320, 150, 40, 16),
}


def _share_or_zero(share) -> float:
    return float(share) if share is not None else 0.0


# The vertical axis ends at the first of these shares that holds every point: early in a
# roadmap the shares are small, and a 0-100 % axis would flatten them.
OVER_TIME_SCALES = (0.1, 0.25, 0.5, 1.0)


def over_time_scale(*series) -> float:
    """The smallest OVER_TIME_SCALES share holding every point of every series (so that small
    multiples share one scale)."""
    highest = max(
        (
            max(_share_or_zero(progress.actual), _share_or_zero(progress.expected))
            for points in series
            for _day, progress in points
        ),
        default=0.0,
    )
    return next(scale for scale in OVER_TIME_SCALES if highest <= scale)


def over_time(points, *, size: str = "full", scale: float | None = None) -> OverTimeChart:
    """`points`: [(day, Progress), ...] oldest first; `scale`: the share at the top of the
    vertical axis (over_time_scale(points) when not given)."""
    scale = scale or over_time_scale(points)
    width, height, left, right_margin = OVER_TIME_SIZES[size]
    top, bottom = 12, height - 24
    right = width - right_margin
    first = datetime.date(points[0][0].year, 1, 1) if points else datetime.date.today()
    last = points[-1][0] if points else first
    span = max((last - first).days, 1)

    def x_of(day):
        return left + (day - first).days / span * (right - left)

    def y_of(share):
        return bottom - share / scale * (bottom - top)

    actual, expected, markers, rows = [], [], [], []
    for day, progress in points:
        x = x_of(day)
        y_actual = y_of(_share_or_zero(progress.actual))
        y_expected = y_of(_share_or_zero(progress.expected))
        actual.append(f"{coordinate(x)},{coordinate(y_actual)}")
        expected.append(f"{coordinate(x)},{coordinate(y_expected)}")
        markers.append({"x": coordinate(x), "y": coordinate(y_actual)})
        rows.append({"day": day, "progress": progress})
    ticks = [
        {"x": coordinate(x_of(datetime.date(year, 1, 1))), "year": year}
        for year in range(first.year, last.year + 1)
        if size == "full" or year % 2 == 0
    ]
    gridlines = [
        {
            "y": coordinate(y_of(share / 100)),
            "label": f"{share}%",
            "label_y": coordinate(y_of(share / 100) + 4),
        }
        for share in ((0, 25, 50, 75, 100) if size == "full" else (0, 50, 100))
    ]
    last_row = None
    if points:
        day, progress = points[-1]
        last_row = {
            "x": coordinate(x_of(day) + 6),
            "actual_y": coordinate(y_of(_share_or_zero(progress.actual)) + 4),
            "expected_y": coordinate(y_of(_share_or_zero(progress.expected)) + 4),
            "progress": progress,
        }
        # Two labels at the line ends never overlap: keep them a line apart.
        if abs(float(last_row["actual_y"]) - float(last_row["expected_y"])) < 13:
            if float(last_row["actual_y"]) >= float(last_row["expected_y"]):
                last_row["actual_y"] = coordinate(float(last_row["expected_y"]) + 13)
            else:
                last_row["expected_y"] = coordinate(float(last_row["actual_y"]) + 13)
    return OverTimeChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        actual_points=" ".join(actual),
        expected_points=" ".join(expected),
        markers=markers,
        ticks=ticks,
        gridlines=gridlines,
        rows=rows,
        last=last_row,
    )
