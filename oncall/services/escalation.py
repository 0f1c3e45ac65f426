"""Escalation verbs outside the tick: fall through to the next channel, escalate early."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from oncall.schedule.escalation import next_channel
from oncall.services import outbox, policies, timeline
from oncall.store.models import Incident, IncidentStatus, Notification, NotificationStatus, User


def escalate_early(session: Session, incident_id: int, level: int, loop: int, now: datetime) -> bool:
    """Every page of the current level failed for good: move on now instead of at the timeout."""
    changed = session.execute(
        update(Incident).where(Incident.id == incident_id, Incident.status == IncidentStatus.triggered.value,
                               Incident.level == level, Incident.loop == loop,
                               Incident.escalation_state == "running")
        .values(next_deadline=now)).rowcount == 1
    if changed:
        timeline.add(session, incident_id=incident_id, kind="escalated_early", actor="engine", at=now,
                     message=f"Every page of level {level} failed: escalating now", data={"level": level})
    return changed


def fall_through(session: Session, note: Notification, incident: Incident, now: datetime) -> None:
    """A page failed for good: try the level's next channel, or escalate when all failed."""
    spec = policies.spec_from_snapshot(incident.policy_snapshot)
    if 1 <= note.level <= len(spec.levels):
        channel = next_channel(spec.levels[note.level - 1], note.channel)
        if channel is not None:
            phone = session.get(User, note.user_id).phone if note.user_id and channel == "sms" else None
            key = f"{incident.id}:{note.loop}:{note.level}:{note.user_id}:{channel}"
            if outbox.queue(session, incident_id=incident.id, idempotency_key=key, channel=channel, kind="trigger",
                            now=now, user_id=note.user_id, level=note.level, loop=note.loop, recipient=phone,
                            reply_code=note.reply_code):
                timeline.add(session, incident_id=incident.id, kind="fall_through", actor="engine", at=now,
                             message=f"{note.channel} failed: falling through to {channel} for user {note.user_id}",
                             data={"level": note.level, "channel": channel})
            return
    still_trying = session.execute(select(Notification.id).where(
        Notification.incident_id == incident.id, Notification.kind == "trigger", Notification.level == note.level,
        Notification.loop == note.loop, Notification.id != note.id,
        Notification.status.in_([NotificationStatus.pending.value, NotificationStatus.sending.value,
                                 NotificationStatus.sent.value, NotificationStatus.delivered.value])).limit(1)).first()
    if still_trying is None:
        escalate_early(session, incident.id, note.level, note.loop, now)
