"""Layers, restrictions, versions and overrides: who is on call, and the shifts of a window."""
from datetime import datetime, time, timedelta, timezone

import pytest

from oncall.schedule.rotation import Layer, LayerVersion, Override, Rotation, Shift, gaps, on_call, shifts
from oncall.schedule.windows import WeeklyWindow
from tests.schedule.helpers import rotation, utc, version, wall

TZ = "Europe/Paris"  # CET (+01) in January
WEEKNIGHTS = (WeeklyWindow({0, 1, 2, 3, 4}, time(18), time(9)),)  # Mon-Fri 18:00 to next 09:00
# Daily 09:00 (08:00Z) members 1, 2 at the bottom; on top, weekly from Monday 2026-01-05
# members 5, 6, covering weeknights only.
DAYS = version("2026-01-05T09:00", members=(1, 2))
NIGHTS = version("2026-01-05T09:00", "weeks", 1, members=(5, 6), restrictions=WEEKNIGHTS)
TWO_LAYERS = rotation(TZ, DAYS, NIGHTS)


@pytest.mark.parametrize("at, users", [
    pytest.param("2026-01-04T12:00", [], id="before the first hand-off: nobody"),
    pytest.param("2026-01-05T08:00", [1], id="first hand-off, daytime: bottom layer"),
    pytest.param("2026-01-05T17:00", [5], id="18:00 Monday: the weeknight layer on top wins"),
    pytest.param("2026-01-06T07:59", [5], id="overnight into Tuesday"),
    pytest.param("2026-01-06T08:00", [2], id="09:00 Tuesday: nights end, the day layer shows"),
    pytest.param("2026-01-10T12:00", [2], id="Saturday: no weeknight window"),
    pytest.param("2026-01-12T17:00", [6], id="second week: the weekly layer moved on while restricted"),
])
def test_the_topmost_layer_with_somebody_wins(at, users):
    assert on_call(TWO_LAYERS, (), utc(at)) == users


OVERRIDES = (Override(1, 90, utc("2026-01-05T10:00"), utc("2026-01-05T20:00")),
             Override(3, 92, utc("2026-01-05T12:00"), utc("2026-01-05T14:00")),
             Override(2, 91, utc("2026-01-05T11:00"), utc("2026-01-05T16:00")))


@pytest.mark.parametrize("at, users", [
    pytest.param("2026-01-05T09:59", [1], id="before"),
    pytest.param("2026-01-05T10:00", [90], id="an override beats the layers"),
    pytest.param("2026-01-05T11:30", [91], id="the newer override wins"),
    pytest.param("2026-01-05T12:00", [92], id="the newest, whatever the list order"),
    pytest.param("2026-01-05T14:00", [91], id="end is exclusive: back to the next newest"),
    pytest.param("2026-01-05T17:00", [90], id="over the weeknight layer too"),
    pytest.param("2026-01-05T20:00", [5], id="after: the layers again"),
])
def test_overrides(at, users):
    assert on_call(TWO_LAYERS, OVERRIDES, utc(at)) == users


def test_shifts_of_a_day_with_overrides_and_layers():
    listed = shifts(TWO_LAYERS, OVERRIDES, utc("2026-01-05T00:00"), utc("2026-01-06T00:00"))
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M"), s.user_id, s.source) for s in listed] == [
        ("00:00", "08:00", None, "none"),
        ("08:00", "10:00", 1, "layer:primary"),
        ("10:00", "11:00", 90, "override"),
        ("11:00", "12:00", 91, "override"),
        ("12:00", "14:00", 92, "override"),
        ("14:00", "16:00", 91, "override"),
        ("16:00", "20:00", 90, "override"),
        ("20:00", "00:00", 5, "layer:primary-1"),
    ]


def test_neighbouring_shifts_of_one_person_merge_but_not_across_sources():
    solo = rotation(TZ, version("2026-01-05T09:00", members=(7,)))
    cover = (Override(1, 7, utc("2026-01-07T00:00"), utc("2026-01-07T06:00")),)
    listed = shifts(solo, cover, utc("2026-01-06T00:00"), utc("2026-01-09T00:00"))
    assert [(s.start, s.end, s.user_id, s.source) for s in listed] == [
        (utc("2026-01-06T00:00"), utc("2026-01-07T00:00"), 7, "layer:primary"),
        (utc("2026-01-07T00:00"), utc("2026-01-07T06:00"), 7, "override"),
        (utc("2026-01-07T06:00"), utc("2026-01-09T00:00"), 7, "layer:primary"),
    ]


def test_gaps_are_where_nobody_covers():
    nights_only = rotation(TZ, NIGHTS)
    assert gaps(nights_only, (), utc("2026-01-09T00:00"), utc("2026-01-13T00:00")) == [
        (utc("2026-01-09T08:00"), utc("2026-01-09T17:00")),   # Friday day
        (utc("2026-01-10T08:00"), utc("2026-01-12T17:00")),   # Friday night's window ends Saturday 09:00
    ]


def test_a_version_takes_over_at_its_effective_instant():
    later = LayerVersion(utc("2026-01-07T12:00"), wall("2026-01-05T09:00"), "days", 1, (3, 4))
    r = Rotation(TZ, (Layer("primary", (DAYS, later)),))
    assert on_call(r, (), utc("2026-01-07T11:59")) == [1]   # shift 2 of (1, 2)
    assert on_call(r, (), utc("2026-01-07T12:00")) == [3]   # shift 2 of (3, 4)
    assert shifts(r, (), utc("2026-01-07T00:00"), utc("2026-01-08T00:00")) == [
        Shift(utc("2026-01-07T00:00"), utc("2026-01-07T08:00"), 2, "layer:primary"),
        Shift(utc("2026-01-07T08:00"), utc("2026-01-07T12:00"), 1, "layer:primary"),
        Shift(utc("2026-01-07T12:00"), utc("2026-01-08T00:00"), 3, "layer:primary"),
    ]


def test_a_layer_is_empty_before_its_first_version():
    first = LayerVersion(utc("2026-01-07T12:00"), wall("2026-01-05T09:00"), "days", 1, (3, 4))
    r = Rotation(TZ, (Layer("primary", (first,)),))
    assert on_call(r, (), utc("2026-01-07T11:59")) == []
    assert gaps(r, (), utc("2026-01-07T00:00"), utc("2026-01-08T00:00")) == [
        (utc("2026-01-07T00:00"), utc("2026-01-07T12:00"))]


def test_instants_in_any_offset_answer_in_utc():
    bogota = datetime(2026, 1, 5, 16, 0, tzinfo=timezone(timedelta(hours=-5)))  # 21:00Z
    listed = shifts(TWO_LAYERS, (), bogota, bogota + timedelta(hours=1))
    assert [(s.start, s.start.utcoffset(), s.user_id) for s in listed] == [(utc("2026-01-05T21:00"), timedelta(0), 5)]
    assert on_call(TWO_LAYERS, (), bogota) == [5]


def test_an_empty_window_has_no_shifts():
    assert shifts(TWO_LAYERS, (), utc("2026-01-05T00:00"), utc("2026-01-05T00:00")) == []


@pytest.mark.parametrize("call, message", [
    (lambda: on_call(TWO_LAYERS, (), datetime(2026, 1, 5)), "timezone-aware"),
    (lambda: shifts(TWO_LAYERS, (), utc("2026-01-06T00:00"), utc("2026-01-05T00:00")), "before start"),
    (lambda: version("2026-01-05T09:00", "months"), "shift unit"),
    (lambda: version("2026-01-05T09:00", "days", 0), "positive whole number"),
    (lambda: version("2026-01-05T09:00", members=()), "at least one member"),
    (lambda: LayerVersion(None, utc("2026-01-05T09:00"), "days", 1, (1,)), "without an offset"),
    (lambda: Layer("l", ()), "no versions"),
    (lambda: Layer("l", (version("2026-01-05T09:00"), version("2026-01-05T09:00"))), "increasing"),
    (lambda: Rotation("Mars/Olympus_Mons", ()), "unknown timezone"),
    (lambda: Override(1, 1, utc("2026-01-05T09:00"), utc("2026-01-05T09:00")), "end after it starts"),
    (lambda: WeeklyWindow(set(), time(9), time(17)), "needs days"),
    (lambda: WeeklyWindow({7}, time(9), time(17)), "needs days"),
])
def test_bad_input_is_a_value_error_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()
