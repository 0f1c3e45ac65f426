"""APScheduler as the metronome: one in-memory interval job per process.

Never a shared job store (APScheduler 3's own rule); correctness comes from the database.
``wake()`` runs the tick now, e.g. right after a trigger was accepted. The ticket pollers
run as a job of their own, so a slow ticketing API never delays a page.
"""
from __future__ import annotations

import logging
from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler

from oncall import clock
from oncall.engine.pollers import ConnectorPoller
from oncall.engine.tick import DATABASE_DOWN, EscalationEngine

log = logging.getLogger("oncall.engine")
JOB_ID = "escalation-tick"
POLL_JOB_ID = "connector-poll"


class EngineScheduler:
    def __init__(self, engine: EscalationEngine, interval_seconds: float, poller: ConnectorPoller | None = None):
        self.engine = engine
        self.poller = poller
        self.interval = interval_seconds
        self.scheduler = BackgroundScheduler(timezone=timezone.utc,
                                             # 2: a run that comes during a long tick returns at once
                                             # (see _run) instead of being skipped with a warning
                                             job_defaults={"coalesce": True, "max_instances": 2,
                                                           "misfire_grace_time": None})

    def _run(self) -> None:
        if self.engine.busy:  # the interval came round during a long tick: it looks once more
            self.engine.request_tick()
            return
        try:
            self.engine.tick()
        except DATABASE_DOWN as exc:  # one line per tick while the database is away, no traceback
            log.error("engine tick failed: database unavailable (%s)", exc.__class__.__name__)
        except Exception:  # a failing tick must not kill the metronome; the next one retries
            log.exception("engine tick failed")

    def _poll(self) -> None:
        try:
            if self.poller.poll_due():
                self.wake()
        except DATABASE_DOWN as exc:
            log.error("connector poll failed: database unavailable (%s)", exc.__class__.__name__)
        except Exception:  # as for the tick: the next run retries (an expired lease frees the connector)
            log.exception("connector poll failed")

    def start(self) -> None:
        self.scheduler.add_job(self._run, "interval", seconds=self.interval, id=JOB_ID, replace_existing=True,
                               next_run_time=clock.now())
        if self.poller is not None:  # which connector is due is in the database: check as often as we tick
            self.scheduler.add_job(self._poll, "interval", seconds=self.interval, id=POLL_JOB_ID, max_instances=1,
                                   replace_existing=True, next_run_time=clock.now())
        self.scheduler.start()
        log.info("engine ticking every %s s", self.interval)

    def wake(self) -> None:
        """Tick now. While a tick runs, it is asked to look once more instead (APScheduler
        would only skip the run, and log a warning per wake)."""
        if not self.scheduler.running:
            return
        self.engine.request_tick()
        if not self.engine.busy:
            self.scheduler.modify_job(JOB_ID, next_run_time=clock.now())

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
