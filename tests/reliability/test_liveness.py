"""Is the engine alive? /readyz and the dead-man switch must tell, and must not lie.

- /readyz is 503 once no process has ticked for three intervals, and 200 again after a tick;
  one live process among dead ones is enough.
- The dead-man URL is called once per tick; a failing or unreachable dead-man endpoint never
  breaks the tick.
- A tick that runs long (a backlog, slow providers) keeps beating while it works, so a busy
  engine is never reported stalled.
- With real processes: an ``oncall worker`` that is frozen (SIGSTOP) makes /readyz 503 and
  its dead-man pings stop; thawed (SIGCONT), both recover.
"""
from __future__ import annotations

import signal
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from freezegun import freeze_time
from sqlalchemy import select
from sqlmodel import Session

from oncall.app import create_app
from oncall.metrics import DEADMAN_FAILURES
from oncall.notifiers.base import SendResult
from oncall.services import health
from oncall.store.models import EngineHeartbeat, Notification
from tests.conftest import TEST_SECRET
from tests.fakes.deadman import DeadMan
from tests.reliability.conftest import base_env, seed, trigger_body, wait_until

pytestmark = pytest.mark.reliability
T0 = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)


def _app(db_url: str, **settings):
    return create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True, **settings})


def _ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_readyz_is_503_when_no_engine_ticked_for_three_intervals(app, db_url):
    app = _app(db_url, tick_seconds=5)
    client = app.test_client()
    engine = app.extensions["oncall.escalation"]
    try:
        with freeze_time(T0) as clock:
            assert _ready(client) == (200, {"status": "ok", "database": "ok", "engine": "never_ticked",
                                            "engine_last_tick_at": None, "engine_workers": 0})
            engine.tick()
            status, body = _ready(client)
            assert (status, body["engine"], body["engine_last_tick_at"]) == (200, "ok", "2026-12-05T02:00:00Z")
            clock.tick(timedelta(seconds=15))  # exactly three intervals: still fine
            assert _ready(client)[0] == 200
            clock.tick(timedelta(seconds=0.001))
            status, body = _ready(client)
            assert (status, body["status"], body["engine"], body["database"]) == (503, "unavailable", "stalled", "ok")
            # metrics still answer and say how old the last tick is
            metrics = client.get("/metrics").get_data(as_text=True)
            assert "oncall_engine_last_tick_age_seconds 15.001" in metrics
            engine.tick()
            assert _ready(client)[0] == 200
            # a second process that died long ago does not make the live one look stalled
            with Session(app.extensions["oncall.engine"]) as s:
                health.beat(s, worker_id="dead-host:1:abc", started_at=T0 - timedelta(days=1),
                            now=T0 - timedelta(hours=1), seconds=0.01)
            status, body = _ready(client)
            assert (status, body["engine"], body["engine_workers"]) == (200, "ok", 2)
    finally:
        app.extensions["oncall.engine"].dispose()


def test_the_dead_man_url_is_called_every_tick_and_never_breaks_it(app, db_url):
    with DeadMan() as deadman:
        app = _app(db_url, deadman_url=deadman.url)
        engine = app.extensions["oncall.escalation"]
        try:
            for _ in range(5):
                engine.tick()
            assert deadman.count == 5
            with Session(app.extensions["oncall.engine"]) as s:
                [beat] = s.execute(select(EngineHeartbeat)).scalars().all()
            assert beat.ticks == 5 and beat.worker_id == engine.worker_id

            failures = DEADMAN_FAILURES._value.get()
            deadman.fail_with(500)
            engine.tick()
            assert deadman.count == 6 and DEADMAN_FAILURES._value.get() == failures + 1
            deadman.stop()  # unreachable: refused at once
            started = time.monotonic()
            engine.tick()
            assert time.monotonic() - started < 3
            assert DEADMAN_FAILURES._value.get() == failures + 2
            with Session(app.extensions["oncall.engine"]) as s:
                assert s.execute(select(EngineHeartbeat.ticks)).scalar_one() == 7
        finally:
            app.extensions["oncall.engine"].dispose()


class SlowNotifier:
    """Records every message and takes ``seconds`` per send, like a slow provider."""

    def __init__(self, channel: str, seconds: float):
        self.channel, self.seconds, self.sent = channel, seconds, []

    def send(self, message):
        time.sleep(self.seconds)
        self.sent.append(message)
        return SendResult(ok=True, provider_id=f"slow-{message.notification_id}")


def test_a_long_tick_keeps_beating_so_a_busy_engine_is_not_called_stalled(app, db_url):
    interval, per_send, events = 0.4, 0.1, 40  # one tick: >= 4 s of sends, over three stall windows
    world = seed(db_url)
    notifier = SlowNotifier("pagerduty", per_send)
    with DeadMan() as deadman:
        app = _app(db_url, tick_seconds=interval, deadman_url=deadman.url,
                   notifiers={"pagerduty": notifier, "sms": SlowNotifier("sms", 0)},
                   ingest_rate_per_minute=100_000)
        client = app.test_client()
        try:
            key = world.integrations["pagerduty"]["key"]
            for n in range(events):
                assert client.post("/v2/enqueue", json=trigger_body(key, f"busy-{n}")).status_code == 202
            readings: list[int] = []
            done = threading.Event()

            def watch():
                watcher = app.test_client()
                while not done.is_set():
                    response = watcher.get("/readyz")
                    readings.append((round(time.monotonic() - started, 2), response.status_code,
                                     response.get_json().get("engine_last_tick_at")))
                    time.sleep(interval / 2)

            started = time.monotonic()
            watcher = threading.Thread(target=watch)
            watcher.start()
            result = app.extensions["oncall.escalation"].tick()
            took = time.monotonic() - started
            done.set()
            watcher.join()
            assert result.sent == events and len(notifier.sent) == events
            assert took > 3 * (3 * interval), took  # the tick really outlasted the stall threshold, thrice
            assert readings and {status for _, status, _ in readings} == {200}, str(readings)
            assert deadman.count >= took / interval / 2, (deadman.count, took)
            with Session(app.extensions["oncall.engine"]) as s:
                assert s.execute(select(EngineHeartbeat.ticks)).scalar_one() == 1  # progress beats are not ticks
                assert set(s.execute(select(Notification.status)).scalars()) == {"sent"}
        finally:
            app.extensions["oncall.engine"].dispose()


def test_a_frozen_worker_process_shows_as_stalled_and_its_pings_stop(pg_database, procs):
    interval = 0.2
    db_url = pg_database()
    seed(db_url)
    with DeadMan() as deadman:
        worker = procs.worker(base_env(ONCALL_DATABASE_URL=db_url, ONCALL_TICK_SECONDS=interval,
                                       ONCALL_DEADMAN_URL=deadman.url))
        web = _app(db_url, tick_seconds=interval)  # only answers /readyz: no engine of its own
        client = web.test_client()
        try:
            wait_until(lambda: deadman.count >= 5, timeout=20, what="five dead-man pings", log=worker.log,
                       failed=lambda: not worker.alive())
            assert _ready(client)[0] == 200

            worker.signal(signal.SIGSTOP)
            stopped_at = time.monotonic()
            wait_until(lambda: _ready(client)[0] == 503, timeout=5, what="/readyz 503 for a frozen worker")
            assert _ready(client)[1]["engine"] == "stalled"
            time.sleep(1.0)
            assert deadman.hits_between(stopped_at + 0.1, time.monotonic()) == 0

            worker.signal(signal.SIGCONT)
            resumed_at = time.monotonic()
            wait_until(lambda: _ready(client)[0] == 200, timeout=5, what="/readyz 200 once the worker runs again")
            wait_until(lambda: deadman.hits_between(resumed_at, time.monotonic()) >= 3, timeout=5,
                       what="dead-man pings once the worker runs again")

            with Session(web.extensions["oncall.engine"]) as s:
                [beat] = s.execute(select(EngineHeartbeat)).scalars().all()
            assert f":{worker.pid}:" in beat.worker_id
            assert abs(deadman.count - beat.ticks) <= 1, (deadman.count, beat.ticks)  # one ping per tick
        finally:
            web.extensions["oncall.engine"].dispose()
        assert worker.stop() == 0, worker.log()  # SIGTERM: a clean exit
