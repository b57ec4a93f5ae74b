"""Geometry for the check-in chart, drawn by the template as inline SVG.

Horizontal positions are percentages of the chart's width, vertical ones are
pixels: the SVG stretches to any screen without scaling its text, so the
labels stay as large as the page's own text on a phone and on a laptop.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from journeys.models import CheckIn, Readiness

TOP = 30  # room for the top level's label above its line
ROW = 46  # between two levels
BOTTOM = 44  # room for the dates under the lowest line
LEFT, RIGHT = 3.0, 97.0  # the first and last check-in, as % of the width


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    y: int


@dataclass(frozen=True)
class Point:
    x: str
    y: int
    when: datetime
    label: str


@dataclass(frozen=True)
class Segment:
    x1: str
    y1: int
    x2: str
    y2: int


@dataclass(frozen=True)
class ReadinessChart:
    levels: list[Level]
    points: list[Point]
    segments: list[Segment]
    height: int
    axis_y: int

    @property
    def first(self) -> Point:
        return self.points[0]

    @property
    def last(self) -> Point:
        return self.points[-1]


def level_y(value: int) -> int:
    return TOP + (max(Readiness.values) - value) * ROW


def _percent(value: float) -> str:
    return f"{value:.2f}%"


def readiness_chart(check_ins: Sequence[CheckIn]) -> ReadinessChart | None:
    """The chart of these check-ins, oldest first; None when there are none."""
    if not check_ins:
        return None
    ordered = sorted(check_ins, key=lambda check_in: (check_in.created, check_in.pk or 0))
    start, end = ordered[0].created, ordered[-1].created
    span = (end - start).total_seconds()

    def x_of(when: datetime) -> float:
        if span <= 0:
            return 50.0
        return LEFT + (RIGHT - LEFT) * (when - start).total_seconds() / span

    points = [
        Point(
            x=_percent(x_of(check_in.created)),
            y=level_y(check_in.readiness),
            when=check_in.created,
            label=Readiness(check_in.readiness).label,
        )
        for check_in in ordered
    ]
    segments = [Segment(x1=a.x, y1=a.y, x2=b.x, y2=b.y) for a, b in pairwise(points)]
    levels = [
        Level(value=value, label=Readiness(value).label, y=level_y(value))
        for value in sorted(Readiness.values, reverse=True)
    ]
    axis_y = level_y(min(Readiness.values))
    return ReadinessChart(
        levels=levels,
        points=points,
        segments=segments,
        height=axis_y + BOTTOM,
        axis_y=axis_y,
    )
