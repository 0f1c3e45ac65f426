"""Brute-force walks (goalert style): every 15 minutes for two days either side of each 2026
and 2027 DST transition in six zones, `on_call` and `shifts` against a deliberately naive
reference that walks the shifts one by one from the hand-off.

Hand-offs and restriction edges are put inside each transition's gap or repeated hour, where
the rules bite. The reference shares no code with the implementation: it finds UTC instants
by trying the zone's nearby offsets, and tests windows as minute ranges of the week.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from oncall.schedule.rotation import Layer, LayerVersion, Override, Rotation, on_call, shifts
from oncall.schedule.windows import WeeklyWindow
from tests.schedule.helpers import UTC, transitions

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Australia/Sydney",
         "Pacific/Auckland"]
STEP = timedelta(minutes=15)


CASES = [pytest.param(name, *tr, id=f"{name}-{tr[0]:%Y-%m-%d}")
         for name in ZONES for year in (2026, 2027) for tr in transitions(name, year)]


# --- the naive reference ---------------------------------------------------------------

def naive_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """Try every offset the zone uses within a day and a half: the earliest exact match, or
    inside a gap the wall time read with the smaller (pre-transition) offset."""
    as_if_utc = wall.replace(tzinfo=UTC)
    offsets = {(as_if_utc + timedelta(hours=h)).astimezone(tz).utcoffset() for h in range(-36, 37)}
    exact = [as_if_utc - o for o in offsets if (as_if_utc - o).astimezone(tz).replace(tzinfo=None) == wall]
    return min(exact) if exact else as_if_utc - min(offsets)


def naive_inside(windows, tz: ZoneInfo, at: datetime) -> bool:
    local = at.astimezone(tz)
    minute = local.weekday() * 1440 + local.hour * 60 + local.minute
    for w in windows:
        start, end = w.start.hour * 60 + w.start.minute, w.end.hour * 60 + w.end.minute
        length = (end - start) % 1440 or 1440
        for day in w.days:
            if (minute - (day * 1440 + start)) % 10080 < length:
                return True
    return False


class NaiveLayer:
    """Walks shift starts forward one at a time; asked about non-decreasing instants."""

    def __init__(self, v: LayerVersion, tz: ZoneInfo):
        self.v, self.tz, self.k = v, tz, 0
        self.wall, self.start = v.handoff, naive_utc(v.handoff, tz)
        self.first = self.start
        self.next = self._advance()

    def _advance(self) -> datetime:
        if self.v.shift_unit == "hours":
            return self.start + timedelta(hours=self.v.shift_count)
        self.wall += timedelta(days=self.v.shift_count * (7 if self.v.shift_unit == "weeks" else 1))
        return naive_utc(self.wall, self.tz)

    def user_at(self, at: datetime) -> int | None:
        if at < self.first or (self.v.restrictions and not naive_inside(self.v.restrictions, self.tz, at)):
            return None
        while self.next <= at:
            self.k, self.start = self.k + 1, self.next
            self.next = self._advance()
        return self.v.members[self.k % len(self.v.members)]


# --- the walk ------------------------------------------------------------------------

def clock(dt: datetime) -> time:
    return dt.time().replace(fold=0)


def build(name: str, instant: datetime, before: timedelta, after: timedelta):
    """Three layers handed off two weeks before the transition at the middle of its gap or
    repeated hour ``m``: daily; 5-hourly restricted to [m, m+6h) daily; weekly restricted to
    [m+8h, m-1h) overnight on the transition's weekday. Plus two overlapping overrides."""
    m = (instant + before).replace(tzinfo=None) + (after - before) / 2  # wall time inside the gap / repeat
    handoff = m - timedelta(days=14)
    daily = LayerVersion(None, handoff, "days", 1, (1, 2, 3))
    hourly = LayerVersion(None, handoff, "hours", 5, (4, 5),
                          restrictions=(WeeklyWindow(frozenset(range(7)), clock(m), clock(m + timedelta(hours=6))),))
    weekly = LayerVersion(None, handoff, "weeks", 1, (6, 7, 8), restrictions=(
        WeeklyWindow({m.weekday()}, clock(m + timedelta(hours=8)), clock(m - timedelta(hours=1))),))
    layers = [Layer("daily", (daily,)), Layer("hourly", (hourly,)), Layer("weekly", (weekly,))]
    overrides = (Override(1, 99, instant - timedelta(hours=3), instant + timedelta(hours=2)),
                 Override(2, 98, instant + timedelta(hours=1), instant + timedelta(hours=5)))
    return layers, overrides


@pytest.mark.parametrize("name, instant, before, after", CASES)
def test_on_call_and_shifts_match_the_naive_walk(name, instant, before, after):
    tz = ZoneInfo(name)
    layers, overrides = build(name, instant, before, after)
    combined = Rotation(name, tuple(layers))
    singles = [Rotation(name, (layer,)) for layer in layers]
    naive = [NaiveLayer(layer.versions[0], tz) for layer in layers]
    start = instant.replace(minute=0) - timedelta(days=2)
    end = start + timedelta(days=4)
    windowed = [shifts(combined, overrides, start, end)] + [shifts(r, (), start, end) for r in singles]
    at, mismatches = start, []
    while at < end:
        users = [n.user_at(at) for n in naive]
        expected_override = max((o for o in overrides if o.start <= at < o.end), key=lambda o: o.id, default=None)
        expected = ([expected_override.user_id] if expected_override
                    else next(([u] for u in reversed(users) if u is not None), []))
        got = (on_call(combined, overrides, at), [on_call(r, (), at) for r in singles],
               [next(s.user_id for s in listed if s.start <= at < s.end) for listed in windowed])
        want = (expected, [[u] if u is not None else [] for u in users], [(expected or [None])[0]] + users)
        if got != want:
            mismatches.append((at.isoformat(), at.astimezone(tz).isoformat(), got, want))
        at += STEP
    assert mismatches == []


def test_every_zone_is_walked_across_both_transitions_of_both_years():
    assert len(CASES) == len(ZONES) * 4
