"""Benchmark: who-is-on-call lookups through the pure core (not a test).

    PYTHONPATH=. python bench/oncall_lookup.py

Builds 1,000 rotations of 3 layers (daily, 12-hourly and weekly; the upper two restricted to
weekly windows) with overrides, in memory, in a spread of zones. Every rotation exists
twice, identical but for its hand-off: ten years before the benchmark's pinned "now", or
the day before. The same 100,000 random (rotation, instant) lookups run against each half
(best of three interleaved rounds), so the ratio of their times shows whether a lookup's
cost grows with a rotation's age (it should be about 1).
"""
import random
import time as clock
from datetime import datetime, time, timedelta, timezone

from oncall.schedule.rotation import Layer, LayerVersion, Override, Rotation, on_call
from oncall.schedule.windows import WeeklyWindow

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)  # pinned: the benchmark reads no clock for data
ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney",
         "Australia/Lord_Howe", "America/Santiago", "Pacific/Auckland", "America/Los_Angeles", "Asia/Tokyo")
TEN_YEARS_OF_WEEKS = timedelta(weeks=522)
ROUNDS = 3  # whole weeks keep the weekday and wall time of the hand-off


def _rotation(rng: random.Random, tz: str, handoff: datetime) -> Rotation:
    def members():
        return tuple(rng.sample(range(1, 500), rng.randint(3, 8)))

    nights = (WeeklyWindow(frozenset(range(5)), time(18), time(9)),)
    weekend = (WeeklyWindow(frozenset({5}), time(0), time(0)), WeeklyWindow(frozenset({6}), time(0), time(0)))
    return Rotation(tz, (
        Layer("days", (LayerVersion(None, handoff, "days", 1, members()),)),
        Layer("nights", (LayerVersion(None, handoff, "hours", 12, members(), restrictions=nights),)),
        Layer("weekend", (LayerVersion(None, handoff, "weeks", 1, members(), restrictions=weekend),)),
    ))


def _overrides(rng: random.Random) -> tuple[Override, ...]:
    found = []
    for i in range(rng.randint(0, 10)):
        start = NOW + timedelta(hours=rng.randrange(24 * 30))
        found.append(Override(i + 1, rng.randint(1, 500), start, start + timedelta(hours=rng.randint(1, 72))))
    return tuple(found)


def _timed(rotations, overrides, lookups) -> float:
    started = clock.perf_counter()
    for i, at in lookups:
        on_call(rotations[i], overrides[i], at)
    return clock.perf_counter() - started


def bench_core(count: int = 1000, lookups: int = 100_000, seed: int = 20260701) -> dict[str, float]:
    """Times ``lookups`` on_call answers against each half; returns the figures."""
    rng = random.Random(seed)
    recent, old, overrides = [], [], []
    for _ in range(count):
        tz = rng.choice(ZONES)
        yesterday = (NOW - timedelta(days=1)).replace(tzinfo=None, hour=rng.randint(0, 23), minute=rng.choice((0, 30)))
        state = rng.getstate()
        recent.append(_rotation(rng, tz, yesterday))
        rng.setstate(state)  # the same members and windows for the old twin
        old.append(_rotation(rng, tz, yesterday - TEN_YEARS_OF_WEEKS))
        overrides.append(_overrides(rng))
    # Lookups after both hand-offs (the next 30 days), so both halves answer the same questions.
    sample = [(rng.randrange(count), NOW + timedelta(seconds=rng.randrange(86400 * 30))) for _ in range(lookups)]
    _timed(recent, overrides, sample[:1000])  # warm the zone caches
    rounds = [(_timed(recent, overrides, sample), _timed(old, overrides, sample)) for _ in range(ROUNDS)]
    t_recent, t_old = min(r for r, _ in rounds), min(o for _, o in rounds)  # best of interleaved rounds: least noise
    return {"lookups": lookups, "lookups_per_s_recent": lookups / t_recent, "lookups_per_s_old": lookups / t_old,
            "old_over_recent": t_old / t_recent}


def bench_http(base_url: str, token: str) -> dict[str, float]:
    """The same lookups through ``GET /api/v1/rotations/<id>/oncall`` of a running service."""
    raise NotImplementedError("the HTTP benchmark is added with the API")


def main() -> None:
    figures = bench_core()
    print(f"{figures['lookups']:,} on_call lookups, 1,000 rotations x 3 layers, restrictions and overrides")
    print(f"  handed off yesterday:     {figures['lookups_per_s_recent']:,.0f} lookups/s")
    print(f"  handed off 10 years ago:  {figures['lookups_per_s_old']:,.0f} lookups/s")
    print(f"  time ratio old/recent:    {figures['old_over_recent']:.2f}")


if __name__ == "__main__":
    main()
