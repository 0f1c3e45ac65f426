"""Editing a layer without reshuffling: past shifts stay, the person on call stays on call."""
from datetime import timedelta

import pytest

from oncall.schedule.rotation import (Layer, Rotation, continue_version, next_handoff, on_call, shift_start,
                                      shifts)
from tests.schedule.helpers import utc, version, wall

TZ = "America/New_York"
OLD = version("2026-01-05T09:00", members=(1, 2, 3, 4))  # daily at 09:00 (13:00Z in EDT)
EDIT = utc("2026-03-12T18:00")  # 14:00 EDT, mid-shift 66 (66 mod 4 = 2: user 3 is on call)


def edited(new):
    return Rotation(TZ, (Layer("primary", (OLD, new)),))


def handoff_users(r, first: str, count: int) -> list[int]:
    """Who is on call just after each of ``count`` daily 13:00Z hand-offs from ``first``."""
    return [on_call(r, (), utc(first) + timedelta(days=d, minutes=1))[0] for d in range(count)]


@pytest.mark.parametrize("members, after_edit, following", [
    pytest.param((4, 3, 2, 1), 3, [2, 1, 4, 3], id="reordered: 3 stays, then the new order"),
    pytest.param((1, 2, 3, 4, 5), 3, [4, 5, 1, 2, 3], id="added 5: 3 stays, 5 joins after 4"),
    pytest.param((1, 3, 4), 3, [4, 1, 3], id="removed 2: 3 stays"),
    pytest.param((1, 2, 4), 4, [1, 2, 4], id="removed the person on call: the next one takes over now"),
    pytest.param((7, 8), 7, [8, 7], id="nobody left: the first new member takes over"),
])
def test_member_edits_mid_shift(members, after_edit, following):
    r = edited(continue_version(OLD, TZ, EDIT, members=members))
    before = Rotation(TZ, (Layer("primary", (OLD,)),))
    assert shifts(r, (), utc("2026-02-01T00:00"), EDIT) == shifts(before, (), utc("2026-02-01T00:00"), EDIT)
    assert on_call(before, (), EDIT - timedelta(seconds=1)) == [3]
    assert on_call(r, (), EDIT) == on_call(r, (), utc("2026-03-13T12:59")) == [after_edit]
    assert handoff_users(r, "2026-03-13T13:00", len(following)) == following


def test_seven_days_and_one_week_are_the_same_grid():
    seven_days = version("2026-01-05T09:00", "days", 7, members=(1, 2, 3))
    new = continue_version(seven_days, TZ, EDIT, shift_unit="weeks", shift_count=1)
    assert new.handoff == seven_days.handoff
    assert on_call(Rotation(TZ, (Layer("primary", (seven_days, new)),)), (), EDIT) == [1]  # week 9


@pytest.mark.parametrize("unit, count, after_fall_back", [
    pytest.param("days", 1, "2026-11-02T14:00", id="same length: the daily grid stays at 09:00"),
    pytest.param("hours", 24, "2026-11-02T13:00", id="24 hours is absolute: 08:00 EST after the change"),
])
def test_a_day_is_not_24_hours(unit, count, after_fall_back):
    new = continue_version(OLD, TZ, EDIT, shift_unit=unit, shift_count=count)
    assert next_handoff(new, TZ, utc("2026-11-02T00:00")) == utc(after_fall_back)
    assert on_call(edited(new), (), EDIT) == [3]


def test_longer_shifts_start_at_the_shift_in_progress():
    r = edited(continue_version(OLD, TZ, EDIT, shift_unit="weeks", shift_count=1))
    new = r.layers[0].versions[1]
    assert shift_start(new, TZ, EDIT) == utc("2026-03-12T13:00")
    assert on_call(r, (), utc("2026-03-19T12:59")) == [3]   # 3 keeps the shift for the whole new week
    assert on_call(r, (), utc("2026-03-19T13:00")) == [4]
    assert on_call(r, (), utc("2026-03-26T13:00")) == [1]


def test_shorter_shifts_keep_the_person_until_the_next_new_handoff():
    weekly = version("2026-01-05T09:00", "weeks", 1, members=(1, 2, 3))  # Monday 2026-03-09 starts week 9: user 1
    new = continue_version(weekly, TZ, EDIT, shift_unit="hours", shift_count=12)
    r = Rotation(TZ, (Layer("primary", (weekly, new)),))
    assert shift_start(new, TZ, EDIT) == utc("2026-03-12T13:00")  # Monday 13:00Z + 6 × 12h
    assert on_call(r, (), EDIT) == on_call(r, (), utc("2026-03-13T00:59")) == [1]
    assert on_call(r, (), utc("2026-03-13T01:00")) == [2]
    assert on_call(r, (), utc("2026-03-13T13:00")) == [3]


def test_a_new_length_starting_in_the_repeated_hour_keeps_its_instant():
    # 12h shifts from 14:30 EDT hand off at 06:30Z on 2026-11-01: 01:30 on the second (EST) pass.
    twelve = version("2026-10-31T14:30", "hours", 12, members=(1, 2))
    new = continue_version(twelve, TZ, utc("2026-11-01T08:00"), shift_count=8)
    assert new.handoff == wall("2026-11-01T01:30") and new.handoff.fold == 1
    assert next_handoff(new, TZ, utc("2026-11-01T08:00")) == utc("2026-11-01T14:30")


def test_an_explicit_handoff_restarts_the_grid_with_the_first_member():
    new = continue_version(OLD, TZ, EDIT, members=(4, 3), handoff=wall("2026-03-14T09:00"))
    r = edited(new)
    assert on_call(r, (), EDIT) == []   # nobody until the new first hand-off
    assert on_call(r, (), utc("2026-03-14T13:00")) == [4]
    assert on_call(r, (), utc("2026-03-15T13:00")) == [3]


def test_an_edit_before_the_first_handoff_keeps_the_first_person_first():
    future = version("2026-04-01T09:00", members=(1, 2, 3))
    r = Rotation(TZ, (Layer("primary", (future, continue_version(future, TZ, EDIT, members=(3, 2, 1)))),))
    assert on_call(r, (), utc("2026-04-01T12:59")) == []
    assert handoff_users(r, "2026-04-01T13:00", 3) == [1, 3, 2]


@pytest.mark.parametrize("effective_at", ["2026-03-12T18:00", "2026-03-10T00:00"])
def test_a_version_cannot_take_effect_before_the_one_it_continues(effective_at):
    later = continue_version(OLD, TZ, EDIT, members=(1, 2))
    with pytest.raises(ValueError, match="after the version it continues"):
        continue_version(later, TZ, utc(effective_at))
