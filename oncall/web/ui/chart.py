"""The rotation chart: the final schedule as one row per week of positioned bars.

Positions are percentages of each row's span of instants, so a week with a DST change
(167 or 169 hours) is still drawn true, and the page scales from a phone to a laptop
without any script. Days start at local midnight in the rotation's timezone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Bar:
    left: float
    width: float
    user_id: int | None  # None: a gap
    start: datetime
    end: datetime
    source: str


@dataclass(frozen=True)
class Tick:
    left: float
    width: float
    day: date


@dataclass(frozen=True)
class Row:
    start: datetime
    end: datetime
    ticks: list[Tick]
    bars: list[Bar]
    now_left: float | None


def midnight(day: date, tz: str) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def _percent(at: datetime, start: datetime, span: float) -> float:
    return round((at - start).total_seconds() / span * 100, 3)


def week_rows(shifts, first_day: date, weeks: int, tz: str, now: datetime) -> list[Row]:
    """``shifts`` (covering the weeks from ``first_day``) cut into rows of seven local days."""
    rows = []
    for week in range(weeks):
        days = [first_day + timedelta(days=7 * week + d) for d in range(8)]
        start, end = midnight(days[0], tz), midnight(days[-1], tz)
        span = (end - start).total_seconds()
        bars = []
        for s in shifts:
            if s.start < end and s.end > start:
                left = _percent(max(s.start, start), start, span)
                bars.append(Bar(left, round(_percent(min(s.end, end), start, span) - left, 3), s.user_id, s.start,
                                s.end, s.source))
        edges = [_percent(midnight(d, tz), start, span) for d in days]
        ticks = [Tick(left, round(right - left, 3), d) for left, right, d in zip(edges, edges[1:], days)]
        rows.append(Row(start, end, ticks, bars, _percent(now, start, span) if start <= now < end else None))
    return rows


def hours_by_person(shifts) -> dict[int | None, float]:
    """Hours on call per person in the chart (None: hours with nobody)."""
    totals: dict[int | None, float] = {}
    for s in shifts:
        totals[s.user_id] = totals.get(s.user_id, 0.0) + (s.end - s.start).total_seconds() / 3600
    return totals
