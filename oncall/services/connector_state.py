"""A connector's poll state: which are due, the lease, the cursor and the last outcome.

The lease is a conditional UPDATE on the connector row (``lease_until`` empty or past), so
on SQLite and PostgreSQL alike exactly one process wins a poll; another holding it is normal.
Every later write names the lease it holds (``lease_until == ours``): a poller that outlived
its lease (and lost it to another) writes nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlmodel import Session

from oncall.store.models import Incident, IncidentStatus, Integration, TicketConnector

LEASE = timedelta(minutes=5)
RECHECK_LIMIT = 100  # open incidents whose tickets one poll looks at again, newest first


def _free(now: datetime):
    return or_(TicketConnector.lease_until.is_(None), TicketConnector.lease_until < now)


def due(session: Session, now: datetime) -> list[int]:
    query = (select(TicketConnector.integration_id)
             .where(TicketConnector.poll.is_(True), TicketConnector.next_poll_at <= now, _free(now))
             .order_by(TicketConnector.next_poll_at))
    ids = list(session.execute(query).scalars())
    session.commit()
    return ids


def claim(session: Session, *, integration_id: int, now: datetime) -> datetime | None:
    """Take the poll lease; its expiry (the lease's name) when won, None when another holds it."""
    lease = now + LEASE
    won = session.execute(
        update(TicketConnector)
        .where(TicketConnector.integration_id == integration_id, TicketConnector.poll.is_(True),
               TicketConnector.next_poll_at <= now, _free(now))
        .values(lease_until=lease, last_poll_at=now)).rowcount == 1
    session.commit()
    return lease if won else None


def open_ticket_ids(session: Session, integration_id: int) -> list[str]:
    """The tickets of the integration's open incidents, to see whether they were resolved."""
    query = (select(Incident.external_id)
             .where(Incident.integration_id == integration_id, Incident.status != IncidentStatus.resolved.value)
             .order_by(Incident.created_at.desc()).limit(RECHECK_LIMIT))
    return list(dict.fromkeys(session.execute(query).scalars()))


def _held(integration_id: int, lease: datetime):
    return update(TicketConnector).where(TicketConnector.integration_id == integration_id,
                                         TicketConnector.lease_until == lease)


def advance(session: Session, *, integration_id: int, lease: datetime, cursor: datetime, seen: list[str]) -> bool:
    """Move the cursor in the caller's transaction (which ingests the ticket); False: lease lost."""
    return session.execute(_held(integration_id, lease).values(cursor=cursor, cursor_seen=seen)).rowcount == 1


def succeeded(session: Session, *, integration_id: int, lease: datetime, now: datetime,
              next_poll_at: datetime) -> bool:
    done = session.execute(_held(integration_id, lease).values(
        lease_until=None, last_success_at=now, consecutive_failures=0,
        next_poll_at=next_poll_at)).rowcount == 1
    session.commit()
    return done


def failed(session: Session, *, integration_id: int, lease: datetime, now: datetime, error: str,
           failures: int, next_poll_at: datetime) -> bool:
    done = session.execute(_held(integration_id, lease).values(
        lease_until=None, last_error=error, last_error_at=now, consecutive_failures=failures,
        next_poll_at=next_poll_at)).rowcount == 1
    session.commit()
    return done


def overview(session: Session) -> list[tuple[int, str, int, datetime | None]]:
    """(integration id, source, failed polls in a row, last success) of every polling connector."""
    query = (select(TicketConnector.integration_id, Integration.source, TicketConnector.consecutive_failures,
                    TicketConnector.last_success_at)
             .join(Integration, Integration.id == TicketConnector.integration_id)
             .where(TicketConnector.poll.is_(True)).order_by(TicketConnector.integration_id))
    return [tuple(row) for row in session.execute(query)]
