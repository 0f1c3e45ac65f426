"""One engine cycle: advance due incidents (and commit), then send the outbox.

A tick drains the backlog before it returns, so under steady load it may run for long: it
records a heartbeat (and pings the dead-man URL) at least every ``heartbeat_seconds`` while
it works, not only at the end, so /readyz never calls a busy engine stalled.

Notes this process claimed stay in ``_held`` until their outcome is recorded. If the
database fails in between (a tick raises), the next tick finishes them first, while the
leases are still ours: a note not yet sent is sent, a note already sent only has its result
recorded (no second message). Without this they would wait for their lease to expire.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from oncall import clock
import requests

from oncall.engine import escalate, send, sla
from oncall.metrics import DEADMAN_FAILURES, TICK_SECONDS, TICKS
from oncall.notifiers.base import Notifier, SendResult
from oncall.services import health
from oncall.store.models import Incident, Notification

log = logging.getLogger("oncall.engine")
DATABASE_DOWN = (OperationalError, PoolTimeout)
# Incidents advanced per transaction: small enough that a batch takes well under one tick
# interval even on a busy host, so the heartbeat between batches stays fresh.
ESCALATE_BATCH = 25


@dataclass
class TickResult:
    advanced: int = 0
    sent: int = 0


class EscalationEngine:
    """Holds what a tick needs; every process may run one, the database keeps them apart."""

    def __init__(self, *, db: Engine, notifiers: dict[str, Notifier], secret_key: str, base_url: str,
                 now: Callable[[], datetime] = clock.now, deadman_url: str | None = None,
                 heartbeat_seconds: float | None = None):
        self.db = db
        self.now = now
        self.deadman_url = deadman_url
        self.heartbeat_seconds = heartbeat_seconds  # during a long tick, beat at least this often
        self._again = threading.Event()
        self._held: dict[int, tuple[Notification, SendResult | None]] = {}
        self._last_beat = self._started = 0.0
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.started_at = now()
        self.sender = send.Sender(notifiers=notifiers, secret_key=secret_key, base_url=base_url, now=now)
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """A tick is running in this process."""
        return self._lock.locked()

    def request_tick(self) -> None:
        """Ask for another pass: a running tick looks for work once more before it returns."""
        self._again.set()

    def tick(self) -> TickResult:
        """Run until nothing is due (bounded batches), so a backlog drains in one call."""
        total = TickResult()
        while self._lock.acquire(blocking=False):  # else a tick is already running here: return
            started = self._started = self._last_beat = clock.monotonic()
            try:
                self._again.clear()
                result = self._tick()
                total.advanced += result.advanced
                total.sent += result.sent
                self._heartbeat(clock.monotonic() - started)
            finally:
                self._lock.release()
                TICKS.inc()
                TICK_SECONDS.observe(clock.monotonic() - started)
            if not self._again.is_set():
                break
        return total

    def _beat_if_due(self) -> None:
        if self.heartbeat_seconds and clock.monotonic() - self._last_beat >= self.heartbeat_seconds:
            self._heartbeat(clock.monotonic() - self._started, finished=False)

    def _heartbeat(self, seconds: float, finished: bool = True) -> None:
        """Record the tick, and ping the dead-man URL so another system notices a stall."""
        self._last_beat = clock.monotonic()
        with Session(self.db) as session:
            health.beat(session, worker_id=self.worker_id, started_at=self.started_at, now=self.now(),
                        seconds=seconds, finished=finished)
        if self.deadman_url:
            try:
                requests.get(self.deadman_url, timeout=3).raise_for_status()
            except requests.RequestException as exc:
                DEADMAN_FAILURES.inc()
                log.warning("dead-man ping failed: %s", exc.__class__.__name__)

    def _tick(self) -> TickResult:
        result = TickResult()
        with Session(self.db, expire_on_commit=False) as session:
            if self._held:
                log.info("finishing %d notification(s) that a failed tick left claimed", len(self._held))
                result.sent += self._send_held(session)
            while True:
                advanced = escalate.escalate_due(session, self.now(), limit=ESCALATE_BATCH)
                sla.record_breaches(session, self.now())
                result.advanced += advanced
                claimed = send.claim(session, self.now())
                for note in claimed:
                    session.expunge(note)  # a plain snapshot that outlives this session
                    self._held[note.id] = (note, None)
                result.sent += self._send_held(session)
                if not advanced and not claimed:
                    return result
                self._beat_if_due()

    def _send_held(self, session: Session) -> int:
        sent = 0
        for note_id, (note, outcome) in list(self._held.items()):
            try:
                if outcome is None:
                    def heard(answer: SendResult, note=note) -> None:
                        self._held[note.id] = (note, answer)

                    if self.sender.send(session, note, on_result=heard) is not None:
                        sent += 1
                else:  # sent before the database failed: record it, do not send it again
                    incident = session.get(Incident, note.incident_id)
                    if incident is not None:
                        self.sender.record(session, note, incident, outcome)
                        sent += 1
            except DATABASE_DOWN:
                raise  # still held: the next tick finishes it while the lease is ours
            except Exception:
                self._held.pop(note_id, None)  # not the database: leave it to the lease, as after a crash
                raise
            del self._held[note_id]
            self._beat_if_due()
        return sent
