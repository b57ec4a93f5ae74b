"""Geometry for the check-in chart, drawn by the template as inline SVG.

The chart covers a stated period, day by day, from its first day on the
left to its last on the right. Horizontally it is drawn in WIDTH units that
the SVG stretches to the screen's width; vertically in pixels, one level a
row. Points are zero-length strokes with round caps, which stay round
however the width stretches, and the whole chart is three short paths
however many check-ins it holds. The levels' words sit in a column of their
own beside it, so the line can never run across them.

On a day with several check-ins the line goes through the last of the day,
and the earlier ones are drawn apart, as open circles on the same day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from journeys.models import Readiness

WIDTH = 1000
TOP = 16  # room for the top level's point above its line
ROW = 46  # between two levels
BOTTOM = 16  # room for the lowest level's point below its line
LEFT, RIGHT = 30, 970  # the period's first and last day, in WIDTH units


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    y: int


@dataclass(frozen=True)
class Point:
    x: int
    y: int


@dataclass(frozen=True)
class ReadinessChart:
    first_day: date
    last_day: date
    levels: list[Level]
    line: list[Point]  # the last check-in of each day, oldest first
    earlier: list[Point]  # the others of a day with several
    height: int
    width: int = WIDTH

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.line)

    @property
    def dots(self) -> str:
        return _dots(self.line)

    @property
    def earlier_dots(self) -> str:
        return _dots(self.earlier)

    @property
    def grid(self) -> str:
        return "".join(f"M0 {level.y}H{WIDTH}" for level in self.levels)


def _dots(points: list[Point]) -> str:
    return "".join(f"M{point.x} {point.y}h0" for point in points)


def level_y(value: int) -> int:
    return TOP + (max(Readiness.values) - value) * ROW


def readiness_chart(
    check_ins: Iterable[tuple[datetime, int]], first_day: date, last_day: date
) -> ReadinessChart | None:
    """The chart of these (when, readiness) pairs over the days from
    `first_day` to `last_day`; None when there are none."""
    by_day: dict[date, list[int]] = {}
    for when, readiness in sorted(check_ins):
        by_day.setdefault(timezone.localdate(when), []).append(readiness)
    if not by_day:
        return None
    days = (last_day - first_day).days

    def x_of(day: date) -> int:
        if days <= 0:
            return WIDTH // 2
        return round(LEFT + (RIGHT - LEFT) * (day - first_day).days / days)

    line, earlier = [], []
    for day, values in by_day.items():
        *before, last = values
        line.append(Point(x_of(day), level_y(last)))
        earlier += [Point(x_of(day), level_y(value)) for value in before]
    levels = [
        Level(value=value, label=Readiness(value).label, y=level_y(value))
        for value in sorted(Readiness.values, reverse=True)
    ]
    return ReadinessChart(
        first_day=first_day,
        last_day=last_day,
        levels=levels,
        line=line,
        earlier=earlier,
        height=level_y(min(Readiness.values)) + BOTTOM,
    )
