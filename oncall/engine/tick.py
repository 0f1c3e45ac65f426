"""One engine cycle: advance due incidents (and commit), then send the outbox."""
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
from sqlmodel import Session

from oncall import clock
import requests

from oncall.engine import escalate, send, sla
from oncall.metrics import DEADMAN_FAILURES, TICK_SECONDS, TICKS
from oncall.notifiers.base import Notifier
from oncall.services import health

log = logging.getLogger("oncall.engine")


@dataclass
class TickResult:
    advanced: int = 0
    sent: int = 0


class EscalationEngine:
    """Holds what a tick needs; every process may run one, the database keeps them apart."""

    def __init__(self, *, db: Engine, notifiers: dict[str, Notifier], secret_key: str, base_url: str,
                 now: Callable[[], datetime] = clock.now, deadman_url: str | None = None):
        self.db = db
        self.now = now
        self.deadman_url = deadman_url
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.started_at = now()
        self.sender = send.Sender(notifiers=notifiers, secret_key=secret_key, base_url=base_url, now=now)
        self._lock = threading.Lock()

    def tick(self) -> TickResult:
        """Run until nothing is due (bounded batches), so a backlog drains in one call."""
        if not self._lock.acquire(blocking=False):
            return TickResult()  # a tick is already running in this process
        started = clock.monotonic()
        try:
            result = self._tick()
            self._heartbeat(clock.monotonic() - started)
            return result
        finally:
            self._lock.release()
            TICKS.inc()
            TICK_SECONDS.observe(clock.monotonic() - started)

    def _heartbeat(self, seconds: float) -> None:
        """Record the tick, and ping the dead-man URL so another system notices a stall."""
        with Session(self.db) as session:
            health.beat(session, worker_id=self.worker_id, started_at=self.started_at, now=self.now(),
                        seconds=seconds)
        if self.deadman_url:
            try:
                requests.get(self.deadman_url, timeout=3).raise_for_status()
            except requests.RequestException as exc:
                DEADMAN_FAILURES.inc()
                log.warning("dead-man ping failed: %s", exc.__class__.__name__)

    def _tick(self) -> TickResult:
        result = TickResult()
        with Session(self.db, expire_on_commit=False) as session:
            while True:
                advanced = escalate.escalate_due(session, self.now())
                sla.record_breaches(session, self.now())
                result.advanced += advanced
                claimed = send.claim(session, self.now())
                for note in claimed:
                    if self.sender.send(session, note) is not None:
                        result.sent += 1
                if not advanced and not claimed:
                    return result
