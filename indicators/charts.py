"""Geometry of an indicator's trajectory chart (server-rendered SVG); numbers come from
indicators.progress and the measurements, this module only turns them into coordinates."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from roadmaps.charts import coordinate

WIDTH = 720
HEIGHT = 340
LEFT = 64
RIGHT = 24
TOP = 24
BOTTOM = 44


@dataclass
class Point:
    cx: float
    cy: float
    year: int
    value: Decimal
    measurement: object = None
    label: str = ""  # the flags as letters: p provisional, e estimated, b break in series

    # Coordinates as SVG writes them, for the point and the marks and labels around it.
    @property
    def x(self):
        return coordinate(self.cx)

    @property
    def y(self):
        return coordinate(self.cy)

    @property
    def corner_x(self):
        return coordinate(self.cx - 5)

    @property
    def corner_y(self):
        return coordinate(self.cy - 5)

    @property
    def above_y(self):
        return coordinate(self.cy - 11)

    @property
    def below_y(self):
        return coordinate(self.cy + 19)

    @property
    def left_x(self):
        return coordinate(self.cx - 10)


@dataclass
class Trajectory:
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM
    plot_top: int = TOP
    label_x: int = LEFT - 8
    label_y: int = HEIGHT - BOTTOM + 20
    x_ticks: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    observed: list = field(default_factory=list)
    observed_path: str = ""
    required_path: str = ""
    baseline: Point | None = None
    target: Point | None = None
    breaks: list = field(default_factory=list)


def _nice_step(span: float) -> float:
    raw = span / 5 or 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def flag_letters(measurement) -> str:
    letters = {"provisional": "p", "estimated": "e", "break_in_series": "b"}
    return "".join(letters[flag] for flag in measurement.flags)


def trajectory(indicator, values, path) -> Trajectory | None:
    """`values`: the current yearly measurements; `path`: progress.required_path()."""
    yearly = [m for m in values if m.month == 0]
    years = [m.period for m in yearly] + [year for year, _value in path]
    numbers = [float(m.value) for m in yearly] + [float(value) for _year, value in path]
    if indicator.baseline_year is not None:
        years.append(indicator.baseline_year)
        numbers.append(float(indicator.baseline_value))
    if not years:
        return None
    first, last = min(years), max(years)
    if first == last:
        first, last = first - 1, last + 1
    top = max([*numbers, 0.0])
    bottom = min([*numbers, 0.0])
    step = _nice_step(top - bottom)
    top = math.ceil(top / step) * step if top > 0 else step
    bottom = math.floor(bottom / step) * step
    chart = Trajectory()
    span_x = chart.plot_right - chart.plot_left
    span_y = chart.plot_bottom - TOP

    def x_of(year):
        return chart.plot_left + (year - first) / (last - first) * span_x

    def y_of(value):
        return chart.plot_bottom - (float(value) - bottom) / (top - bottom) * span_y

    year_step = max(1, math.ceil((last - first) / 8))
    chart.x_ticks = [
        {"x": coordinate(x_of(year)), "label": str(year)}
        for year in range(first, last + 1, year_step)
    ]
    tick = bottom
    while tick <= top + step / 1000:
        chart.y_ticks.append({"y": coordinate(y_of(tick)), "label": f"{tick:g}"})
        tick += step
    chart.observed = [
        Point(x_of(m.period), y_of(m.value), m.period, m.value, m, flag_letters(m)) for m in yearly
    ]
    chart.observed_path = " ".join(
        f"{'M' if index == 0 else 'L'}{point.x},{point.y}"
        for index, point in enumerate(chart.observed)
    )
    chart.breaks = [point for point in chart.observed if point.measurement.is_break_in_series]
    chart.required_path = " ".join(
        f"{'M' if index == 0 else 'L'}{coordinate(x_of(year))},{coordinate(y_of(value))}"
        for index, (year, value) in enumerate(path)
    )
    if indicator.baseline_year is not None:
        chart.baseline = Point(
            x_of(indicator.baseline_year),
            y_of(indicator.baseline_value),
            indicator.baseline_year,
            indicator.baseline_value,
        )
    if indicator.has_target:
        chart.target = Point(
            x_of(indicator.target_year),
            y_of(indicator.target_value),
            indicator.target_year,
            indicator.target_value,
        )
    return chart
