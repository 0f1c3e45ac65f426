"""The rotation chart's geometry (pure: no database)."""
from datetime import date, datetime, timezone

from oncall.schedule.rotation import Shift
from oncall.web.ui.chart import hours_by_person, midnight, week_rows
from oncall.web.ui.display import duration, person_colour

UTC = timezone.utc
TZ = "America/New_York"


def test_a_week_row_spans_seven_local_days_and_places_bars_by_instant():
    start = midnight(date(2026, 12, 7), TZ)  # Monday 00:00 EST = 05:00Z
    shifts = [Shift(start, datetime(2026, 12, 10, 5, tzinfo=UTC), 1, "layer:Day"),
              Shift(datetime(2026, 12, 10, 5, tzinfo=UTC), datetime(2026, 12, 14, 5, tzinfo=UTC), None, "none")]
    [row] = week_rows(shifts, date(2026, 12, 7), 1, TZ, now=datetime(2026, 12, 8, 17, tzinfo=UTC))
    assert [(b.left, b.width, b.user_id) for b in row.bars] == [(0.0, 42.857, 1), (42.857, 57.143, None)]
    assert [t.day.isoformat() for t in row.ticks][:2] == ["2026-12-07", "2026-12-08"]
    assert row.now_left == round(36 / 168 * 100, 3)


def test_a_week_with_a_dst_change_is_drawn_true():
    [row] = week_rows([], date(2026, 3, 2), 1, TZ, now=datetime(2020, 1, 1, tzinfo=UTC))  # clocks go forward Mar 8
    assert (row.end - row.start).total_seconds() == 167 * 3600
    sunday = row.ticks[6]
    assert (sunday.left, sunday.width) == (round(144 / 167 * 100, 3), round(100 - 144 / 167 * 100, 3))  # 23 hours


def test_bars_are_clipped_to_their_week():
    shifts = [Shift(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 30, tzinfo=UTC), 7, "override")]
    rows = week_rows(shifts, date(2026, 12, 7), 2, TZ, now=datetime(2020, 1, 1, tzinfo=UTC))
    assert [[(b.left, b.width) for b in r.bars] for r in rows] == [[(0.0, 100.0)], [(0.0, 100.0)]]
    assert all(r.now_left is None for r in rows)


def test_hours_per_person_and_stable_colours():
    shifts = [Shift(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 12, tzinfo=UTC), 3, "layer:a"),
              Shift(datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC), None, "none")]
    assert hours_by_person(shifts) == {3: 12.0, None: 12.0}
    assert person_colour(3) == person_colour(3) != person_colour(4)
    assert len({person_colour(i) for i in range(12)}) == 12
    assert person_colour(None) == "transparent"


def test_durations_read_at_a_glance():
    assert [duration(s) for s in (0, 45, 600, 3 * 3600 + 12 * 60, 2 * 86400 + 4 * 3600 + 59)] == [
        "0 s", "45 s", "10 min", "3 h 12 min", "2 d 4 h"]
