"""Tick step 1: claim due incidents, decide with the pure core, write state + outbox at once.

Claiming: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never wait on each other;
on SQLite (which ignores SKIP LOCKED and serialises writers anyway) the state UPDATE is
conditional on the state we read, and a row count of 0 means another worker won.
Either way the decision, its timeline entries and its outbox rows commit together.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from oncall.schedule.escalation import Decision, State, decide
from oncall.services import coverage, outbox, policies, timeline, writeback
from oncall.store.models import Incident, IncidentStatus, User

log = logging.getLogger("oncall.engine")
BATCH = 100


def _due(session: Session, now: datetime, limit: int) -> list[Incident]:
    query = (select(Incident)
             .where(Incident.status == IncidentStatus.triggered.value, Incident.next_deadline <= now,
                    Incident.escalation_state.in_(["pending", "running"]))
             .order_by(Incident.next_deadline, Incident.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Incident)
    return list(session.execute(query).scalars())


def _claim(session: Session, incident: Incident, decision: Decision) -> bool:
    """Write the new state only if nobody else advanced this incident since we read it."""
    outcome = {"running": "running", "exhausted": "exhausted", "suppressed": "stopped"}[decision.outcome]
    return session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.status == IncidentStatus.triggered.value,
               Incident.level == incident.level, Incident.loop == incident.loop,
               Incident.next_deadline == incident.next_deadline)
        .values(level=decision.state.level, loop=decision.state.loop, next_deadline=decision.next_deadline,
                escalation_state=outcome)).rowcount == 1


def _apply(session: Session, incident: Incident, decision: Decision, now: datetime) -> None:
    for step in decision.steps:
        timeline.add(session, incident_id=incident.id, kind=step.kind, actor="engine", at=now, message=step.message,
                     data={"level": step.level, **step.data})
        writeback.queue(session, incident=incident, kind=step.kind, data={"level": step.level, **step.data}, now=now)
    phones = dict(session.execute(select(User.id, User.phone).where(
        User.id.in_([p.user_id for p in decision.pages]))).all()) if decision.pages else {}
    for page in decision.pages:
        key = f"{incident.id}:{page.loop}:{page.level}:{page.user_id}:{page.channel}"
        if outbox.queue(session, incident_id=incident.id, idempotency_key=key, channel=page.channel, kind="trigger",
                        now=now, user_id=page.user_id, level=page.level, loop=page.loop,
                        recipient=phones.get(page.user_id) if page.channel == "sms" else None,
                        reply_code=str(incident.id)):
            timeline.add(session, incident_id=incident.id, kind="notification_queued", actor="engine", at=now,
                         message=f"Level {page.level}: {page.channel} page queued for user {page.user_id}",
                         data={"level": page.level, "user_id": page.user_id, "channel": page.channel})


def escalate_due(session: Session, now: datetime, limit: int = BATCH) -> int:
    """Advance every due incident (up to ``limit``) in one transaction; returns how many."""
    advanced = 0
    recipients: dict[tuple, list[int]] = {}  # one batch, one instant: each answer is asked once
    in_hours: dict[int, bool] = {}

    def who(level) -> list[int]:
        if level.targets not in recipients:
            recipients[level.targets] = coverage.recipients(session, level.targets, now)
        return recipients[level.targets]

    for incident in _due(session, now, limit):
        spec = policies.spec_from_snapshot(incident.policy_snapshot)
        if incident.level == 0 and not spec.page_during_business_hours and incident.team_id not in in_hours:
            in_hours[incident.team_id] = coverage.in_business_hours(session, incident.team_id, now)
        at_business_hours = (incident.level == 0 and not spec.page_during_business_hours
                             and in_hours[incident.team_id])
        decision = decide(spec, State(incident.level, incident.loop), who, now,
                          in_business_hours=at_business_hours)
        if not _claim(session, incident, decision):
            continue
        _apply(session, incident, decision, now)
        advanced += 1
    session.commit()
    return advanced
