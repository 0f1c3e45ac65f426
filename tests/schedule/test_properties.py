"""Properties over random rotations, restrictions, overrides and zones (hypothesis).

Times are drawn on a 15-minute grid near DST transitions often enough to hit gaps and
repeated hours; the window checks step minute by minute, which is exact because zone
offsets, transitions and window edges all fall on whole minutes.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from oncall.schedule.hours import BusinessHours, is_business_hours, next_change
from oncall.schedule.rotation import Layer, LayerVersion, Override, Rotation, layer_user, on_call, shifts
from oncall.schedule.windows import WeeklyWindow, in_windows, next_window_change, window_changes
from tests.schedule.helpers import UTC, transitions

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata",
         "Pacific/Auckland", "Pacific/Kiritimati", "America/Mexico_City"]
BOUNDED = settings(max_examples=200, deadline=None)
MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)

zones = st.sampled_from(ZONES)
# Transitions happen between 23:00 and 04:00 local time: draw those hours often.
hours_of_day = st.one_of(st.sampled_from([23, 0, 1, 2, 3]), st.integers(0, 23))
quarter_hours = st.builds(time, hours_of_day, st.sampled_from([0, 15, 30, 45]))
windows = st.builds(WeeklyWindow, st.frozensets(st.integers(0, 6), min_size=1), quarter_hours, quarter_hours)
walls = st.builds(datetime.combine, st.dates(date(2025, 1, 1), date(2027, 12, 31)), quarter_hours)
instants = walls.map(lambda d: d.replace(tzinfo=UTC))


def instants_near_transitions(tz: str):
    """Either anywhere, or within two days before / one day after one of the zone's transitions."""
    known = [t for year in (2025, 2026, 2027) for t, _, _ in transitions(tz, year)]
    if not known:
        return instants
    near = st.tuples(st.sampled_from(known), st.integers(-2 * 96, 96)).map(lambda p: p[0] + p[1] * QUARTER)
    return st.one_of(instants, near)


grids = st.one_of(st.tuples(st.just("hours"), st.integers(1, 48)), st.tuples(st.just("days"), st.integers(1, 10)),
                  st.tuples(st.just("weeks"), st.integers(1, 3)))


@st.composite
def layers(draw, name):
    count = draw(st.integers(1, 2))
    froms = [None] + sorted(draw(st.lists(instants, min_size=count - 1, max_size=count - 1, unique=True)))
    versions = []
    for effective_from in froms:
        unit, n = draw(grids)
        versions.append(LayerVersion(effective_from, draw(walls), unit, n,
                                     tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))),
                                     draw(st.integers(0, 5)), tuple(draw(st.lists(windows, max_size=2)))))
    return Layer(name, tuple(versions))


@st.composite
def overrides(draw, near: datetime):
    found = []
    for i in range(draw(st.integers(0, 4))):
        start = near + draw(st.integers(-96, 400)) * QUARTER
        found.append(Override(draw(st.integers(1, 50)) * 10 + i, draw(st.integers(7, 9)), start,
                              start + draw(st.integers(1, 200)) * QUARTER))
    return tuple(found)


@st.composite
def scenarios(draw):
    tz = draw(zones)
    rotation = Rotation(tz, tuple(draw(layers(f"l{i}")) for i in range(draw(st.integers(1, 3)))))
    start = draw(instants_near_transitions(tz))
    end = start + draw(st.integers(1, 10 * 96)) * QUARTER
    return rotation, draw(overrides(start)), start, end


@BOUNDED
@given(scenarios(), st.data())
def test_shifts_partition_the_window_and_agree_with_on_call(scenario, data):
    rotation, extra, start, end = scenario
    listed = shifts(rotation, extra, start, end)
    assert listed[0].start == start and listed[-1].end == end
    assert all(a.end == b.start for a, b in zip(listed, listed[1:]))
    assert all(s.start < s.end for s in listed)
    assert all((a.user_id, a.source) != (b.user_id, b.source) for a, b in zip(listed, listed[1:]))
    span = int((end - start).total_seconds())
    probes = [start + timedelta(seconds=data.draw(st.integers(0, span - 1))) for _ in range(20)]
    for s in listed:
        probes += [s.start, s.end - timedelta(microseconds=1)]
    tz = ZoneInfo(rotation.timezone)
    for at in probes:
        (shift,) = [s for s in listed if s.start <= at < s.end]
        assert on_call(rotation, extra, at) == ([] if shift.user_id is None else [shift.user_id])
        if shift.source.startswith("layer:"):
            layer = next(l for l in rotation.layers if f"layer:{l.name}" == shift.source)
            assert layer_user(layer, tz, at) == shift.user_id
        assert (shift.source == "override") == any(o.start <= at < o.end for o in extra)


def _minute_flips(inside, start: datetime, minutes: int) -> list[datetime]:
    flips, state = [], inside(start)
    for i in range(1, minutes + 1):
        at = start + i * MINUTE
        if inside(at) != state:
            state = not state
            flips.append(at)
    return flips


@BOUNDED
@given(st.data(), zones, st.lists(windows, max_size=3))
def test_window_changes_are_exactly_the_minutes_membership_flips(data, tz, chosen):
    start = data.draw(instants_near_transitions(tz))
    zone = ZoneInfo(tz)
    expected = _minute_flips(lambda at: in_windows(chosen, at.astimezone(zone)), start, 3 * 1440)
    assert window_changes(chosen, tz, start, start + 3 * 1440 * MINUTE) == expected
    following = next_window_change(chosen, tz, start)
    assert following == expected[0] if expected else (following is None or following > start + 3 * 1440 * MINUTE)


@BOUNDED
@given(st.data(), zones, st.lists(windows, max_size=3), st.frozensets(st.dates(date(2025, 1, 1), date(2028, 1, 1))))
def test_next_change_is_the_first_minute_business_hours_flip(data, tz, chosen, holidays):
    start = data.draw(instants_near_transitions(tz))
    holidays |= {(start + timedelta(days=d)).date() for d in data.draw(st.lists(st.integers(-1, 3), max_size=2))}
    hours = BusinessHours(tz, tuple(chosen), holidays)
    expected = _minute_flips(lambda at: is_business_hours(hours, at), start, 3 * 1440)
    following = next_change(hours, start)
    assert following == expected[0] if expected else (following is None or following > start + 3 * 1440 * MINUTE)
