"""Tick step 2: claim pending notifications, send them outside any transaction, record.

A claim is a lease (``status='sending'``, ``claimed_until``). A worker killed between the
provider call and the record leaves an expired lease that the next tick claims again, so
the message can be sent twice in that window (PagerDuty dedups on our key; an SMS may
repeat) but is never lost. Results are recorded only by the lease holder.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session

from oncall.notifiers.base import Message, Notifier, SendResult
from oncall.services import ack_tokens, timeline
from oncall.services.escalation import fall_through
from oncall.store.models import Incident, IncidentStatus, Notification, NotificationStatus, User

log = logging.getLogger("oncall.engine")
LEASE = timedelta(seconds=60)
# A note whose lease has less than this left is not sent: the lease could run out during the
# provider call and another worker send it too (a batch is sent one note after another).
LEASE_MARGIN = timedelta(seconds=15)
MAX_ATTEMPTS = 4
BACKOFF = (timedelta(seconds=5), timedelta(seconds=20), timedelta(seconds=60))
BATCH = 50


def _claimable(now: datetime):
    return or_(
        and_(Notification.status == NotificationStatus.pending.value, Notification.next_attempt_at <= now),
        and_(Notification.status == NotificationStatus.sending.value, Notification.claimed_until < now),
    )


def claim(session: Session, now: datetime, limit: int = BATCH) -> list[Notification]:
    """Lease up to ``limit`` due notifications to this worker; commits the lease."""
    query = select(Notification).where(_claimable(now)).order_by(Notification.next_attempt_at, Notification.id).limit(limit)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for row in session.execute(query).scalars().all():
        lease = now + LEASE
        won = session.execute(
            update(Notification).where(Notification.id == row.id, _claimable(now))
            .values(status=NotificationStatus.sending.value, claimed_until=lease, attempts=Notification.attempts + 1)
        ).rowcount == 1
        if won:
            claimed.append(row.id)
    session.commit()
    if not claimed:
        return []
    return list(session.execute(select(Notification).where(Notification.id.in_(claimed))
                                .order_by(Notification.id)).scalars())


def release(session: Session, note: Notification) -> bool:
    """Give a claimed note back unsent (its attempt does not count), if we still hold it."""
    return session.execute(
        update(Notification).where(Notification.id == note.id, Notification.status == NotificationStatus.sending.value,
                                   Notification.claimed_until == note.claimed_until)
        .values(status=NotificationStatus.pending.value, claimed_until=None, attempts=Notification.attempts - 1)
    ).rowcount == 1


class Sender:
    """Builds each message, sends it with the channel's notifier, records the outcome."""

    def __init__(self, *, notifiers: dict[str, Notifier], secret_key: str, base_url: str,
                 now: Callable[[], datetime]):
        self.notifiers = notifiers
        self.secret_key = secret_key
        self.base_url = base_url
        self.now = now

    def message(self, session: Session, note: Notification, incident: Incident) -> Message:
        user = session.get(User, note.user_id) if note.user_id else None
        level = (incident.policy_snapshot.get("levels") or [{}])[max(note.level, 1) - 1] if note.level else {}
        ack_url = f"{self.base_url}/ack/{ack_tokens.make(self.secret_key, note.id)}" if note.kind == "trigger" else None
        return Message(
            notification_id=note.id, channel=note.channel, kind=note.kind, dedup_key=incident.dedup_key,
            summary=f"{incident.external_id} {incident.title}", severity=incident.severity,
            recipient_phone=note.recipient or (user.phone if user else None),
            recipient_name=user.name if user else None,
            recipient_pagerduty_user_id=user.pagerduty_user_id if user else None,
            routing_key=level.get("routing_key"), ack_url=ack_url, ticket_url=incident.link,
            reply_code=note.reply_code,
            details={"level": note.level, "incident_id": incident.id, "source": incident.source,
                     "ticket": incident.external_id, "on_call": user.name if user else None})

    def send(self, session: Session, note: Notification,
             on_result: Callable[[SendResult], None] | None = None) -> SendResult | None:
        """Send one claimed note and record the outcome; ``on_result`` hears the provider's
        answer before it is recorded (so a caller can record it later if the database fails)."""
        if note.claimed_until is not None and note.claimed_until - self.now() < LEASE_MARGIN:
            release(session, note)
            session.commit()
            return None
        incident = session.get(Incident, note.incident_id)
        if note.kind == "trigger" and incident.status != IncidentStatus.triggered.value:
            self._finish(session, note, status=NotificationStatus.cancelled.value, error=None)
            session.commit()
            return None
        notifier = self.notifiers.get(note.channel)
        message = self.message(session, note, incident)
        session.commit()  # no transaction stays open while the provider is called
        result = notifier.send(message) if notifier else SendResult(False, error=f"no notifier for {note.channel}")
        if on_result is not None:
            on_result(result)
        self.record(session, note, incident, result)
        return result

    def _finish(self, session: Session, note: Notification, **values) -> bool:
        """Update the row only while we still hold its lease."""
        return session.execute(
            update(Notification).where(Notification.id == note.id, Notification.status == NotificationStatus.sending.value,
                                       Notification.claimed_until == note.claimed_until)
            .values(claimed_until=None, **values)).rowcount == 1

    def record(self, session: Session, note: Notification, incident: Incident, result: SendResult) -> None:
        now = self.now()
        who = f"user {note.user_id}" if note.user_id else ("the ticket" if note.channel == "ticket" else "PagerDuty")
        if result.ok:
            if self._finish(session, note, status=NotificationStatus.sent.value, provider_id=result.provider_id,
                            sent_at=now, error=None):
                timeline.add(session, incident_id=incident.id, kind="notification_sent", actor="engine", at=now,
                             message=f"{note.channel} {note.kind} sent to {who}" + (f" (level {note.level})" if note.level else ""),
                             data={"notification_id": note.id, "provider_id": result.provider_id})
        elif result.retryable and note.attempts < MAX_ATTEMPTS:
            retry_at = now + BACKOFF[min(note.attempts, len(BACKOFF)) - 1]
            if self._finish(session, note, status=NotificationStatus.pending.value, next_attempt_at=retry_at,
                            error=result.error):
                timeline.add(session, incident_id=incident.id, kind="notification_retry", actor="engine", at=now,
                             message=f"{note.channel} to {who} failed (attempt {note.attempts}), retrying: {result.error}",
                             data={"notification_id": note.id, "retry_at": retry_at.isoformat()})
        elif self._finish(session, note, status=NotificationStatus.failed.value, error=result.error):
            timeline.add(session, incident_id=incident.id, kind="notification_failed", actor="engine", at=now,
                         message=f"{note.channel} to {who} FAILED after {note.attempts} attempt(s): {result.error}",
                         data={"notification_id": note.id})
            if note.kind == "trigger":
                fall_through(session, note, incident, now)
        session.commit()
