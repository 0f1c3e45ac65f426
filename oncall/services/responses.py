"""Analysts' answers coming back: ack links, SMS replies, delivery receipts, PagerDuty webhooks."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oncall.services import incidents, timeline
from oncall.services.errors import NotFound
from oncall.services.escalation import fall_through
from oncall.store.models import Incident, IncidentStatus, Notification, NotificationStatus, User, WebhookDelivery

_REPLY = re.compile(r"^\s*(?:ack(?:nowledge)?)?\s*#?(\d{1,10})?\s*$", re.IGNORECASE)
TERMINAL_FAILURES = ("failed", "undelivered")


@dataclass(frozen=True)
class AckLink:
    notification: Notification
    incident: Incident
    user: User | None


def ack_link(session: Session, notification_id: int) -> AckLink:
    note = session.get(Notification, notification_id)
    if note is None:
        raise NotFound("this acknowledgement link names nothing that exists any more")
    incident = session.get(Incident, note.incident_id)
    return AckLink(note, incident, session.get(User, note.user_id) if note.user_id else None)


def acknowledge_by_link(session: Session, link: AckLink, *, now: datetime, ip: str | None, user_agent: str | None):
    return incidents.acknowledge(session=session, incident_id=link.incident.id, user_id=link.notification.user_id,
                                 via="link", actor=f"user:{link.notification.user_id}", now=now,
                                 data={"ip": ip, "user_agent": (user_agent or "")[:300],
                                       "notification_id": link.notification.id})


def parse_reply(body: str) -> tuple[bool, int | None]:
    """(is an acknowledgement, the code it names): "ACK", "ACK 42", "42"."""
    match = _REPLY.match(body or "")
    if not match or not (body or "").strip():
        return False, None
    return True, int(match[1]) if match[1] else None


def acknowledge_by_sms(session: Session, *, phone: str, body: str, now: datetime) -> str:
    """Acknowledge the sender's open incident(s); the answer is the SMS text to reply with."""
    is_ack, code = parse_reply(body)
    if not is_ack:
        return "Reply ACK to acknowledge, or ACK <code> to pick one incident."
    user = session.execute(select(User).where(User.phone == phone)).scalars().first()
    if user is None:
        return "This number is not known to oncall."
    open_ids = list(session.execute(
        select(Incident.id).join(Notification, Notification.incident_id == Incident.id)
        .where(Notification.user_id == user.id, Notification.kind == "trigger",
               Incident.status == IncidentStatus.triggered.value).distinct().order_by(Incident.id)).scalars())
    if code is not None:
        open_ids = [i for i in open_ids if i == code]
    if not open_ids:
        return "Nothing open to acknowledge" + (f" with code {code}." if code is not None else ".")
    for incident_id in open_ids:
        incidents.acknowledge(session=session, incident_id=incident_id, user_id=user.id, via="sms",
                              actor=f"user:{user.id}", now=now, data={"phone": phone})
    return "Acknowledged " + ", ".join(f"#{i}" for i in open_ids) + "."


def delivery_receipt(session: Session, *, provider_id: str, status: str, error_code: str | None, now: datetime) -> bool:
    """A Twilio status callback; delivered is recorded, failed/undelivered falls through at once."""
    note = session.execute(select(Notification).where(Notification.provider_id == provider_id)).scalar()
    if note is None:
        return False
    if status == "delivered" and note.status == NotificationStatus.sent.value:
        session.execute(update(Notification).where(Notification.id == note.id)
                        .values(status=NotificationStatus.delivered.value, delivered_at=now))
        timeline.add(session, incident_id=note.incident_id, kind="notification_delivered", actor="twilio", at=now,
                     message=f"SMS delivered to user {note.user_id}", data={"notification_id": note.id})
    elif status in TERMINAL_FAILURES and note.status in (NotificationStatus.sent.value, NotificationStatus.sending.value):
        session.execute(update(Notification).where(Notification.id == note.id)
                        .values(status=NotificationStatus.failed.value, error=f"twilio: {status} ({error_code})"))
        timeline.add(session, incident_id=note.incident_id, kind="notification_failed", actor="twilio", at=now,
                     message=f"SMS to user {note.user_id} {status.upper()} (error {error_code})",
                     data={"notification_id": note.id})
        incident = session.get(Incident, note.incident_id)
        if note.kind == "trigger" and incident.status == IncidentStatus.triggered.value:
            fall_through(session, note, incident, now)
    session.commit()
    return True


def pagerduty_signature_valid(raw_body: bytes, header: str | None, secrets: list[str]) -> bool:
    """Any ``v1=`` entry of ``X-PagerDuty-Signature`` matching any of our secrets (rotation)."""
    if not header or not secrets:
        return False
    sent = [part.strip()[3:] for part in header.split(",") if part.strip().startswith("v1=")]
    for secret in secrets:
        expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, s) for s in sent):
            return True
    return False


def first_delivery(session: Session, provider: str, delivery_id: str | None, now: datetime) -> bool:
    """False when this webhook delivery was handled before (providers deliver at least once)."""
    if not delivery_id:
        return True
    try:
        with session.begin_nested():
            session.add(WebhookDelivery(provider=provider, delivery_id=delivery_id[:128], received_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def pagerduty_event(session: Session, event: dict, now: datetime) -> list[int]:
    """``incident.acknowledged`` / ``incident.resolved``: mirror onto our incidents by dedup key."""
    kind = event.get("event_type")
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    key = data.get("incident_key")
    if kind not in ("incident.acknowledged", "incident.resolved") or not isinstance(key, str):
        session.commit()
        return []
    agent = event.get("agent") if isinstance(event.get("agent"), dict) else {}
    user = (session.execute(select(User).where(User.pagerduty_user_id == agent.get("id"))).scalars().first()
            if agent.get("id") else None)
    change = incidents.acknowledge if kind == "incident.acknowledged" else incidents.resolve
    matching = list(session.execute(select(Incident.id).where(Incident.dedup_key == key,
                                                              Incident.status != IncidentStatus.resolved.value)).scalars())
    for incident_id in matching:
        change(session=session, incident_id=incident_id, user_id=user.id if user else None, via="pagerduty",
               actor=f"pagerduty:{agent.get('id') or 'unknown'}", now=now,
               data={"pagerduty_incident": data.get("id"), "agent": agent.get("summary")}, commit=False)
    session.commit()
    return matching
