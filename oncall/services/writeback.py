"""Write-back: a note on the ticket when oncall pages, escalates, or the incident is acknowledged or resolved.

Called where those timeline entries are written (``level_started``, ``acknowledged``,
``resolved``). The note goes through the outbox like any notification — channel
``ticket``, kind ``writeback``, one idempotency key per incident and event — so it is
retried with backoff and a replayed step cannot write it twice. Its text is rendered now,
at the event, into ``ticket_note``. Changes that came from the ticketing system itself
(``via`` ``integration``) are not written back: the ticket already shows them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oncall.services import outbox
from oncall.store.models import Incident, Notification, TicketConnector, TicketNote, User

CHANNEL = "ticket"
KIND = "writeback"
EVENTS = ("level_started", "acknowledged", "resolved")


def queue(session: Session, *, incident: Incident, kind: str, data: dict, now: datetime) -> bool:
    """Queue the ticket note for a timeline entry of ``kind``; False when none is due."""
    if kind not in EVENTS or incident.integration_id is None or data.get("via") == "integration":
        return False
    connector = session.get(TicketConnector, incident.integration_id)
    if connector is None or not connector.write_back:
        return False
    event, body, key = _note(session, incident, kind, data)
    if not outbox.queue(session, incident_id=incident.id, idempotency_key=key, channel=CHANNEL, kind=KIND, now=now,
                        level=data.get("level") or 0, loop=data.get("loop") or 0):
        return False
    notification_id = session.execute(select(Notification.id).where(Notification.idempotency_key == key)).scalar_one()
    user_id = data.get("user_id")
    assignee = (_users(session, [user_id]).get(user_id)
                if kind == "acknowledged" and connector.assign_on_ack and user_id else None)
    session.add(TicketNote(notification_id=notification_id, event=event, body=body,
                           assignee_email=assignee.email if assignee else None))
    return True


def _note(session: Session, incident: Incident, kind: str, data: dict) -> tuple[str, str, str]:
    """(event, text, idempotency key) of the note."""
    head = f"[oncall] incident {incident.id}:"
    if kind == "level_started":
        level, loop = data.get("level") or 1, data.get("loop") or 0
        users = _users(session, data.get("users") or [])
        paged = f"paged {', '.join(u.name for u in users.values()) or 'nobody'} by {data.get('channel')}"
        key = f"{incident.id}:writeback:{loop}:{level}"
        if level == 1 and loop == 0:
            return "paged", f"{head} {paged} (escalation level 1)", key
        again = f", repeat {loop}" if loop else ""
        return "escalated", f"{head} nobody acknowledged, escalated to level {level}{again}: {paged}", key
    user_id = data.get("user_id")
    user = _users(session, [user_id]).get(user_id) if user_id else None
    by = f" by {user.name}" if user else ""
    return kind, f"{head} {kind}{by} via {data.get('via')}", f"{incident.id}:writeback:{kind}"


def _users(session: Session, user_ids: list[int]) -> dict[int, User]:
    """The users by id, in the order asked."""
    found = {u.id: u for u in session.execute(select(User).where(User.id.in_(user_ids))).scalars()}
    return {uid: found[uid] for uid in user_ids if uid in found}
