"""The ticket pollers: read new tickets from ticketing APIs and ingest them like webhooks.

For instances that cannot send webhooks. Each connector is polled when its ``next_poll_at``
comes, by whichever process wins its lease (``services.connector_state``). A poll:

1. asks the API for open tickets at or above the integration's ``min_severity`` created at
   or after the cursor, and drops those already read (created before the cursor, or at it
   and in ``cursor_seen``);
2. feeds each new ticket, oldest first, through the source's webhook parser and
   ``services.ingest.ingest`` with the same integration, so dedup keys match the webhook's
   (a ticket seen both ways opens one incident); the cursor moves in the same commit;
3. asks for the tickets of the integration's open incidents again and applies only their
   resolves (a repeated trigger would only add noise to the timeline);
4. records the outcome: the next poll one interval later, or after a failure a retry with
   exponential backoff, the error kept for the connector's API answer and ``/metrics``.

No transaction is open while the API is called.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from oncall import clock
from oncall.connectors import ConnectorError, Ticket
from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import parse
from oncall.metrics import CONNECTOR_POLLS, CONNECTOR_TICKETS
from oncall.services import connector_state, connectors, ingest
from oncall.store.models import Integration, TicketConnector

log = logging.getLogger("oncall.connectors")
BACKOFF_FIRST = timedelta(seconds=15)
BACKOFF_MAX = timedelta(minutes=15)


def retry_delay(failures: int) -> timedelta:
    """15 s after the first failure, doubling, at most 15 minutes."""
    return min(BACKOFF_FIRST * 2 ** min(failures - 1, 16), BACKOFF_MAX)


def unread(tickets: list[Ticket], cursor: datetime, seen: list[str]) -> list[Ticket]:
    return [t for t in tickets if t.created_at > cursor or (t.created_at == cursor and t.id not in seen)]


def moved(cursor: datetime, seen: list[str], ticket: Ticket) -> tuple[datetime, list[str]]:
    """The cursor and its seen ids after reading ``ticket`` (tickets come oldest first)."""
    if ticket.created_at == cursor:
        return cursor, [*seen, ticket.id]
    return ticket.created_at, [ticket.id]


class ConnectorPoller:
    def __init__(self, *, db: Engine, secret_key: str, now: Callable[[], datetime] = clock.now):
        self.db = db
        self.secret_key = secret_key
        self.now = now

    def poll_due(self) -> int:
        """Poll every connector that is due and not being polled elsewhere; the incidents opened."""
        opened = 0
        with Session(self.db, expire_on_commit=False) as session:
            for integration_id in connector_state.due(session, self.now()):
                opened += self._poll(session, integration_id)
        return opened

    def _poll(self, session: Session, integration_id: int) -> int:
        now = self.now()
        lease = connector_state.claim(session, integration_id=integration_id, now=now)
        if lease is None:
            return 0  # another process polls it right now
        row = session.get(TicketConnector, integration_id, populate_existing=True)
        integration = session.get(Integration, integration_id, populate_existing=True)
        watched = connector_state.open_ticket_ids(session, integration_id)
        session.commit()
        cursor = row.cursor or now
        try:
            with connectors.open_connector(row, integration.source, self.secret_key) as api:
                fresh = unread(api.new_tickets(since=cursor, min_severity=integration.min_severity),
                               cursor, row.cursor_seen)
                current = api.current(watched) if watched else []
        except ConnectorError as exc:
            self._failed(session, integration, row, lease, now, exc)
            return 0
        opened = self._ingest(session, integration, lease, cursor, list(row.cursor_seen), fresh, current)
        if opened is None:
            log.warning("integration %s: poll lease lost mid-poll; another process goes on", integration_id)
            return 0
        connector_state.succeeded(session, integration_id=integration_id, lease=lease, now=now,
                                  next_poll_at=now + timedelta(seconds=row.interval_seconds))
        CONNECTOR_POLLS.labels(integration.source, "ok").inc()
        CONNECTOR_TICKETS.labels(integration.source).inc(len(fresh))
        return opened

    def _ingest(self, session: Session, integration: Integration, lease: datetime, cursor: datetime,
                seen: list[str], fresh: list[Ticket], current: list[dict]) -> int | None:
        """Ingest the new tickets (moving the cursor with each) and the resolves; None if the lease was lost."""
        opened = 0
        for ticket in fresh:
            cursor, seen = moved(cursor, seen, ticket)
            if not connector_state.advance(session, integration_id=integration.id, lease=lease, cursor=cursor,
                                           seen=seen):
                session.rollback()
                return None
            opened += self._feed(session, integration, ticket.payload, resolves_only=False)
        for payload in current:
            self._feed(session, integration, payload, resolves_only=True)
        return opened

    def _feed(self, session: Session, integration: Integration, payload: dict, *, resolves_only: bool) -> int:
        """One ticket through the parser and ingest (which commits); the incidents it opened."""
        try:
            events = parse(integration.source, payload)
        except PayloadError as exc:
            log.warning("integration %s: skipped a ticket the %s parser refuses: %s", integration.id,
                        integration.source, exc.message)
            events = []
        if resolves_only:
            events = [e for e in events if e.action != "trigger"]
        if not events:
            session.commit()  # the cursor still moves past it
            return 0
        return ingest.ingest(session=session, integration=integration, events=events, raw_body=json.dumps(payload),
                             now=self.now()).opened

    def _failed(self, session: Session, integration: Integration, row: TicketConnector, lease: datetime,
                now: datetime, exc: ConnectorError) -> None:
        failures = row.consecutive_failures + 1
        delay = retry_delay(failures)
        connector_state.failed(session, integration_id=integration.id, lease=lease, now=now, error=exc.message,
                               failures=failures, next_poll_at=now + delay)
        CONNECTOR_POLLS.labels(integration.source, "error").inc()
        log.warning("integration %s: %s poll failed (%d in a row), retrying in %d s: %s", integration.id,
                    integration.source, failures, delay.total_seconds(), exc.message)
