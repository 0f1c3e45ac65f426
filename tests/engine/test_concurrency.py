"""Two workers, one database: every step happens once (PostgreSQL, ``FOR UPDATE SKIP LOCKED``).

Two :class:`EscalationEngine` instances, each with its own SQLAlchemy engine (its own
connection pool, as two processes would have), tick at the same time over 500 due
incidents. A recording notifier notes every notification it is asked to send.

SQLite has a single writer, so the race this guards against cannot happen there in the same
way; this file alone skips the SQLite half.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from oncall import clock
from oncall.engine.tick import EscalationEngine
from oncall.notifiers.base import SendResult
from oncall.services import policies
from oncall.store.db import make_engine
from oncall.store.models import (EscalationLevel, EscalationPolicy, EscalationTarget, Incident, Notification,
                                 Team, TimelineEntry, User)

INCIDENTS = 500


class Recorder:
    """Thread-safe: records (notification id, worker) for every send."""

    def __init__(self, worker: str, sent: list, lock: threading.Lock):
        self.worker, self.sent, self.lock = worker, sent, lock

    def send(self, message):
        with self.lock:
            self.sent.append((message.notification_id, self.worker))
        return SendResult(ok=True, provider_id=f"{self.worker}-{message.notification_id}")


def seed(db_url: str) -> None:
    engine = make_engine(db_url)
    now = clock.now()
    with Session(engine) as s:
        team = Team(name="SOC", timezone="America/New_York")
        user = User(name="Alice", email="alice@soc.example", phone="+14155550001", timezone="UTC")
        s.add_all([team, user])
        s.flush()
        policy = EscalationPolicy(team_id=team.id, name="critical")
        s.add(policy)
        s.flush()
        for position, channel in enumerate(["sms", "pagerduty"]):
            lv = EscalationLevel(policy_id=policy.id, position=position, ack_timeout_seconds=600, channels=[channel])
            s.add(lv)
            s.flush()
            s.add(EscalationTarget(level_id=lv.id, position=0, type="user", target_id=user.id))
        s.flush()
        snapshot = policies.snapshot(session=s, policy_id=policy.id)
        s.execute(insert(Incident), [
            {"team_id": team.id, "policy_id": policy.id, "source": "generic", "external_id": f"INC{n:07d}",
             "dedup_key": f"INC{n:07d}", "title": f"Alert {n}", "severity": "critical", "status": "triggered",
             "urgency": "high", "details": {}, "created_at": now, "policy_snapshot": snapshot, "level": 0,
             "loop": 0, "next_deadline": now - timedelta(seconds=1), "escalation_state": "pending"}
            for n in range(INCIDENTS)])
        s.commit()
    engine.dispose()


def test_two_workers_send_every_notification_exactly_once(db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has a single writer: the concurrent-claim race is PostgreSQL's")
    seed(db_url)
    sent: list[tuple[int, str]] = []
    lock = threading.Lock()
    workers = []
    for name in ("w1", "w2"):
        recorder = Recorder(name, sent, lock)
        workers.append(EscalationEngine(db=make_engine(db_url), notifiers={"sms": recorder, "pagerduty": recorder},
                                        secret_key="k", base_url="http://oncall.test"))
    barrier = threading.Barrier(len(workers))
    results, errors = {}, []

    def run(name: str, worker: EscalationEngine) -> None:
        try:
            barrier.wait(timeout=10)
            total = [0, 0]
            while True:  # tick until a tick finds nothing (each tick drains what it can claim)
                result = worker.tick()
                total[0] += result.advanced
                total[1] += result.sent
                if not result.advanced and not result.sent:
                    break
            results[name] = total
        except BaseException as exc:  # surfaces in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"w{i + 1}", w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, errors

    engine = make_engine(db_url)
    with Session(engine) as s:
        notes = list(s.execute(select(Notification.id, Notification.incident_id, Notification.status,
                                      Notification.attempts)).all())
        levels = Counter(s.execute(select(Incident.level)).scalars())
        started = s.execute(select(func.count()).select_from(TimelineEntry)
                            .where(TimelineEntry.kind == "level_started")).scalar()
    engine.dispose()
    for worker in workers:
        worker.db.dispose()

    ids = [n for n, _ in sent]
    duplicates = [n for n, count in Counter(ids).items() if count > 1]
    assert duplicates == [], f"sent twice: {duplicates[:10]}"
    assert len(notes) == INCIDENTS  # one page per incident: level 1, Alice, SMS
    assert sorted(ids) == sorted(n.id for n in notes)
    assert {(n.status, n.attempts) for n in notes} == {("sent", 1)}
    assert Counter(n.incident_id for n in notes) == Counter({i: 1 for i in {n.incident_id for n in notes}})
    assert levels == {1: INCIDENTS}  # every incident at level 1, none advanced twice
    assert started == INCIDENTS
    # both workers took part (otherwise nothing was raced)
    assert results["w1"][0] > 0 and results["w2"][0] > 0, results
    assert results["w1"][1] + results["w2"][1] == INCIDENTS
    assert Counter(w for _, w in sent) == Counter({"w1": results["w1"][1], "w2": results["w2"][1]})
