"""Two engines and a web process on one PostgreSQL, under load: each page goes out once.

Real processes, as deployed (docs/deploy.md): ``oncall serve --workers 2`` (two gunicorn
workers, each with its own tick) and two ``oncall worker`` processes: four engines ticking
every 0.2 s against one private PostgreSQL database, with the fake PagerDuty (https, its
own CA) and the fake Twilio on the wire. A few hundred events arrive concurrently, some of
them twice. At the end: exactly one message on the wire per incident (counted at the fakes,
per PagerDuty dedup key and per SMS reply code), one outbox row each, sent on its first
attempt, and no backlog — while every engine took part in the ticking.
"""
from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from oncall.store.db import make_engine
from oncall.store.models import EngineHeartbeat, Incident, Notification
from tests.fakes import FakePagerDuty, FakeTwilio
from tests.reliability.conftest import base_env, seed, trigger_body, wait_until

pytestmark = pytest.mark.reliability
ROUTING_KEY = "R" * 32
EVENTS = 300  # distinct tickets: half page by PagerDuty, half by SMS
REPEATS = 40  # of them sent a second time (a webhook retried): joins the incident, pages nobody
REPLY_CODE = re.compile(r"reply ACK (\d+)$")


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, re.M)
    assert match, f"{name} not in /metrics"
    return float(match[1])


def test_two_workers_and_two_web_workers_send_each_page_exactly_once(pg_database, procs):
    db_url = pg_database()
    world = seed(db_url, channels=("pagerduty", "sms"))
    keys = {channel: world.integrations[channel]["key"] for channel in ("pagerduty", "sms")}
    with FakePagerDuty() as pd, FakeTwilio() as twilio:
        env = base_env(
            ONCALL_DATABASE_URL=db_url, ONCALL_TICK_SECONDS=0.2, ONCALL_BASE_URL="https://oncall.example.test",
            ONCALL_PAGERDUTY_ROUTING_KEY=ROUTING_KEY, ONCALL_PAGERDUTY_EVENTS_BASE=pd.base_url,
            SSL_CERT_FILE=pd.ca_path, ONCALL_TWILIO_ACCOUNT_SID=twilio.account_sid,
            ONCALL_TWILIO_AUTH_TOKEN=twilio.auth_token, ONCALL_TWILIO_FROM="+15005550006",
            ONCALL_TWILIO_API_BASE=twilio.base_url, ONCALL_INGEST_RATE_PER_MINUTE=1_000_000)
        workers = [procs.worker(env, name=f"worker-{n}") for n in (1, 2)]
        serve, url = procs.serve(env, workers=2, threads=4)
        logs = lambda: "\n".join(p.name + ":\n" + p.log()[-2000:] for p in [serve, *workers])  # noqa: E731

        # -- a few hundred events, concurrently, some twice ------------------------------------
        tickets = [("pagerduty" if i % 2 == 0 else "sms", f"scale-{i:04d}") for i in range(EVENTS)]
        rng = random.Random(8)
        sends = tickets + rng.sample(tickets, REPEATS)
        rng.shuffle(sends)
        local = threading.local()

        def post(ticket):
            channel, dedup_key = ticket
            if not hasattr(local, "http"):
                local.http = requests.Session()
            response = local.http.post(url + "/v2/enqueue", json=trigger_body(keys[channel], dedup_key), timeout=30)
            return dedup_key, response.status_code, response.json()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(post, sends))
        ingest_seconds = time.monotonic() - started
        assert Counter(status for _, status, _ in answers) == {202: len(sends)}, \
            [a for a in answers if a[1] != 202][:5]
        assert all(body["dedup_key"] == key for key, _, body in answers)

        # -- everything drains -----------------------------------------------------------------
        pd_keys = {key for channel, key in tickets if channel == "pagerduty"}
        sms_count = EVENTS - len(pd_keys)

        def drained():
            return len(pd.requests) >= len(pd_keys) and len(twilio.requests) >= sms_count

        wait_until(drained, timeout=60, interval=0.2, what="every page on the wire", log=logs)
        time.sleep(1.0)  # anything sent twice would show up by now (four engines, 0.2 s ticks)
        wait_until(lambda: _metric(requests.get(url + "/metrics", timeout=5).text, "oncall_outbox_due") == 0,
                   timeout=10, what="an empty outbox in /metrics")
        metrics = requests.get(url + "/metrics", timeout=5).text
        assert _metric(metrics, "oncall_engine_due_incidents") == 0
        assert _metric(metrics, "oncall_outbox_due") == 0

        # -- exactly once on the wire ----------------------------------------------------------
        triggers = Counter(r.json()["dedup_key"] for r in pd.requests if r.json().get("event_action") == "trigger")
        assert len(pd.requests) == len(pd_keys), f"{len(pd.requests)} PagerDuty requests for {len(pd_keys)} incidents"
        assert set(triggers) == pd_keys and max(triggers.values()) == 1, triggers.most_common(3)
        assert all(r.status == 202 for r in pd.requests)
        codes = Counter(REPLY_CODE.search(m["body"])[1] for m in twilio.messages)
        assert len(twilio.requests) == len(twilio.messages) == sms_count, (len(twilio.requests), sms_count)
        assert len(codes) == sms_count and max(codes.values()) == 1, codes.most_common(3)

        # -- and in the database ---------------------------------------------------------------
        db = make_engine(db_url)
        try:
            with db.connect() as conn:
                incidents = conn.execute(select(func.count()).select_from(Incident)).scalar_one()
                notes = conn.execute(select(Notification.channel, Notification.status, Notification.attempts,
                                            func.count()).group_by(Notification.channel, Notification.status,
                                                                   Notification.attempts)).all()
                sms_ids = {str(i) for i in conn.execute(select(Incident.id).where(
                    Incident.dedup_key.in_([k for c, k in tickets if c == "sms"]))).scalars()}
                beats = conn.execute(select(EngineHeartbeat.worker_id, EngineHeartbeat.ticks)).all()
        finally:
            db.dispose()
        assert incidents == EVENTS
        assert sorted(notes) == [("pagerduty", "sent", 1, len(pd_keys)), ("sms", "sent", 1, sms_count)], notes
        assert set(codes) == sms_ids
        # four engines ticked side by side: two workers and both gunicorn workers
        pids = {int(worker_id.split(":")[1]) for worker_id, ticks in beats if ticks > 0}
        assert {w.pid for w in workers} <= pids, (pids, [w.pid for w in workers])
        assert len(pids) == 4, beats
        print(f"\ningest: {len(sends)} events in {ingest_seconds:.1f} s ({len(sends) / ingest_seconds:.0f}/s); "
              f"drained {len(pd_keys)} PagerDuty + {sms_count} SMS pages; heartbeats {sorted(t for _, t in beats)}")

    for proc in [serve, *workers]:
        assert proc.stop() == 0, proc.log()[-3000:]  # SIGTERM: each exits cleanly
