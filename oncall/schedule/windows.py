"""Weekly windows of wall time: layer restrictions and business hours.

Membership goes by the wall clock, as DESIGN §3 says ("its local time falls in a window"):
an instant is inside when the time its zone's clock shows is. Two consequences at DST
transitions, both followed by ``window_changes``: a window edge inside a spring-forward gap
takes effect when the clock jumps over it (at the transition), and the repeated hour of a
fall-back is inside or outside on both of its passes, like any other wall time.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from oncall.schedule.wall import as_utc, reaching, to_wall, zone

DAY = timedelta(days=1)
_HHMM = re.compile(r"(\d\d):(\d\d)")


@dataclass(frozen=True)
class WeeklyWindow:
    """``days`` (0=Mon .. 6=Sun) name the day a window starts; ``end <= start`` runs past
    midnight into the next day, and ``end == start`` lasts 24 hours."""

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self):
        object.__setattr__(self, "days", frozenset(self.days))
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("a window needs days from 0 (Monday) to 6 (Sunday)")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window times are wall times and take no timezone")

    def covers(self, wall: datetime) -> bool:
        day, clock = wall.weekday(), wall.time()
        if self.start < self.end:
            return day in self.days and self.start <= clock < self.end
        return (day in self.days and clock >= self.start) or ((day - 1) % 7 in self.days and clock < self.end)

    def edges(self, day: date) -> tuple[datetime, datetime]:
        """Wall times at which the window opened on ``day`` opens and closes."""
        closes_on = day if self.start < self.end else day + DAY
        return datetime.combine(day, self.start), datetime.combine(closes_on, self.end)


def parse_hhmm(text: str, *, end: bool = False) -> time:
    """A wall time from "HH:MM" (00:00 to 23:59).

    With ``end=True`` "24:00" is accepted too, meaning the midnight that ends the day: it
    comes back as 00:00, which as a window's end (end <= start) runs to the next midnight.
    """
    match = _HHMM.fullmatch(text) if isinstance(text, str) else None
    if match:
        hour, minute = int(match[1]), int(match[2])
        if end and (hour, minute) == (24, 0):
            return time(0, 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    allowed = "00:00 to 24:00" if end else "00:00 to 23:59"
    raise ValueError(f"{text!r} is not a time of day as HH:MM ({allowed})")


def in_windows(windows: tuple[WeeklyWindow, ...], local_dt: datetime) -> bool:
    """Whether the wall time ``local_dt`` (naive, or aware in the windows' zone) is inside."""
    return any(window.covers(local_dt) for window in windows)


def window_changes(windows: tuple[WeeklyWindow, ...], tz: str | tzinfo, start: datetime,
                   end: datetime) -> list[datetime]:
    """The UTC instants in (start, end] at which ``in_windows`` flips, in order."""
    tz, start, end = zone(tz), as_utc(start, "start"), as_utc(end, "end")
    first, last = to_wall(start, tz).date() - DAY, to_wall(end, tz).date() + DAY
    walls = {edge for window in windows
             for offset in range((last - first).days + 1)
             if (first + offset * DAY).weekday() in window.days
             for edge in window.edges(first + offset * DAY)}
    candidates = sorted({at for wall in walls for at in reaching(wall, tz) if start < at <= end})
    inside, changes = in_windows(windows, to_wall(start, tz)), []
    for at in candidates:
        if in_windows(windows, to_wall(at, tz)) != inside:
            inside = not inside
            changes.append(at)
    return changes


def next_window_change(windows: tuple[WeeklyWindow, ...], tz: str | tzinfo, at_utc: datetime) -> datetime | None:
    """The next UTC instant after ``at_utc`` at which membership flips; None if it never does
    (no windows, or windows covering the whole week).

    The pattern repeats weekly, so a flip, if there is one, comes within a week; the second
    week is for the rare flip swallowed by a spring-forward gap.
    """
    changes = window_changes(windows, tz, at_utc, as_utc(at_utc, "at") + 15 * DAY)
    return changes[0] if changes else None
