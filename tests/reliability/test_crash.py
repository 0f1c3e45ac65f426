"""Crash safety: a worker SIGKILLed again and again while incidents escalate loses nothing.

A real ``python -m oncall.cli worker`` (its own process, its own tick every 0.2 s) pages
through the production notifiers to fake PagerDuty (HTTPS, its CA in ``SSL_CERT_FILE``) and
fake Twilio, both on 127.0.0.1 in this process. Each fake holds every request 10 ms, so a
kill usually lands between a provider call and its record. The test kills the worker (by its
own PID), restarts it, and at the end checks every page reached a provider, and that none
went twice except in the documented send-then-crash window: at most one per kill.

A killed worker's claims stay leased for 60 s (``engine/send.py``: LEASE). Rather than wait,
the test moves those leases' expiry into the past between a kill and the restart, which is
what 60 s of waiting would do; no other worker is alive at that moment.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from oncall import clock
from oncall.services import ack_tokens, policies
from oncall.store.db import make_engine
from oncall.store.models import (EscalationLevel, EscalationPolicy, EscalationTarget, Incident, Notification,
                                 NotificationStatus, Team, User)
from tests.engine.harness import no_nagle
from tests.fakes import FakePagerDuty, FakeTwilio

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[2]
SECRET = "crash-test-secret"
ROUTING_KEY = "C" * 32
INCIDENTS = 200  # half paged in PagerDuty (Alice), half by SMS (Bob): 200 pages
KILLS = 4
DEADLINE_SECONDS = 55  # a hang guard per backend: a run takes 15-40 s, mostly the worker's 5 starts


def seed(db_url: str) -> int:
    engine = make_engine(db_url)
    now = clock.now()
    with Session(engine) as s:
        team = Team(name="SOC", timezone="UTC")
        users = [User(name=n, email=f"{n.lower()}@soc.example", phone=p, timezone="UTC")
                 for n, p in (("Alice", "+14155550001"), ("Bob", "+14155550002"))]
        s.add_all([team, *users])
        s.flush()
        snapshots = []
        for channel, user in zip(("pagerduty", "sms"), users):
            policy = EscalationPolicy(team_id=team.id, name=channel)
            s.add(policy)
            s.flush()
            lv = EscalationLevel(policy_id=policy.id, position=0, ack_timeout_seconds=3600, channels=[channel])
            s.add(lv)
            s.flush()
            s.add(EscalationTarget(level_id=lv.id, position=0, type="user", target_id=user.id))
            s.flush()
            snapshots.append((policy.id, policies.snapshot(session=s, policy_id=policy.id)))
        s.execute(insert(Incident), [
            {"team_id": team.id, "policy_id": snapshots[n % 2][0], "source": "generic", "external_id": f"INC{n:07d}",
             "dedup_key": f"INC{n:07d}", "title": f"Alert {n}", "severity": "critical", "status": "triggered",
             "urgency": "high", "details": {}, "created_at": now, "policy_snapshot": snapshots[n % 2][1],
             "level": 0, "loop": 0, "next_deadline": now, "escalation_state": "pending"}
            for n in range(INCIDENTS)])
        s.commit()
    engine.dispose()
    return INCIDENTS


def notification_id(text: str) -> int:
    token = text.split("/ack/", 1)[1].split()[0]
    return ack_tokens.read(SECRET, token, max_age=10**9)


def test_sigkilled_worker_loses_nothing_and_repeats_at_most_one_page_per_kill(db_url, tmp_path):
    expected_pages = seed(db_url)
    with FakePagerDuty() as pd, FakeTwilio() as twilio:
        no_nagle(pd), no_nagle(twilio)
        pd.delay_next(10 * expected_pages, 0.01)
        twilio.delay_next(10 * expected_pages, 0.01)
        env = {**os.environ,
               "ONCALL_DATABASE_URL": db_url, "ONCALL_SECRET_KEY": SECRET, "ONCALL_TICK_SECONDS": "0.2",
               "ONCALL_BASE_URL": "http://127.0.0.1:8080",
               "ONCALL_PAGERDUTY_ROUTING_KEY": ROUTING_KEY, "ONCALL_PAGERDUTY_EVENTS_BASE": pd.base_url,
               "SSL_CERT_FILE": pd.ca_path,
               "ONCALL_TWILIO_ACCOUNT_SID": twilio.account_sid, "ONCALL_TWILIO_AUTH_TOKEN": twilio.auth_token,
               "ONCALL_TWILIO_FROM": "+15005550006", "ONCALL_TWILIO_API_BASE": twilio.base_url}
        for name in ("ONCALL_DEADMAN_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            env.pop(name, None)
        log_path = tmp_path / "worker.log"
        db = make_engine(db_url)
        rng = random.Random(20261205)
        started = time.monotonic()

        def wire() -> int:
            return len(pd.requests) + len(twilio.requests)

        def sent() -> int:
            with Session(db) as s:
                return s.execute(select(func.count()).select_from(Notification)
                                 .where(Notification.status == NotificationStatus.sent.value)).scalar()

        def start() -> subprocess.Popen:
            with open(log_path, "ab") as log:
                return subprocess.Popen([sys.executable, "-m", "oncall.cli", "--log-level", "WARNING", "worker"],
                                        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)

        def log_tail() -> str:
            return log_path.read_text(errors="replace")[-3000:]

        kills = 0
        worker = start()
        try:
            while kills < KILLS:
                # let it make some progress first, then kill it somewhere in the middle of work
                before = wire()
                while wire() < before + 3:
                    assert worker.poll() is None, f"worker died by itself:\n{log_tail()}"
                    assert time.monotonic() - started < DEADLINE_SECONDS, f"no progress:\n{log_tail()}"
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 0.3))
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
                kills += 1
                if sent() == expected_pages:
                    break
                # what 60 s of waiting would do: the dead worker's leases run out
                with Session(db) as s:
                    s.execute(update(Notification).where(Notification.status == NotificationStatus.sending.value)
                              .values(claimed_until=clock.now() - timedelta(seconds=1)))
                    s.commit()
                worker = start()
            while sent() < expected_pages:
                assert worker.poll() is None, f"worker died by itself:\n{log_tail()}"
                assert time.monotonic() - started < DEADLINE_SECONDS, (
                    f"only {sent()} of {expected_pages} pages sent:\n{log_tail()}")
                time.sleep(0.1)
        finally:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

        # Every page is in the database as sent, exactly one per incident.
        with Session(db) as s:
            notes = list(s.execute(select(Notification.id, Notification.incident_id, Notification.user_id,
                                          Notification.channel, Notification.status)).all())
            levels = Counter(s.execute(select(Incident.level)).scalars())
        db.dispose()
        assert len(notes) == expected_pages and {n.status for n in notes} == {"sent"}
        assert len({(n.incident_id, n.user_id) for n in notes}) == expected_pages
        assert levels == {1: INCIDENTS}

        # On the wire: each page at least once; repeats only from the send-then-crash window.
        on_wire = [notification_id(m["body"]) for m in twilio.messages]
        on_wire += [notification_id(e["links"][0]["href"]) for e in pd.events if e["event_action"] == "trigger"]
        counts = Counter(on_wire)
        assert set(counts) == {n.id for n in notes}, "a page never reached its provider"
        duplicates = sum(c - 1 for c in counts.values())
        assert kills == KILLS, f"finished after {kills} kills: the test did not crash the worker enough"
        assert duplicates <= kills, f"{duplicates} repeated pages after {kills} kills: {counts.most_common(5)}"
        by_channel = Counter(n.channel for n in notes)
        assert by_channel == {"pagerduty": INCIDENTS // 2, "sms": INCIDENTS // 2}
        print(f"\n{db_url.split(':')[0]}: {kills} kills, {duplicates} repeated page(s), "
              f"{time.monotonic() - started:.1f} s")
