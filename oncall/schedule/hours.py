"""Business hours: a team's weekly windows in its timezone, minus holidays (DESIGN §3).

The caller supplies every holiday date (explicit ones plus a country's calendar, which the
service layer computes), so the core stays standard-library only.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from oncall.schedule.wall import as_utc, reaching, to_wall, zone
from oncall.schedule.windows import DAY, WeeklyWindow, in_windows, window_changes

HORIZON = timedelta(days=731)  # how far next_change looks: two years
_CHUNK = timedelta(days=14)  # looked at a chunk at a time, so a near change is found cheaply


@dataclass(frozen=True)
class BusinessHours:
    timezone: str
    windows: tuple[WeeklyWindow, ...]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        zone(self.timezone)  # refuse an unknown zone at construction
        object.__setattr__(self, "windows", tuple(self.windows))
        object.__setattr__(self, "holidays", frozenset(self.holidays))


def is_business_hours(hours: BusinessHours, at: datetime) -> bool:
    """Inside when the local time at ``at`` is in a window and its local date is not a
    holiday. The local date of the instant decides, so a window that runs past midnight
    into a holiday closes at that midnight."""
    wall = to_wall(as_utc(at, "at"), zone(hours.timezone))
    return wall.date() not in hours.holidays and in_windows(hours.windows, wall)


def next_change(hours: BusinessHours, at: datetime) -> datetime | None:
    """The first instant after ``at`` at which :func:`is_business_hours` flips, looking
    ahead at most :data:`HORIZON`; None if it does not flip by then."""
    tz, at = zone(hours.timezone), as_utc(at, "at")
    if not hours.windows:
        return None
    inside, lo = is_business_hours(hours, at), at
    while lo < at + HORIZON:
        hi = min(lo + _CHUNK, at + HORIZON)
        flip = next((c for c in _candidates(hours, tz, lo, hi) if is_business_hours(hours, c) != inside), None)
        if flip is not None:
            return flip
        lo = hi
    return None


def _candidates(hours: BusinessHours, tz: tzinfo, lo: datetime, hi: datetime) -> list[datetime]:
    """Instants in (lo, hi] at which the answer may flip, in order: where the windows flip,
    and the local midnights at which a holiday begins or ends."""
    found = set(window_changes(hours.windows, tz, lo, hi))
    day, last = to_wall(lo, tz).date() - DAY, to_wall(hi, tz).date() + DAY
    while day <= last:
        if (day in hours.holidays) != (day - DAY in hours.holidays):
            found.update(c for c in reaching(datetime.combine(day, time()), tz) if lo < c <= hi)
        day += DAY
    return sorted(found)
