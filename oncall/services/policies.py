"""Escalation policies, and the snapshot an incident keeps of its policy."""
from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule.escalation import LevelSpec, PolicySpec, Target
from oncall.schemas.policies import LevelIn, LevelOut, PolicyCreate, PolicyOut, PolicyUpdate, TargetOut
from oncall.services import audit, teams
from oncall.services.errors import Invalid, NotFound, patch_changes
from oncall.store.models import EscalationLevel, EscalationPolicy, EscalationTarget, Rotation, Team, User

_TARGET_TABLES = {"rotation": Rotation, "user": User, "team": Team}


def get(*, session: Session, policy_id: int) -> EscalationPolicy:
    policy = session.get(EscalationPolicy, policy_id)
    if policy is None:
        raise NotFound(f"escalation policy {policy_id} not found")
    return policy


def list_(*, session: Session, team_id: int | None = None) -> list[EscalationPolicy]:
    query = select(EscalationPolicy).order_by(EscalationPolicy.id)
    if team_id is not None:
        query = query.where(EscalationPolicy.team_id == team_id)
    return list(session.execute(query).scalars())


def _levels(session: Session, policy_id: int) -> list[tuple[EscalationLevel, list[EscalationTarget]]]:
    levels = session.execute(select(EscalationLevel).where(EscalationLevel.policy_id == policy_id)
                             .order_by(EscalationLevel.position)).scalars().all()
    targets = session.execute(select(EscalationTarget).where(EscalationTarget.level_id.in_([lv.id for lv in levels]))
                              .order_by(EscalationTarget.position)).scalars().all() if levels else []
    by_level: dict[int, list[EscalationTarget]] = {}
    for target in targets:
        by_level.setdefault(target.level_id, []).append(target)
    return [(level, by_level.get(level.id, [])) for level in levels]


def to_out(*, session: Session, policy: EscalationPolicy) -> PolicyOut:
    return PolicyOut(
        id=policy.id, team_id=policy.team_id, name=policy.name, repeat=policy.repeat,
        page_during_business_hours=policy.page_during_business_hours, created_at=policy.created_at,
        levels=[LevelOut(ack_timeout_seconds=lv.ack_timeout_seconds, channels=lv.channels,
                         has_pagerduty_routing_key=bool(lv.pagerduty_routing_key),
                         targets=[TargetOut(type=t.type, id=t.target_id) for t in ts])
                for lv, ts in _levels(session, policy.id)],
    )


def _check_targets(session: Session, levels: list[LevelIn]) -> None:
    details = []
    for i, level in enumerate(levels):
        for j, target in enumerate(level.targets):
            if session.get(_TARGET_TABLES[target.type], target.id) is None:
                details.append({"field": f"levels.{i}.targets.{j}.id", "message": f"unknown {target.type} {target.id}"})
    if details:
        raise Invalid("; ".join(f"{d['field']}: {d['message']}" for d in details), details)


def _write_levels(session: Session, policy_id: int, levels: list[LevelIn]) -> None:
    old = list(session.execute(select(EscalationLevel.id).where(EscalationLevel.policy_id == policy_id)).scalars())
    if old:
        session.execute(sql_delete(EscalationTarget).where(EscalationTarget.level_id.in_(old)))
        session.execute(sql_delete(EscalationLevel).where(EscalationLevel.id.in_(old)))
    for position, level in enumerate(levels):
        row = EscalationLevel(policy_id=policy_id, position=position, ack_timeout_seconds=level.ack_timeout_seconds,
                              channels=list(level.channels), pagerduty_routing_key=level.pagerduty_routing_key)
        session.add(row)
        session.flush()
        for tpos, target in enumerate(level.targets):
            session.add(EscalationTarget(level_id=row.id, position=tpos, type=target.type, target_id=target.id))


def create(*, session: Session, data: PolicyCreate, actor: str) -> EscalationPolicy:
    teams.get(session=session, team_id=data.team_id)
    _check_targets(session, data.levels)
    policy = EscalationPolicy(team_id=data.team_id, name=data.name, repeat=data.repeat,
                              page_during_business_hours=data.page_during_business_hours)
    session.add(policy)
    session.flush()
    _write_levels(session, policy.id, data.levels)
    session.flush()
    audit.record(session, actor=actor, action="policy.create", object_type="escalation_policy", object_id=policy.id,
                 after=to_out(session=session, policy=policy).model_dump(mode="json"))
    session.commit()
    return policy


def update(*, session: Session, policy_id: int, data: PolicyUpdate, actor: str) -> EscalationPolicy:
    """Edits never reshape a running escalation: incidents keep their snapshot."""
    policy = get(session=session, policy_id=policy_id)
    before = to_out(session=session, policy=policy).model_dump(mode="json")
    changes = patch_changes(data, ("name", "repeat", "page_during_business_hours", "levels"))
    if data.levels is not None:
        _check_targets(session, data.levels)
        _write_levels(session, policy.id, data.levels)
    for key in ("name", "repeat", "page_during_business_hours"):
        if key in changes:
            setattr(policy, key, changes[key])
    session.flush()
    audit.record(session, actor=actor, action="policy.update", object_type="escalation_policy", object_id=policy.id,
                 before=before, after=to_out(session=session, policy=policy).model_dump(mode="json"))
    session.commit()
    return policy


def delete(*, session: Session, policy_id: int, actor: str) -> None:
    policy = get(session=session, policy_id=policy_id)
    before = to_out(session=session, policy=policy).model_dump(mode="json")
    audit.delete_row(session, policy, actor=actor, action="policy.delete", object_type="escalation_policy",
                     object_id=policy_id, before=before, in_use=f"escalation policy {policy_id} is used by an integration")


def snapshot(*, session: Session, policy_id: int) -> dict:
    """The policy as an incident keeps it: later edits do not reshape a running escalation."""
    policy = get(session=session, policy_id=policy_id)
    team = session.get(Team, policy.team_id)
    return {
        "policy_id": policy.id,
        "name": policy.name,
        "repeat": policy.repeat,
        "page_during_business_hours": policy.page_during_business_hours,
        "levels": [{
            "ack_timeout_seconds": lv.ack_timeout_seconds,
            "channels": list(lv.channels),
            "routing_key": lv.pagerduty_routing_key or (team.pagerduty_routing_key if team else None),
            "targets": [{"type": t.type, "id": t.target_id} for t in ts],
        } for lv, ts in _levels(session, policy.id)],
    }


def spec_from_snapshot(snap: dict) -> PolicySpec:
    return PolicySpec(
        levels=tuple(LevelSpec(ack_timeout_seconds=lv["ack_timeout_seconds"], channels=tuple(lv["channels"]),
                               targets=tuple(Target(t["type"], t["id"]) for t in lv["targets"]),
                               routing_key=lv.get("routing_key")) for lv in snap.get("levels", [])),
        repeat=snap.get("repeat", 0),
        page_during_business_hours=snap.get("page_during_business_hours", False),
    )
