"""The cost of a question does not grow with the age of a rotation, and old rotations still
answer exactly: hand-computed shift numbers years after the hand-off."""
from datetime import timedelta

import pytest

import oncall.schedule.rotation as rotation_module
from oncall.schedule.rotation import next_handoff, on_call, shifts
from tests.schedule.helpers import rotation, utc, version

# 2026-01-05 -> 2036-03-10 is 3652 days (10 years, leap days 2028 and 2032) + 65 (26 in
# January, 29 in February 2036, 10 in March) = 3717 daily shifts; 3717 mod 4 = 1.
# DST began 2036-03-09, so the 09:00 hand-off is 13:00Z.
@pytest.mark.parametrize("at, users", [("2036-03-10T12:59", [1]), ("2036-03-10T13:00", [2])])
def test_a_daily_rotation_ten_years_on(at, users):
    r = rotation("America/New_York", version("2026-01-05T09:00", members=(1, 2, 3, 4)))
    assert on_call(r, (), utc(at)) == users


def test_next_handoff_ten_years_on():
    v = version("2026-01-05T09:00", members=(1, 2, 3, 4))
    assert next_handoff(v, "America/New_York", utc("2036-03-10T13:00")) == utc("2036-03-11T13:00")


# 1026-01-01 -> 2036-01-01 is 1010 × 365 days + 245 leap days (252 fourth years, less 1100,
# 1300, 1400, 1500, 1700, 1800, 1900) = 368895 days = 8853480 hours; 8853480 mod 7 = 6.
@pytest.mark.parametrize("at, users", [("2035-12-31T23:59", [6]), ("2036-01-01T00:00", [7]),
                                       ("2036-01-01T01:00", [1])])
def test_an_hourly_rotation_a_thousand_years_on(at, users):
    r = rotation("UTC", version("1026-01-01T00:00", "hours", 1, members=(1, 2, 3, 4, 5, 6, 7)))
    assert on_call(r, (), utc(at)) == users


def test_a_2016_weekly_rotation_matches_the_arithmetic():
    # Mondays 2016-01-04 -> 2026-01-05: 3650 days + 3 leap days + 1 = 3654 = 522 weeks; then
    # 26 + 28 + 31 + 30 + 31 + 29 = 175 days = 25 weeks to 2026-06-29: week 547, 547 mod 5 = 2.
    r = rotation("Europe/Berlin", version("2016-01-04T10:00", "weeks", 1, members=(1, 2, 3, 4, 5)))
    assert on_call(r, (), utc("2026-06-29T07:59")) == [2]   # 09:59 CEST, still week 546
    assert on_call(r, (), utc("2026-06-29T08:00")) == [3]   # 10:00 CEST


@pytest.fixture
def conversions(monkeypatch):
    """Counts wall-to-UTC conversions done by the rotation code: its unit of work."""
    calls = []
    real = rotation_module.to_utc

    def counting(wall, tz):
        calls.append(wall)
        return real(wall, tz)

    monkeypatch.setattr(rotation_module, "to_utc", counting)
    return calls


@pytest.mark.parametrize("unit", ["hours", "days", "weeks"])
def test_on_call_work_does_not_grow_with_age(conversions, unit):
    at = utc("2026-07-15T12:00")
    work = []
    for handoff in ("2026-07-14T09:00", "2016-07-14T09:00", "1026-07-14T09:00"):
        conversions.clear()
        on_call(rotation("America/New_York", version(handoff, unit, 1)), (), at)
        work.append(len(conversions))
    assert work[0] == work[1] == work[2] <= 4


@pytest.mark.parametrize("unit", ["hours", "days"])
def test_shifts_work_grows_with_the_window_not_the_age(conversions, unit):
    start = utc("2026-07-15T00:00")
    work = []
    for handoff in ("2026-07-14T09:00", "1926-07-14T09:00"):
        conversions.clear()
        listed = shifts(rotation("America/New_York", version(handoff, unit, 1)), (), start, start + timedelta(days=7))
        work.append(len(conversions))
    assert work[0] == work[1] <= len(listed) + 6
