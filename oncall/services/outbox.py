"""Writing to the notification outbox, idempotently."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from oncall.store.models import Notification, NotificationStatus


def queue(session: Session, *, incident_id: int, idempotency_key: str, channel: str, kind: str, now: datetime,
          user_id: int | None = None, level: int = 0, loop: int = 0, recipient: str | None = None,
          reply_code: str | None = None) -> bool:
    """Add a pending notification; False when the same key was queued before (a replayed step)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Notification).values(
        incident_id=incident_id, idempotency_key=idempotency_key, channel=channel, kind=kind, user_id=user_id,
        level=level, loop=loop, recipient=recipient, reply_code=reply_code, status=NotificationStatus.pending.value,
        attempts=0, next_attempt_at=now, created_at=now,
    ).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(Notification.id)
    # rowcount is -1 on PostgreSQL here (an INSERT with RETURNING); a returned id is the answer
    return session.execute(statement).first() is not None


def cancel_pages(session: Session, *, incident_id: int) -> int:
    """Cancel the incident's pages that have not gone out yet."""
    statement = (update(Notification)
                 .where(Notification.incident_id == incident_id, Notification.kind == "trigger",
                        Notification.status == NotificationStatus.pending.value)
                 .values(status=NotificationStatus.cancelled.value, next_attempt_at=None))
    return session.execute(statement).rowcount
