"""Wall-clock <-> UTC conversions shared by the schedule core.

A naive datetime here is a wall time in an IANA zone. DESIGN §3: a wall time that does not
exist (spring forward) moves forward by the gap; one that occurs twice (fall back) takes the
earlier instant. ``zoneinfo`` with ``fold=0`` does exactly that: for a time inside a gap it
applies the offset from before the transition, which lands the same distance past it
(America/New_York 2026-03-08 02:30 -> 07:30Z = 03:30 EDT).

Every instant leaving this package is an aware UTC datetime. Instants are normalised to UTC
on the way in because Python compares and subtracts two datetimes sharing one tzinfo as
naive wall times, ignoring ``fold``.
"""
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc


def zone(tz: str | tzinfo) -> tzinfo:
    """A tzinfo for an IANA name (ValueError if unknown); a tzinfo is returned as is."""
    return tz if isinstance(tz, tzinfo) else _load(tz)


@cache
def _load(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones nobody references; keep every zone asked for (a few
    hundred at most) so rotations naming a zone by string do not reread its file."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {name!r}") from None


def as_utc(at: datetime, name: str = "instant") -> datetime:
    """``at`` in UTC; a naive datetime is refused rather than guessed."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {at!r}")
    return at.astimezone(UTC)


def to_utc(wall: datetime, tz: tzinfo) -> datetime:
    """The UTC instant of a naive wall time (gaps move forward, repeats take fold's pick)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)


def to_wall(at: datetime, tz: tzinfo) -> datetime:
    """The naive wall time of an instant; ``fold=1`` marks the second of a repeated hour."""
    return at.astimezone(tz).replace(tzinfo=None)


def reaching(wall: datetime, tz: tzinfo) -> list[datetime]:
    """Every instant at which the clock may reach or jump over ``wall``.

    Normally one instant. Inside a repeated hour the clock shows ``wall`` twice, and when a
    transition is near, the clock can also jump over ``wall`` (a gap) or jump back across it
    (a fold) at the transition itself, so the transition is included too. Callers test each
    candidate; a superset is harmless, a missing instant is not.
    """
    first, second = to_utc(wall.replace(fold=0), tz), to_utc(wall.replace(fold=1), tz)
    if first == second:
        return [first]
    return [first, second, _transition_between(tz, min(first, second), max(first, second))]


def _transition_between(tz: tzinfo, lo: datetime, hi: datetime) -> datetime:
    """The transition instant in (lo, hi]: bisection on whole seconds (tzdata's resolution)."""
    lo = lo.replace(microsecond=0)
    before = lo.astimezone(tz).utcoffset()
    low, high = 0, int((hi - lo).total_seconds()) + 1  # offset(lo + high s) != before
    while high - low > 1:
        mid = (low + high) // 2
        if (lo + timedelta(seconds=mid)).astimezone(tz).utcoffset() == before:
            low = mid
        else:
            high = mid
    return lo + timedelta(seconds=high)
