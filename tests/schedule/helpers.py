"""Small builders for the schedule tests: instants, one-layer rotations."""
from datetime import datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from oncall.schedule.rotation import Layer, LayerVersion, Rotation

UTC = timezone.utc


def utc(text: str) -> datetime:
    """An aware UTC instant from "2026-03-08T07:30" (the Z is implied)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wall(text: str) -> datetime:
    """A naive wall time from "2026-03-08T02:30"."""
    return datetime.fromisoformat(text)


def version(handoff: str, unit: str = "days", count: int = 1, members=(1, 2, 3), **kw) -> LayerVersion:
    return LayerVersion(effective_from=kw.pop("effective_from", None), handoff=wall(handoff), shift_unit=unit,
                        shift_count=count, members=tuple(members), **kw)


def rotation(tz: str, *versions: LayerVersion, name: str = "primary") -> Rotation:
    """A rotation of one layer per version given (bottom first), named name, name-1, ..."""
    layers = tuple(Layer(name if i == 0 else f"{name}-{i}", (v,)) for i, v in enumerate(versions))
    return Rotation(tz, layers)


@cache
def transitions(name: str, year: int) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """(instant, offset before, offset after) of each offset change in ``year``, to the minute."""
    tz, found = ZoneInfo(name), []
    t = datetime(year, 1, 1, tzinfo=UTC)
    while t.year == year:
        before, after = t.astimezone(tz).utcoffset(), (t + timedelta(hours=1)).astimezone(tz).utcoffset()
        if before != after:
            exact = next(t + timedelta(minutes=m) for m in range(61)
                         if (t + timedelta(minutes=m)).astimezone(tz).utcoffset() == after)
            found.append((exact, before, after))
        t += timedelta(hours=1)
    return tuple(found)
