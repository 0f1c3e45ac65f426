"""SLA targets per team and severity, and the breaches recorded against them."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from oncall import clock
from oncall.schemas.sla import BreachQuery, SlaTargetOut, SlaTargetsIn, SlaTargetsOut
from oncall.services import audit, teams
from oncall.store.models import SlaBreach, SlaTarget

KINDS = ("acknowledge", "resolve")


def targets(*, session: Session, team_id: int) -> SlaTargetsOut:
    teams.get(session=session, team_id=team_id)
    rows = session.execute(select(SlaTarget).where(SlaTarget.team_id == team_id)
                           .order_by(SlaTarget.severity)).scalars()
    return SlaTargetsOut(team_id=team_id, targets=[SlaTargetOut.model_validate(r) for r in rows])


def set_targets(*, session: Session, team_id: int, data: SlaTargetsIn, actor: str) -> SlaTargetsOut:
    """Replace the team's targets; audited with before and after."""
    before = targets(session=session, team_id=team_id)
    session.execute(delete(SlaTarget).where(SlaTarget.team_id == team_id))
    now = clock.now()
    for target in data.targets:
        session.add(SlaTarget(team_id=team_id, severity=target.severity, updated_at=now,
                              acknowledge_seconds=target.acknowledge_seconds, resolve_seconds=target.resolve_seconds))
    session.flush()
    after = targets(session=session, team_id=team_id)
    audit.record(session, actor=actor, action="sla.put", object_type="team", object_id=team_id,
                 before=before.model_dump(mode="json"), after=after.model_dump(mode="json"))
    session.commit()
    return after


def breaches(*, session: Session, query: BreachQuery) -> list[SlaBreach]:
    """Recorded breaches, most recent first, by the instant the target was missed."""
    statement = select(SlaBreach).order_by(SlaBreach.due_at.desc(), SlaBreach.id.desc())
    if query.team_id is not None:
        statement = statement.where(SlaBreach.team_id == query.team_id)
    if query.since is not None:
        statement = statement.where(SlaBreach.due_at >= query.since)
    if query.until is not None:
        statement = statement.where(SlaBreach.due_at < query.until)
    return list(session.execute(statement.limit(query.limit).offset(query.offset)).scalars())
