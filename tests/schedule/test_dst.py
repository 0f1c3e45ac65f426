"""Shift boundaries at DST edges: each row pins a zone, a layer's grid and the UTC instants
of the shift around one moment, as a person reading the schedule would check them."""
from zoneinfo import ZoneInfo

import pytest

from oncall.schedule.rotation import next_handoff, on_call, shift_start
from oncall.schedule.wall import to_utc
from tests.schedule.helpers import rotation, utc, version, wall

ROWS = [
    # zone, (handoff, unit, count), at, start of the shift in progress, next hand-off
    pytest.param("America/New_York", ("2026-03-01T02:30", "days", 1), "2026-03-08T07:29",
                 "2026-03-07T07:30", "2026-03-08T07:30", id="ny-gap-daily-before: 02:30 moves to 03:30 EDT"),
    pytest.param("America/New_York", ("2026-03-01T02:30", "days", 1), "2026-03-08T07:30",
                 "2026-03-08T07:30", "2026-03-09T06:30", id="ny-gap-daily-after: next day is 02:30 EDT again"),
    pytest.param("America/New_York", ("2026-10-25T01:30", "days", 1), "2026-11-01T06:15",
                 "2026-11-01T05:30", "2026-11-02T06:30", id="ny-fold-daily: 01:30 is the first (EDT) pass"),
    pytest.param("Australia/Lord_Howe", ("2026-09-28T02:15", "days", 1), "2026-10-03T16:00",
                 "2026-10-03T15:45", "2026-10-04T15:15", id="lord-howe-30min-gap: 02:15 moves to 02:45"),
    pytest.param("Australia/Lord_Howe", ("2026-04-01T01:45", "days", 1), "2026-04-05T15:00",
                 "2026-04-04T14:45", "2026-04-05T15:15", id="lord-howe-30min-fold: first 01:45, shift 24.5h"),
    pytest.param("America/Santiago", ("2026-09-01T00:30", "days", 1), "2026-09-06T04:00",
                 "2026-09-05T04:30", "2026-09-06T04:30", id="santiago-midnight-gap: 00:30 moves to 01:30"),
    pytest.param("America/Santiago", ("2026-04-01T23:30", "days", 1), "2026-04-05T03:15",
                 "2026-04-05T02:30", "2026-04-06T03:30", id="santiago-fold: 23:30 first pass (-03)"),
    pytest.param("Australia/Sydney", ("2026-09-27T02:30", "weeks", 1), "2026-10-10T00:00",
                 "2026-10-03T16:30", "2026-10-10T15:30", id="sydney-weekly-gap: 03:30 AEDT, then 02:30 again"),
    pytest.param("Asia/Kolkata", ("2026-01-01T09:00", "days", 1), "2026-07-01T12:00",
                 "2026-07-01T03:30", "2026-07-02T03:30", id="kolkata-no-dst"),
    pytest.param("America/Mexico_City", ("2022-10-01T09:00", "days", 1), "2022-10-29T20:00",
                 "2022-10-29T14:00", "2022-10-30T15:00", id="mexico-city-last-dst-day"),
    pytest.param("America/Mexico_City", ("2022-10-01T09:00", "days", 1), "2023-07-01T20:00",
                 "2023-07-01T15:00", "2023-07-02T15:00", id="mexico-city-dst-abolished: summer stays -06"),
    pytest.param("Europe/Istanbul", ("2016-10-01T09:00", "days", 1), "2016-11-15T12:00",
                 "2016-11-15T06:00", "2016-11-16T06:00", id="istanbul-2016: permanent +03, not EET"),
    pytest.param("America/New_York", ("2026-03-07T09:00", "hours", 12), "2026-03-08T15:00",
                 "2026-03-08T14:00", "2026-03-09T02:00", id="ny-12h-absolute: 09:00 EST grid is 10:00 EDT"),
    pytest.param("Europe/London", ("2026-10-24T09:00", "hours", 12), "2026-10-25T12:00",
                 "2026-10-25T08:00", "2026-10-25T20:00", id="london-12h-absolute: 09:00 BST grid is 08:00 GMT"),
    pytest.param("America/New_York", ("2026-03-02T09:00", "weeks", 1), "2026-03-10T12:00",
                 "2026-03-09T13:00", "2026-03-16T13:00", id="ny-weekly-keeps-09:00"),
    pytest.param("Pacific/Auckland", ("2026-04-01T09:00", "days", 2), "2026-04-04T12:00",
                 "2026-04-02T20:00", "2026-04-04T21:00", id="auckland-2-days-keeps-09:00: a 49h shift"),
]


@pytest.mark.parametrize("tz, grid, at, start, following", ROWS)
def test_shift_boundaries(tz, grid, at, start, following):
    handoff, unit, count = grid
    v = version(handoff, unit, count)
    assert shift_start(v, tz, utc(at)) == utc(start)
    assert next_handoff(v, tz, utc(at)) == utc(following)


def test_zoneinfo_fold0_moves_a_gap_time_forward_by_the_gap():
    assert to_utc(wall("2026-03-08T02:30"), ZoneInfo("America/New_York")) == utc("2026-03-08T07:30")


@pytest.mark.parametrize("at, users", [
    ("2026-03-08T07:15", []),    # 03:15 EDT: past 02:30 on the wall, but the first shift starts 03:30
    ("2026-03-08T07:30", [1]),
    ("2026-03-09T06:29", [1]),
    ("2026-03-09T06:30", [2]),
])
def test_first_handoff_inside_the_gap(at, users):
    r = rotation("America/New_York", version("2026-03-08T02:30", members=(1, 2)))
    assert on_call(r, (), utc(at)) == users


@pytest.mark.parametrize("at, users", [
    ("2026-11-01T05:29", [1]),   # 01:29 EDT
    ("2026-11-01T05:30", [2]),   # 01:30 EDT: the hand-off takes the first pass
    ("2026-11-01T06:30", [2]),   # 01:30 EST: no second hand-off on the repeated pass
    ("2026-11-02T06:30", [1]),
])
def test_handoff_inside_the_repeated_hour(at, users):
    r = rotation("America/New_York", version("2026-10-31T01:30", members=(1, 2)))
    assert on_call(r, (), utc(at)) == users


def test_twelve_hour_shifts_drift_on_the_wall_clock_after_the_change():
    v = version("2026-03-07T09:00", "hours", 12)
    tz = ZoneInfo("America/New_York")
    starts = [shift_start(v, tz, utc(at)).astimezone(tz).strftime("%d %H:%M")
              for at in ("2026-03-07T15:00", "2026-03-08T03:00", "2026-03-08T15:00", "2026-03-09T03:00")]
    assert starts == ["07 09:00", "07 21:00", "08 10:00", "08 22:00"]
