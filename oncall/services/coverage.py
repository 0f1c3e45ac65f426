"""Who covers when: database rows turned into the pure core's data, and the answers.

The engine, the API and the simulator all ask here, so they cannot disagree.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays as holiday_calendars
from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule import rotation as core
from oncall.schedule.hours import BusinessHours as CoreHours
from oncall.schedule.hours import is_business_hours
from oncall.schedule.windows import WeeklyWindow, parse_hhmm
from oncall.store.models import (BusinessHours, BusinessWindow, Holiday, Layer, LayerMember, LayerVersion, Override,
                                 Rotation, TeamMember)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def window(days: list[str] | str, start: str, end: str) -> WeeklyWindow:
    names = days.split(",") if isinstance(days, str) else days
    return WeeklyWindow(frozenset(DAY_NAMES.index(d) for d in names), parse_hhmm(start), parse_hhmm(end, end=True))


def core_version(row: LayerVersion, members: list[int]) -> core.LayerVersion:
    handoff = datetime.fromisoformat(row.handoff).replace(fold=row.handoff_fold)
    return core.LayerVersion(
        effective_from=row.effective_from, handoff=handoff, shift_unit=row.shift_unit, shift_count=row.shift_count,
        members=tuple(members), member_offset=row.member_offset,
        restrictions=tuple(window(r["days"], r["start"], r["end"]) for r in row.restrictions))


def load_rotations(session: Session, rotation_ids: list[int]) -> dict[int, core.Rotation]:
    """The core view of several rotations, in three queries whatever their size."""
    if not rotation_ids:
        return {}
    rotations = {r.id: r for r in session.execute(select(Rotation).where(Rotation.id.in_(rotation_ids))).scalars()}
    layers = session.execute(select(Layer).where(Layer.rotation_id.in_(rotations)).order_by(Layer.position)).scalars().all()
    versions = session.execute(select(LayerVersion).where(LayerVersion.layer_id.in_([lay.id for lay in layers]))
                               .order_by(LayerVersion.id)).scalars().all() if layers else []
    members: dict[int, list[int]] = {}
    if versions:
        rows = session.execute(select(LayerMember).where(LayerMember.layer_version_id.in_([v.id for v in versions]))
                               .order_by(LayerMember.layer_version_id, LayerMember.position)).scalars()
        for row in rows:
            members.setdefault(row.layer_version_id, []).append(row.user_id)
    by_layer: dict[int, list[core.LayerVersion]] = {}
    for version in versions:
        by_layer.setdefault(version.layer_id, []).append(core_version(version, members.get(version.id, [])))
    result: dict[int, list[core.Layer]] = {rid: [] for rid in rotations}
    for layer in layers:
        ordered = sorted(by_layer.get(layer.id, []), key=lambda v: (v.effective_from is not None, v.effective_from))
        if ordered:
            result[layer.rotation_id].append(core.Layer(layer.name, tuple(ordered)))
    return {rid: core.Rotation(rotations[rid].timezone, tuple(layers_)) for rid, layers_ in result.items()}


def overrides(session: Session, rotation_id: int, start: datetime, end: datetime) -> tuple[core.Override, ...]:
    """Overrides of a rotation that overlap [start, end)."""
    rows = session.execute(select(Override).where(Override.rotation_id == rotation_id, Override.start < end,
                                                  Override.end > start).order_by(Override.id)).scalars()
    return tuple(core.Override(o.id, o.user_id, o.start, o.end) for o in rows)


def on_call_many(session: Session, rotation_ids: list[int], at: datetime) -> dict[int, list[int]]:
    """Who each rotation puts on call at ``at``; a rotation that no longer exists has nobody."""
    loaded = load_rotations(session, rotation_ids)
    instant = (at, at + timedelta(microseconds=1))  # the overrides covering [at, at]
    return {rid: core.on_call(loaded[rid], overrides(session, rid, *instant), at) if rid in loaded else []
            for rid in rotation_ids}


def on_call(session: Session, rotation_id: int, at: datetime) -> list[int]:
    return on_call_many(session, [rotation_id], at)[rotation_id]


def team_members(session: Session, team_id: int) -> list[int]:
    return list(session.execute(select(TeamMember.user_id).where(TeamMember.team_id == team_id)
                                .order_by(TeamMember.user_id)).scalars())


def recipients(session: Session, targets, at: datetime) -> list[int]:
    """The users a level's targets resolve to at ``at`` (rotation's on-call, a user, a whole team)."""
    users: list[int] = []
    for target in targets:
        if target.type == "rotation":
            users += on_call(session, target.id, at)
        elif target.type == "user":
            users.append(target.id)
        elif target.type == "team":
            users += team_members(session, target.id)
    return list(dict.fromkeys(users))


@lru_cache(maxsize=256)
def country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holiday_calendars.country_holidays(country, subdiv=subdivision, years=year).keys())


def business_hours(session: Session, team_id: int, around: datetime) -> CoreHours | None:
    """The team's business hours with the holidays of the years around ``around``; None: none set."""
    row = session.get(BusinessHours, team_id)
    if row is None:
        return None
    windows = session.execute(select(BusinessWindow).where(BusinessWindow.team_id == team_id)
                              .order_by(BusinessWindow.id)).scalars()
    days = set(session.execute(select(Holiday.day).where(Holiday.team_id == team_id)).scalars())
    if row.holiday_country:
        for year in range(around.year - 1, around.year + 3):
            days |= country_holidays(row.holiday_country, row.holiday_subdivision, year)
    return CoreHours(row.timezone, tuple(window(w.days, w.start, w.end) for w in windows), frozenset(days))


def in_business_hours(session: Session, team_id: int, at: datetime) -> bool:
    hours = business_hours(session, team_id, at)
    return hours is not None and is_business_hours(hours, at)
