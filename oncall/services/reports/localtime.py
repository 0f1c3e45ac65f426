"""Local time in SQL: zone offsets as CASE expressions, business hours as a predicate.

SQLite knows no timezones and neither database knows a team's windows and holidays, so the
reports hand them to SQL: a zone's UTC offset over the period (it changes only at the few
DST transitions, found here with ``zoneinfo``) and, from it, the wall time a page was sent
at. Business hours are then the core's rule (``WeeklyWindow.covers`` on the wall clock,
minus holiday dates) written as SQL; tests/reports/test_localtime.py checks it against
``schedule.hours.is_business_hours`` instant by instant, DST edges included.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, false, literal, or_

from oncall.schedule.hours import BusinessHours
from oncall.schedule.windows import WeeklyWindow
from oncall.store.sql import epoch_seconds

DAY = timedelta(days=1)
EPOCH_DATE = date(1970, 1, 1)
EPOCH_WEEKDAY = EPOCH_DATE.weekday()  # a Thursday (Monday = 0)


def _offset(zone: ZoneInfo, at: datetime) -> int:
    return int(at.astimezone(zone).utcoffset().total_seconds())


def offset_changes(tz: str, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """``[(from, offset seconds)]``: the zone's UTC offset from each instant on, over the period.
    Days are scanned for a change, which is then bisected to the second (tzdata's resolution)."""
    zone = ZoneInfo(tz)
    changes = [(since, _offset(zone, since))]
    day = since
    while day < until:
        after = min(day + DAY, until)
        if _offset(zone, after) != changes[-1][1]:
            low, high = day, after  # offset(low) is the old one, offset(high) the new
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                low, high = (mid, high) if _offset(zone, mid) == changes[-1][1] else (low, mid)
            changes.append((high.replace(microsecond=0), _offset(zone, high)))
        day = after
    return changes


def zone_offset(tz: str, instant, since: datetime, until: datetime):
    """SQL: the UTC offset (seconds) of ``tz`` at ``instant``, for instants in the period."""
    changes = offset_changes(tz, since, until)
    if len(changes) == 1:
        return literal(changes[0][1])
    return case(*((instant < starts, offset) for (_, offset), (starts, _) in zip(changes, changes[1:])),
                else_=changes[-1][1])


def offset_of(tz_column, zones: list[str], instant, since: datetime, until: datetime):
    """SQL: the UTC offset at ``instant`` of the zone named in ``tz_column`` (one of ``zones``;
    any other counts as UTC)."""
    whens = [(tz_column == tz, zone_offset(tz, instant, since, until)) for tz in sorted(set(zones))]
    return case(*whens, else_=0) if whens else literal(0)


def local_seconds(instant, offset):
    """SQL: the wall time at ``instant`` as whole seconds since 1970-01-01 00:00 *local*."""
    return epoch_seconds(instant) + offset


def local_hour(instant, offset):
    """SQL: the hour of day (0–23) on the wall clock at ``instant``."""
    return local_seconds(instant, offset) // 3600 % 24


def _minute(t) -> int:
    return t.hour * 60 + t.minute


def _covers(window: WeeklyWindow, weekday, minute):
    """``WeeklyWindow.covers`` in SQL: a window past midnight also covers the next day's early part."""
    start, end = _minute(window.start), _minute(window.end)
    if start < end:
        return and_(weekday.in_(sorted(window.days)), minute >= start, minute < end)
    return or_(and_(weekday.in_(sorted(window.days)), minute >= start),
               and_(weekday.in_(sorted((d + 1) % 7 for d in window.days)), minute < end))


def in_business_hours(hours: BusinessHours, instant, since: datetime, until: datetime):
    """SQL: ``is_business_hours(hours, instant)`` for instants in the period."""
    wall = local_seconds(instant, zone_offset(hours.timezone, instant, since, until))
    day = wall // 86400  # days since 1970-01-01, local
    weekday, minute = (day + EPOCH_WEEKDAY) % 7, wall // 60 % 1440
    inside = or_(*(_covers(w, weekday, minute) for w in hours.windows)) if hours.windows else false()
    first, last = (since - DAY).date(), (until + DAY).date()
    holidays = sorted((d - EPOCH_DATE).days for d in hours.holidays if first <= d <= last)
    return and_(inside, day.not_in(holidays)) if holidays else inside
