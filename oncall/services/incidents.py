"""Incidents: open, acknowledge, resolve; each change is on the timeline and in the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from oncall.schemas.incidents import IncidentDetail, IncidentOut, IncidentQuery, NotificationOut, TimelineOut
from oncall.services import audit, outbox, timeline, writeback
from oncall.services.errors import Invalid, NotFound
from oncall.store.models import Incident, IncidentStatus, Notification, NotificationStatus, User

ACK_PATHS = ("link", "sms", "pagerduty", "api", "ui", "integration")


def get(*, session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    return incident


def list_(*, session: Session, query: IncidentQuery) -> list[Incident]:
    statement = select(Incident).order_by(Incident.created_at.desc(), Incident.id.desc())
    for name in ("status", "team_id", "severity", "source"):
        value = getattr(query, name)
        if value is not None:
            statement = statement.where(getattr(Incident, name) == value)
    return list(session.execute(statement.limit(query.limit).offset(query.offset)).scalars())


def notifications(session: Session, incident_id: int) -> list[Notification]:
    query = select(Notification).where(Notification.incident_id == incident_id).order_by(Notification.id)
    return list(session.execute(query).scalars())


def detail(*, session: Session, incident: Incident) -> IncidentDetail:
    return IncidentDetail(
        **IncidentOut.model_validate(incident).model_dump(), details=incident.details,
        timeline=[TimelineOut.model_validate(e) for e in timeline.of(session, incident.id)],
        notifications=[NotificationOut.model_validate(n) for n in notifications(session, incident.id)])


def _who(session: Session, user_id: int | None, via: str) -> str:
    if user_id is None:
        return f"via {via}"
    user = session.get(User, user_id)
    return f"{user.name if user else f'user {user_id}'} via {via}"


def _mirror_to_pagerduty(session: Session, incident: Incident, kind: str, now: datetime) -> None:
    """Tell PagerDuty (same dedup key) when it was paged for this incident.

    One mirror per level that paged PagerDuty, so each goes to the routing key (service)
    that level used.
    """
    levels = session.execute(select(Notification.level).where(
        Notification.incident_id == incident.id, Notification.channel == "pagerduty",
        Notification.kind == "trigger",
        Notification.status.in_([NotificationStatus.sending.value, NotificationStatus.sent.value,
                                 NotificationStatus.delivered.value])).distinct()).scalars().all()
    snapshot_levels = incident.policy_snapshot.get("levels", [])
    routing_keys: dict[str | None, int] = {}
    for level in sorted(levels):
        key = snapshot_levels[level - 1].get("routing_key") if 0 < level <= len(snapshot_levels) else None
        routing_keys.setdefault(key, level)  # one event per PagerDuty service
    for level in routing_keys.values():
        outbox.queue(session, incident_id=incident.id, idempotency_key=f"{incident.id}:{kind}:pagerduty:{level}",
                     channel="pagerduty", kind=kind, level=level, now=now)


def _transition(session: Session, incident: Incident, *, kind: str, allowed: tuple[str, ...], values: dict,
                user_id: int | None, via: str, actor: str, now: datetime, data: dict | None) -> bool:
    """Move an incident to a new status once; the conditional UPDATE makes repeats no-ops."""
    if user_id is not None and session.get(User, user_id) is None:  # else a foreign-key error, a 500
        raise Invalid.field("user_id", f"unknown user {user_id}")
    changed = session.execute(
        update(Incident).where(Incident.id == incident.id, Incident.status.in_(allowed))
        .values(**values, next_deadline=None, escalation_state="stopped")).rowcount == 1
    if changed:
        outbox.cancel_pages(session, incident_id=incident.id)
        word = "Acknowledged by" if kind == "acknowledge" else "Resolved"
        timeline.add(session, incident_id=incident.id, kind="resolved" if kind == "resolve" else "acknowledged",
                     actor=actor, at=now, message=f"{word} {_who(session, user_id, via)}",
                     data={"via": via, "user_id": user_id, **(data or {})})
        writeback.queue(session, incident=incident, kind=f"{kind}d", data={"via": via, "user_id": user_id}, now=now)
        audit.record(session, actor=actor, action=f"incident.{kind}", object_type="incident",
                     object_id=incident.id, after={"via": via, "user_id": user_id})
        if via != "pagerduty":
            _mirror_to_pagerduty(session, incident, kind, now)
    return changed


def acknowledge(*, session: Session, incident_id: int, user_id: int | None, via: str, actor: str, now: datetime,
                data: dict | None = None, commit: bool = True) -> tuple[Incident, bool]:
    """Stop the escalation at once. Idempotent: a second acknowledgement changes nothing."""
    incident = get(session=session, incident_id=incident_id)
    changed = _transition(session, incident, kind="acknowledge", allowed=(IncidentStatus.triggered.value,),
                          values={"status": IncidentStatus.acknowledged.value, "acknowledged_at": now,
                                  "acknowledged_by": user_id},
                          user_id=user_id, via=via, actor=actor, now=now, data=data)
    return _finish(session, incident, changed, commit)


def resolve(*, session: Session, incident_id: int, user_id: int | None, via: str, actor: str, now: datetime,
            data: dict | None = None, commit: bool = True) -> tuple[Incident, bool]:
    incident = get(session=session, incident_id=incident_id)
    changed = _transition(session, incident, kind="resolve",
                          allowed=(IncidentStatus.triggered.value, IncidentStatus.acknowledged.value),
                          values={"status": IncidentStatus.resolved.value, "resolved_at": now},
                          user_id=user_id, via=via, actor=actor, now=now, data=data)
    return _finish(session, incident, changed, commit)


def _finish(session: Session, incident: Incident, changed: bool, commit: bool) -> tuple[Incident, bool]:
    if commit:
        session.commit()
    session.refresh(incident)
    return incident, changed
