"""Rotations: create, read, effective-dated edits that never reshuffle, delete; overrides."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule import rotation as core
from oncall.schedule.wall import zone
from oncall.schemas.rotations import (LayerChange, LayerIn, LayerOut, LayerVersionOut, OverrideCreate, RestrictionOut,
                                      RotationCreate, RotationOut, RotationUpdate)
from oncall.services import audit, coverage, teams
from oncall.services.errors import Invalid, NotFound
from oncall.store.models import Layer, LayerMember, LayerVersion, Override, Rotation, User

def get(*, session: Session, rotation_id: int) -> Rotation:
    rotation = session.get(Rotation, rotation_id)
    if rotation is None:
        raise NotFound(f"rotation {rotation_id} not found")
    return rotation


def list_(*, session: Session, team_id: int | None = None) -> list[Rotation]:
    query = select(Rotation).order_by(Rotation.id)
    if team_id is not None:
        query = query.where(Rotation.team_id == team_id)
    return list(session.execute(query).scalars())


def _layers(session: Session, rotation_id: int) -> list[Layer]:
    return list(session.execute(select(Layer).where(Layer.rotation_id == rotation_id).order_by(Layer.position)).scalars())


def _versions(session: Session, layer_id: int) -> list[tuple[LayerVersion, list[int]]]:
    rows = session.execute(select(LayerVersion).where(LayerVersion.layer_id == layer_id)
                           .order_by(LayerVersion.id)).scalars().all()
    members: dict[int, list[int]] = {row.id: [] for row in rows}
    if rows:
        for version_id, user_id in session.execute(
                select(LayerMember.layer_version_id, LayerMember.user_id)
                .where(LayerMember.layer_version_id.in_(list(members)))
                .order_by(LayerMember.layer_version_id, LayerMember.position)).all():
            members[version_id].append(user_id)
    return [(row, members[row.id]) for row in rows]


def _version_out(row: LayerVersion, members: list[int]) -> LayerVersionOut:
    return LayerVersionOut(effective_from=row.effective_from, members=members, shift_unit=row.shift_unit,
                           shift_count=row.shift_count, handoff=row.handoff, member_offset=row.member_offset,
                           restrictions=[RestrictionOut(**r) for r in row.restrictions])


def to_out(*, session: Session, rotation: Rotation) -> RotationOut:
    layers = []
    for layer in _layers(session, rotation.id):
        versions = [_version_out(row, members) for row, members in _versions(session, layer.id)]
        layers.append(LayerOut(id=layer.id, name=layer.name, position=layer.position, current=versions[-1],
                               versions=versions))
    return RotationOut(id=rotation.id, team_id=rotation.team_id, name=rotation.name, timezone=rotation.timezone,
                       layers=layers, created_at=rotation.created_at)


def _check_members(session: Session, field: str, members: list[int]) -> None:
    found = set(session.execute(select(User.id).where(User.id.in_(members))).scalars())
    missing = [m for m in members if m not in found]
    if missing:
        raise Invalid.field(field, f"unknown user ids {missing}")


def _restrictions(windows) -> list[dict]:
    return [w.model_dump() for w in windows]


def _add_version(session: Session, layer_id: int, version: core.LayerVersion, restrictions: list[dict]) -> None:
    row = LayerVersion(layer_id=layer_id, effective_from=version.effective_from,
                       handoff=version.handoff.isoformat(timespec="seconds"), handoff_fold=version.handoff.fold,
                       shift_unit=version.shift_unit, shift_count=version.shift_count,
                       member_offset=version.member_offset, restrictions=restrictions)
    session.add(row)
    session.flush()
    for position, user_id in enumerate(version.members):
        session.add(LayerMember(layer_version_id=row.id, position=position, user_id=user_id))


def _first_version(layer: LayerIn, effective_from: datetime | None) -> core.LayerVersion:
    unit, count = layer.shift
    return core.LayerVersion(effective_from=effective_from, handoff=datetime.fromisoformat(layer.handoff),
                             shift_unit=unit, shift_count=count, members=tuple(layer.members),
                             restrictions=tuple(coverage.window(w.days, w.start, w.end) for w in layer.restrictions))


def create(*, session: Session, data: RotationCreate, actor: str) -> Rotation:
    teams.get(session=session, team_id=data.team_id)
    for i, layer in enumerate(data.layers):
        _check_members(session, f"layers.{i}.members", layer.members)
    rotation = Rotation(team_id=data.team_id, name=data.name, timezone=data.timezone)
    session.add(rotation)
    session.flush()
    for position, layer_in in enumerate(data.layers):
        layer = Layer(rotation_id=rotation.id, name=layer_in.name, position=position)
        session.add(layer)
        session.flush()
        _add_version(session, layer.id, _first_version(layer_in, None), _restrictions(layer_in.restrictions))
    session.flush()
    audit.record(session, actor=actor, action="rotation.create", object_type="rotation", object_id=rotation.id,
                 after=to_out(session=session, rotation=rotation).model_dump(mode="json"))
    session.commit()
    return rotation


def _change(session: Session, rotation: Rotation, layer: Layer, index: int, change: LayerChange,
            effective_at: datetime, at_next_handoff: bool) -> None:
    rows = _versions(session, layer.id)
    old_row, old_members = rows[-1]
    old = coverage.core_version(old_row, old_members)
    tz = zone(rotation.timezone)
    if at_next_handoff:
        effective_at = core.next_handoff(old, tz, effective_at)
    if old.effective_from is not None and effective_at <= old.effective_from:
        raise Invalid.field("effective_at", f"layer {layer.name!r} already changes at {old.effective_from.isoformat()}; "
                                            "a new change must take effect after it")
    if change.members is not None:
        _check_members(session, f"layers.{index}.members", change.members)
    unit, count = change.shift
    restrictions = None if change.restrictions is None else tuple(
        coverage.window(w.days, w.start, w.end) for w in change.restrictions)
    new = core.continue_version(
        old, tz, effective_at, members=tuple(change.members) if change.members is not None else None,
        shift_unit=unit, shift_count=count, restrictions=restrictions,
        handoff=datetime.fromisoformat(change.handoff) if change.handoff else None)
    _add_version(session, layer.id, new,
                 old_row.restrictions if change.restrictions is None else _restrictions(change.restrictions))


def update(*, session: Session, rotation_id: int, data: RotationUpdate, actor: str, now: datetime) -> Rotation:
    """Layer edits take effect from ``effective_at`` (default now); the past never changes."""
    rotation = get(session=session, rotation_id=rotation_id)
    before = to_out(session=session, rotation=rotation).model_dump(mode="json")
    effective_at = data.effective_at or now
    if effective_at < now:
        raise Invalid.field("effective_at", "must not be in the past: past shifts stay exactly as they were")
    if data.name is not None:
        rotation.name = data.name
    layers = {layer.name: layer for layer in _layers(session, rotation.id)}
    for index, change in enumerate(data.layers or []):
        layer = layers.get(change.name)
        if layer is None:
            layer = _new_layer(session, rotation, index, change, effective_at, len(layers))
            layers[layer.name] = layer
            continue
        _change(session, rotation, layer, index, change, effective_at, data.at_next_handoff)
    session.flush()
    audit.record(session, actor=actor, action="rotation.update", object_type="rotation", object_id=rotation.id,
                 before=before, after=to_out(session=session, rotation=rotation).model_dump(mode="json"))
    session.commit()
    return rotation


def _new_layer(session: Session, rotation: Rotation, index: int, change: LayerChange, effective_at: datetime,
               position: int) -> Layer:
    """A layer added by an edit, on top, covering from ``effective_at`` on."""
    unit, count = change.shift
    missing = [name for name, value in (("members", change.members), ("shift length", unit), ("handoff", change.handoff))
               if value is None]
    if missing:
        raise Invalid.field(f"layers.{index}", f"a new layer needs {', '.join(missing)}")
    _check_members(session, f"layers.{index}.members", change.members)
    layer_in = LayerIn(name=change.name, members=change.members, handoff=change.handoff,
                       restrictions=change.restrictions or [], **{f"shift_{unit}": count})
    layer = Layer(rotation_id=rotation.id, name=change.name, position=position)
    session.add(layer)
    session.flush()
    _add_version(session, layer.id, _first_version(layer_in, effective_at), _restrictions(layer_in.restrictions))
    return layer


def delete(*, session: Session, rotation_id: int, actor: str) -> None:
    rotation = get(session=session, rotation_id=rotation_id)
    before = to_out(session=session, rotation=rotation).model_dump(mode="json")
    session.delete(rotation)
    session.flush()
    audit.record(session, actor=actor, action="rotation.delete", object_type="rotation", object_id=rotation_id,
                 before=before)
    session.commit()


def add_override(*, session: Session, rotation_id: int, data: OverrideCreate, actor: str, now: datetime) -> Override:
    get(session=session, rotation_id=rotation_id)
    _check_members(session, "user_id", [data.user_id])
    override = Override(rotation_id=rotation_id, user_id=data.user_id, start=data.start, end=data.end, created_at=now)
    session.add(override)
    session.flush()
    audit.record(session, actor=actor, action="override.create", object_type="override", object_id=override.id,
                 after={"rotation_id": rotation_id, "user_id": data.user_id, "start": data.start.isoformat(),
                        "end": data.end.isoformat()})
    session.commit()
    return override


def list_overrides(*, session: Session, rotation_id: int, start: datetime | None = None,
                   end: datetime | None = None) -> list[Override]:
    get(session=session, rotation_id=rotation_id)
    query = select(Override).where(Override.rotation_id == rotation_id).order_by(Override.start, Override.id)
    if start is not None:
        query = query.where(Override.end > start)
    if end is not None:
        query = query.where(Override.start < end)
    return list(session.execute(query).scalars())


def delete_override(*, session: Session, rotation_id: int, override_id: int, actor: str) -> None:
    override = session.get(Override, override_id)
    if override is None or override.rotation_id != rotation_id:
        raise NotFound(f"override {override_id} not found in rotation {rotation_id}")
    before = {"rotation_id": rotation_id, "user_id": override.user_id, "start": override.start.isoformat(),
              "end": override.end.isoformat()}
    session.delete(override)
    audit.record(session, actor=actor, action="override.delete", object_type="override", object_id=override_id,
                 before=before)
    session.commit()


def shifts(*, session: Session, rotation_id: int, start: datetime, end: datetime) -> list[core.Shift]:
    get(session=session, rotation_id=rotation_id)
    loaded = coverage.load_rotations(session, [rotation_id])[rotation_id]
    return core.shifts(loaded, coverage.overrides(session, rotation_id, start, end), start, end)
