"""Business hours: windows in the team's zone, minus holidays by local date."""
from datetime import date, time

import pytest

from oncall.schedule.hours import BusinessHours, is_business_hours, next_change
from oncall.schedule.windows import WeeklyWindow
from tests.schedule.helpers import utc

WEEKDAYS = frozenset(range(5))
SPLIT_DAY = (WeeklyWindow(WEEKDAYS, time(9), time(12)), WeeklyWindow(WEEKDAYS, time(13), time(17)))
ALWAYS = (WeeklyWindow(frozenset(range(7)), time(0), time(0)),)
CHRISTMAS = frozenset({date(2026, 12, 25)})

NEW_YORK = BusinessHours("America/New_York", SPLIT_DAY, CHRISTMAS)
AUCKLAND = BusinessHours("Pacific/Auckland", SPLIT_DAY)
KIRITIMATI = BusinessHours("Pacific/Kiritimati", ALWAYS, CHRISTMAS)  # UTC+14
# A Thursday-night desk, 22:00 to 02:00, with Friday 2026-12-25 a holiday.
THURSDAY_NIGHTS = BusinessHours("Europe/London", (WeeklyWindow({3}, time(22), time(2)),), CHRISTMAS)


@pytest.mark.parametrize("hours, at, inside", [
    pytest.param(NEW_YORK, "2026-01-05T14:00", True, id="Monday 09:00 EST"),
    pytest.param(NEW_YORK, "2026-01-05T17:30", False, id="12:30: the lunch break between windows"),
    pytest.param(NEW_YORK, "2026-01-05T18:00", True, id="13:00: the afternoon window"),
    pytest.param(NEW_YORK, "2026-12-25T15:00", False, id="Christmas Friday 10:00"),
    pytest.param(AUCKLAND, "2026-01-04T20:00", True, id="Sunday in UTC is Monday 09:00 NZDT"),
    pytest.param(AUCKLAND, "2026-01-05T04:00", False, id="Monday 17:00 NZDT"),
    pytest.param(KIRITIMATI, "2026-12-24T09:59", True, id="24 Dec 23:59 local"),
    pytest.param(KIRITIMATI, "2026-12-24T10:00", False, id="25 Dec 00:00 local while UTC is still the 24th"),
    pytest.param(KIRITIMATI, "2026-12-25T10:00", True, id="26 Dec local"),
    pytest.param(THURSDAY_NIGHTS, "2026-12-24T23:00", True, id="Thursday 23:00, not a holiday"),
    pytest.param(THURSDAY_NIGHTS, "2026-12-25T01:00", False, id="past midnight: the local date is Christmas"),
    pytest.param(THURSDAY_NIGHTS, "2026-12-18T01:00", True, id="an ordinary Friday 01:00"),
])
def test_is_business_hours(hours, at, inside):
    assert is_business_hours(hours, utc(at)) is inside


@pytest.mark.parametrize("hours, at, following", [
    pytest.param(NEW_YORK, "2026-01-05T16:00", "2026-01-05T17:00", id="lunch"),
    pytest.param(NEW_YORK, "2026-03-06T23:00", "2026-03-09T13:00", id="across the DST change: Monday 09:00 EDT"),
    pytest.param(NEW_YORK, "2026-12-24T23:00", "2026-12-28T14:00", id="across Christmas to Monday"),
    pytest.param(THURSDAY_NIGHTS, "2026-12-24T23:00", "2026-12-25T00:00", id="closes at the holiday's midnight"),
    pytest.param(AUCKLAND, "2026-04-03T05:00", "2026-04-05T21:00", id="Monday 09:00 NZST after the change"),
    pytest.param(KIRITIMATI, "2026-12-20T00:00", "2026-12-24T10:00", id="always open, until the holiday"),
    pytest.param(BusinessHours("America/Santiago", ALWAYS, frozenset({date(2026, 9, 6)})), "2026-09-06T03:00",
                 "2026-09-06T04:00", id="a holiday whose midnight does not exist starts at 01:00"),
    pytest.param(BusinessHours("Europe/Berlin", ALWAYS), "2026-01-01T00:00", None, id="always open: never"),
    pytest.param(BusinessHours("Europe/Berlin", ()), "2026-01-01T00:00", None, id="no windows: never"),
    pytest.param(BusinessHours("Europe/Berlin", ALWAYS, frozenset({date(2028, 6, 1)})), "2026-01-01T00:00",
                 None, id="a holiday beyond the two-year horizon"),
    pytest.param(BusinessHours("Europe/Berlin", ALWAYS, frozenset({date(2027, 6, 1)})), "2026-01-01T00:00",
                 "2027-05-31T22:00", id="a holiday 17 months ahead"),
])
def test_next_change(hours, at, following):
    assert next_change(hours, utc(at)) == (following and utc(following))


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="unknown timezone"):
        BusinessHours("Atlantis/Capital", ALWAYS)
