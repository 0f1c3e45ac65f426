"""Timeline entries: what happened to an incident, when, and who did it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oncall.store.models import TimelineEntry


def add(session: Session, *, incident_id: int, kind: str, actor: str, message: str, at: datetime,
        data: dict | None = None) -> TimelineEntry:
    entry = TimelineEntry(incident_id=incident_id, kind=kind, actor=actor, message=message[:2048], at=at,
                          data=data or {})
    session.add(entry)
    return entry


def of(session: Session, incident_id: int) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id).order_by(TimelineEntry.id)
    return list(session.execute(query).scalars())
