"""Tick step: record SLA breaches as they happen.

An incident still unacknowledged past its team's acknowledge target, or unresolved past
its resolve target, gets one breach row per kind (the unique (incident, kind) makes a
repeated or concurrent tick a no-op) and an ``sla_breach`` entry on its timeline.
Incidents acknowledged or resolved late while no engine ran are not recorded here; the
reports count those from their timestamps.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from oncall.schemas.types import format_instant
from oncall.services import timeline
from oncall.store.models import Incident, IncidentStatus, SlaBreach, SlaTarget
from oncall.store.sql import seconds_between

BATCH = 500
_OPEN = {
    "acknowledge": (SlaTarget.acknowledge_seconds, (IncidentStatus.triggered.value,)),
    "resolve": (SlaTarget.resolve_seconds, (IncidentStatus.triggered.value, IncidentStatus.acknowledged.value)),
}


def _overdue(session: Session, kind: str, now: datetime):
    target, statuses = _OPEN[kind]
    marked = exists().where(SlaBreach.incident_id == Incident.id, SlaBreach.kind == kind)
    return session.execute(
        select(Incident.id, Incident.team_id, Incident.severity, Incident.created_at, target)
        .join(SlaTarget, and_(SlaTarget.team_id == Incident.team_id, SlaTarget.severity == Incident.severity))
        .where(Incident.status.in_(statuses), target.is_not(None),
               seconds_between(Incident.created_at, now) > target, ~marked)
        .order_by(Incident.id).limit(BATCH)).all()


def _insert(session: Session, **values) -> bool:
    """Insert a breach row unless another worker already did."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(SlaBreach).values(**values).on_conflict_do_nothing(index_elements=["incident_id", "kind"])
                 .returning(SlaBreach.id))  # rowcount is not reliable through the ORM session on psycopg
    return session.execute(statement).scalar() is not None


def record_breaches(session: Session, now: datetime) -> int:
    """Record every breach due by ``now`` (up to a batch per kind) and commit; returns how many."""
    recorded = 0
    for kind in _OPEN:
        for incident_id, team_id, severity, created_at, seconds in _overdue(session, kind, now):
            due = created_at + timedelta(seconds=seconds)
            if not _insert(session, incident_id=incident_id, team_id=team_id, severity=severity, kind=kind,
                           target_seconds=seconds, due_at=due, recorded_at=now):
                continue
            timeline.add(session, incident_id=incident_id, kind="sla_breach", actor="engine", at=now,
                         message=f"SLA breached: not {kind}d within {timedelta(seconds=seconds)} ({severity})",
                         data={"kind": kind, "target_seconds": seconds, "due_at": format_instant(due)})
            recorded += 1
    session.commit()
    return recorded
