"""Engine heartbeats and backlog figures for /readyz and /metrics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from oncall.store.models import EngineHeartbeat, Incident, IncidentStatus, Notification, NotificationStatus


def beat(session: Session, *, worker_id: str, started_at: datetime, now: datetime, seconds: float,
         finished: bool = True) -> None:
    """Record a finished tick (upsert), in its own small transaction.

    ``finished=False``: a long tick is still at work; it counts as alive (``last_tick_at``)
    but not as one more tick.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(EngineHeartbeat).values(worker_id=worker_id, started_at=started_at, last_tick_at=now,
                                               last_tick_seconds=seconds, ticks=1 if finished else 0)
    statement = statement.on_conflict_do_update(
        index_elements=["worker_id"],
        set_={"last_tick_at": now, "last_tick_seconds": seconds,
              "ticks": EngineHeartbeat.ticks + (1 if finished else 0)})
    session.execute(statement)
    session.commit()


def forget_old(session: Session, *, before: datetime) -> None:
    """Drop heartbeats of processes gone for a long time (they would only add noise)."""
    session.execute(EngineHeartbeat.__table__.delete().where(EngineHeartbeat.last_tick_at < before))
    session.commit()


@dataclass(frozen=True)
class EngineStatus:
    state: str  # ok | stalled | never_ticked
    last_tick_at: datetime | None
    workers: int


def engine_status(session: Session, *, now: datetime, tick_seconds: float) -> EngineStatus:
    """Stalled when no process has ticked for three intervals."""
    last, workers = session.execute(select(func.max(EngineHeartbeat.last_tick_at), func.count())
                                    .select_from(EngineHeartbeat)).one()
    if last is None:
        return EngineStatus("never_ticked", None, 0)
    fresh = now - last <= timedelta(seconds=3 * tick_seconds)
    return EngineStatus("ok" if fresh else "stalled", last, workers)


def backlog(session: Session, *, now: datetime) -> dict[str, int]:
    due = session.execute(select(func.count()).select_from(Incident).where(
        Incident.status == IncidentStatus.triggered.value, Incident.next_deadline <= now,
        Incident.escalation_state.in_(["pending", "running"]))).scalar_one()
    outbox = session.execute(select(func.count()).select_from(Notification).where(
        Notification.status.in_([NotificationStatus.pending.value, NotificationStatus.sending.value]),
        Notification.next_attempt_at <= now)).scalar_one()
    return {"due_incidents": due, "outbox": outbox}


def notifications_by_channel_status(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(select(Notification.channel, Notification.status, func.count())
                           .group_by(Notification.channel, Notification.status)).all()
    return [(channel, status, n) for channel, status, n in rows]


