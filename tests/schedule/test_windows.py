"""Weekly windows: parsing, membership by wall time, and when membership flips."""
from datetime import time

import pytest

from oncall.schedule.windows import WeeklyWindow, in_windows, next_window_change, parse_hhmm, window_changes
from tests.schedule.helpers import utc, wall

MON, FRI, SAT, SUN = 0, 4, 5, 6


@pytest.mark.parametrize("text, end, parsed", [
    ("09:00", False, time(9)), ("23:59", False, time(23, 59)), ("00:00", True, time(0)),
    ("24:00", True, time(0)),  # the midnight ending the day
])
def test_parse_hhmm(text, end, parsed):
    assert parse_hhmm(text, end=end) == parsed


@pytest.mark.parametrize("text, end", [("24:00", False), ("9:00", False), ("25:00", True), ("12:60", False),
                                       ("", False), (None, False), ("09:00:00", False), ("24:01", True)])
def test_parse_hhmm_refuses_with_a_reason(text, end):
    with pytest.raises(ValueError, match="is not a time of day as HH:MM"):
        parse_hhmm(text, end=end)


BUSINESS = WeeklyWindow({MON, 1, 2, 3, FRI}, time(9), time(17))
FRIDAY_NIGHT = WeeklyWindow({FRI}, time(22), time(2))
ALL_SUNDAY = WeeklyWindow({SUN}, time(0), time(0))
UNTIL_MIDNIGHT = WeeklyWindow({SAT}, parse_hhmm("18:00"), parse_hhmm("24:00", end=True))


@pytest.mark.parametrize("window, at, inside", [
    (BUSINESS, "2026-01-09T09:00", True), (BUSINESS, "2026-01-09T17:00", False),
    (BUSINESS, "2026-01-10T10:00", False),
    (FRIDAY_NIGHT, "2026-01-09T23:00", True), (FRIDAY_NIGHT, "2026-01-10T01:59", True),
    (FRIDAY_NIGHT, "2026-01-10T02:00", False), (FRIDAY_NIGHT, "2026-01-10T23:00", False),
    (FRIDAY_NIGHT, "2026-01-09T01:00", False),  # Thursday night is not Friday night
    (ALL_SUNDAY, "2026-01-11T00:00", True), (ALL_SUNDAY, "2026-01-11T23:59", True),
    (ALL_SUNDAY, "2026-01-12T00:00", False),
    (UNTIL_MIDNIGHT, "2026-01-10T23:59", True), (UNTIL_MIDNIGHT, "2026-01-11T00:00", False),
])
def test_membership_by_wall_time(window, at, inside):
    assert in_windows((window,), wall(at)) is inside


NY = "America/New_York"


@pytest.mark.parametrize("windows, at, following", [
    pytest.param((BUSINESS,), "2026-01-09T15:00", "2026-01-09T22:00", id="closes Friday 17:00 EST"),
    pytest.param((BUSINESS,), "2026-03-06T23:00", "2026-03-09T13:00", id="opens Monday 09:00 EDT, across the change"),
    pytest.param((WeeklyWindow({SUN}, time(2, 30), time(5)),), "2026-03-08T00:00", "2026-03-08T07:00",
                 id="an edge inside the gap takes effect when the clock jumps (03:00 EDT)"),
    pytest.param((WeeklyWindow({SUN}, time(0), time(1, 30)),), "2026-11-01T05:30", "2026-11-01T06:00",
                 id="the repeated 01:00-01:30 is inside again on its second pass"),
    pytest.param((ALL_SUNDAY, WeeklyWindow(set(range(6)), time(0), time(0))), "2026-03-08T00:00", None,
                 id="always inside: never flips"),
    pytest.param((), "2026-03-08T00:00", None, id="no windows: never inside"),
])
def test_next_window_change(windows, at, following):
    assert next_window_change(windows, NY, utc(at)) == (following and utc(following))


def test_a_window_ending_inside_the_repeated_hour_covers_both_passes():
    till_0130 = (WeeklyWindow({SUN}, time(0), time(1, 30)),)
    assert window_changes(till_0130, NY, utc("2026-11-01T03:00"), utc("2026-11-01T12:00")) == [
        utc("2026-11-01T04:00"),   # 00:00 EDT opens
        utc("2026-11-01T05:30"),   # 01:30 EDT closes
        utc("2026-11-01T06:00"),   # the clock goes back to 01:00 (EST): inside again
        utc("2026-11-01T06:30"),   # 01:30 EST closes
    ]


def test_a_thirty_minute_gap():
    # Lord Howe: 2026-10-04 02:00 +10:30 jumps to 02:30 +11 (15:30Z); a 02:15 start opens then.
    window = (WeeklyWindow({SUN}, time(2, 15), time(6)),)
    assert next_window_change(window, "Australia/Lord_Howe", utc("2026-10-03T12:00")) == utc("2026-10-03T15:30")
