"""APScheduler as the metronome: one in-memory interval job per process.

Never a shared job store (APScheduler 3's own rule); correctness comes from the database.
``wake()`` runs the tick now, e.g. right after a trigger was accepted.
"""
from __future__ import annotations

import logging
from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler

from oncall import clock
from oncall.engine.tick import EscalationEngine

log = logging.getLogger("oncall.engine")
JOB_ID = "escalation-tick"


class EngineScheduler:
    def __init__(self, engine: EscalationEngine, interval_seconds: float):
        self.engine = engine
        self.interval = interval_seconds
        self.scheduler = BackgroundScheduler(timezone=timezone.utc,
                                             job_defaults={"coalesce": True, "max_instances": 1,
                                                           "misfire_grace_time": None})

    def _run(self) -> None:
        try:
            self.engine.tick()
        except Exception:  # a failing tick must not kill the metronome; the next one retries
            log.exception("engine tick failed")

    def start(self) -> None:
        self.scheduler.add_job(self._run, "interval", seconds=self.interval, id=JOB_ID, replace_existing=True,
                               next_run_time=clock.now())
        self.scheduler.start()
        log.info("engine ticking every %s s", self.interval)

    def wake(self) -> None:
        if self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=clock.now())

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
