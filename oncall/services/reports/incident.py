"""The evidence an auditor asks for about one incident: the ticket, its timeline, its pages,
and where its audit entries sit in the hash chain (and whether the chain verifies)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from oncall.services import audit, audit_log, incidents, teams, timeline
from oncall.store.models import AuditEntry, Incident, Notification, Team, TimelineEntry, User


@dataclass(frozen=True)
class Evidence:
    incident: Incident
    team: Team
    acknowledged_by: User | None
    timeline: list[TimelineEntry]
    notifications: list[tuple[Notification, str | None]]  # with the recipient's name, in queued order
    audit_entries: list[AuditEntry]
    chain: audit.Verification


def evidence(*, session: Session, incident_id: int) -> Evidence:
    incident = incidents.get(session=session, incident_id=incident_id)
    names = dict(session.execute(select(User.id, User.name).join(Notification, Notification.user_id == User.id)
                                 .where(Notification.incident_id == incident.id)).all())
    return Evidence(
        incident=incident, team=teams.get(session=session, team_id=incident.team_id),
        acknowledged_by=session.get(User, incident.acknowledged_by) if incident.acknowledged_by else None,
        timeline=timeline.of(session, incident.id),
        notifications=[(n, names.get(n.user_id)) for n in incidents.notifications(session, incident.id)],
        audit_entries=audit_log.about(session=session, object_type="incident", object_id=incident.id),
        chain=audit.verify(session))
