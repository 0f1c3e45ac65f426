"""PostgreSQL goes away while events pour in, then comes back.

A real ``oncall serve`` (gunicorn, its own tick) reaches a private PostgreSQL database
through a TCP proxy the test controls; ingest runs continuously from several threads; the
proxy is cut for a few seconds (every connection closed, new ones refused: what clients see
when the server stops) and restored. The shared PostgreSQL server itself is never touched.

The contract under test (DESIGN §3): an event is committed before its 202. So during the
outage every answer is a 503 with ``Retry-After`` (never a 202, never a 500), and after it
every event that got a 202 is in the database and escalates (its page reaches the fake
PagerDuty). Meanwhile /readyz says 503 and the dead-man pings stop: a dead engine must not
look alive.
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
import requests
from sqlalchemy import make_url, select
from sqlalchemy.exc import OperationalError

from oncall.store.db import make_engine
from oncall.store.models import Incident, Notification
from tests.fakes import FakePagerDuty
from tests.fakes.deadman import DeadMan
from tests.fakes.tcp_proxy import TcpProxy
from tests.reliability.conftest import IngestLoad, base_env, seed, wait_until

pytestmark = pytest.mark.reliability
ROUTING_KEY = "R" * 32
OUTAGE_SECONDS = 4.0
TICK_SECONDS = 0.5


def _through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def _outbox_report(url: str, keys: set[str]) -> str:
    db = make_engine(url)
    try:
        with db.connect() as conn:
            rows = conn.execute(select(Incident.dedup_key, Incident.escalation_state, Incident.level,
                                       Notification.status, Notification.attempts, Notification.claimed_until,
                                       Notification.error)
                                .join(Notification, Notification.incident_id == Incident.id, isouter=True)
                                .where(Incident.dedup_key.in_(sorted(keys)[:20]))).all()
    finally:
        db.dispose()
    return f"not paged ({len(keys)}): " + "\n".join(map(str, rows)) + "\n"


def test_postgres_outage_during_ingest_is_503_then_nothing_accepted_is_lost(pg_database, procs):
    direct_url = pg_database()
    world = seed(direct_url)
    routing_key = world.integrations["pagerduty"]["key"]
    target = make_url(direct_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    try:
        with FakePagerDuty() as pd, DeadMan() as deadman:
            env = base_env(ONCALL_DATABASE_URL=_through(proxy, direct_url), ONCALL_TICK_SECONDS=TICK_SECONDS,
                           ONCALL_PAGERDUTY_ROUTING_KEY=ROUTING_KEY, ONCALL_PAGERDUTY_EVENTS_BASE=pd.base_url,
                           SSL_CERT_FILE=pd.ca_path, ONCALL_DEADMAN_URL=deadman.url,
                           ONCALL_INGEST_RATE_PER_MINUTE=1_000_000)
            serve, url = procs.serve(env, workers=1, threads=8)
            wait_until(lambda: requests.get(url + "/readyz", timeout=2).status_code == 200, timeout=15,
                       what="/readyz 200 before the outage", log=serve.log)

            load = IngestLoad(url, routing_key, threads=6).start()
            wait_until(lambda: sum(a.status == 202 for a in load.answers) >= 20, timeout=20,
                       what="20 events accepted before the outage", log=serve.log)

            proxy.cut()
            cut_at = time.monotonic()
            time.sleep(1.0)
            ready_during = requests.get(url + "/readyz", timeout=10)
            time.sleep(OUTAGE_SECONDS - 1.0)
            restore_at = time.monotonic()
            proxy.restore()

            wait_until(lambda: any(a.status == 202 and a.sent > restore_at for a in load.answers), timeout=15,
                       what="a 202 after the database came back", log=serve.log)
            recovered_at = min(a.answered for a in load.answers if a.status == 202 and a.sent > restore_at)
            time.sleep(1.5)
            answers = load.stop()

            # -- the answers ---------------------------------------------------------------------
            statuses = Counter(a.status for a in answers)
            odd = [a for a in answers if a.status not in (202, 503)]
            assert not odd, f"answers other than 202/503: {[(a.status, a.body, a.error) for a in odd][:5]}\n{serve.log()[-3000:]}"
            for a in answers:
                if a.status == 503:
                    assert a.retry_after and int(a.retry_after) > 0, a
                    assert a.body["error"] == "database_unavailable", a.body
                else:
                    assert a.body["status"] == "success" and a.body["dedup_key"] == a.dedup_key, a.body
            during = [a for a in answers if a.sent >= cut_at and a.answered <= restore_at]
            assert during, "no request was answered during the outage"
            assert all(a.status == 503 for a in during), Counter(a.status for a in during)
            assert statuses[503] >= 5, statuses
            assert recovered_at - restore_at < 10, "the service took too long to come back"

            assert ready_during.status_code == 503, ready_during.text
            assert ready_during.json()["database"].startswith("unreachable"), ready_during.json()
            wait_until(lambda: requests.get(url + "/readyz", timeout=2).status_code == 200, timeout=10,
                       what="/readyz 200 after the outage", log=serve.log)

            # -- the dead-man switch went quiet while the engine could not tick --------------------
            assert deadman.hits_between(cut_at + 2 * TICK_SECONDS, restore_at) == 0
            assert deadman.hits_between(cut_at - 3, cut_at) > 0
            wait_until(lambda: deadman.hits_between(restore_at, time.monotonic()) > 0, timeout=10,
                       what="dead-man pings after the outage")

            # -- nothing that was accepted is lost, and all of it escalates -----------------------
            accepted = {a.dedup_key for a in answers if a.status == 202}
            db = make_engine(direct_url)
            try:
                with db.connect() as conn:
                    stored = Counter(conn.execute(select(Incident.dedup_key)).scalars())
            finally:
                db.dispose()
            assert accepted <= set(stored), f"accepted but not stored: {sorted(accepted - set(stored))[:10]}"
            assert max(stored.values()) == 1, "an event opened two incidents"

            def paged():
                return {e["dedup_key"] for e in pd.events if e["event_action"] == "trigger"}

            wait_until(lambda: accepted <= paged(), timeout=30, interval=0.2,
                       what=f"a PagerDuty trigger for each of the {len(accepted)} accepted events",
                       log=lambda: _outbox_report(direct_url, accepted - paged()) + serve.log()[-4000:])
            # every page belongs to an event that was stored (a 503'd event may still have been
            # committed if only the answer was lost; it then pages like any other)
            assert paged() <= set(stored)
    finally:
        proxy.cut()


# -- the same, one step at a time, in-process ---------------------------------------------------
# The database fails between the steps of one send (claim, provider call, record). The
# process still holds its lease, so its next tick finishes the job: no waiting for the 60 s
# lease to expire, and never a second message for one that went out.

@pytest.fixture
def h(app, db_url, monkeypatch):
    from tests.engine.harness import Harness

    harness = Harness(db_url, monkeypatch)
    yield harness
    harness.close()


def _db_down(*_args, **_kwargs):
    raise OperationalError("UPDATE notification ...", {}, Exception("server closed the connection unexpectedly"))


def _fail_once(monkeypatch, owner, name):
    real = getattr(owner, name)
    failed = []

    def wrapper(*args, **kwargs):
        if not failed:
            failed.append(True)
            _db_down()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def _pd_note(h, incident_id):
    [note] = [n for n in h.notification_rows(incident_id) if n.channel == "pagerduty"]
    return note


def test_database_lost_after_the_provider_call_is_recorded_later_and_not_sent_again(h, monkeypatch):
    from oncall.engine.send import Sender
    from tests.engine.harness import level, soc

    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty"])], business_hours=False)
    incident = h.trigger(w.integration, "INC-DB-0001")
    _fail_once(monkeypatch, Sender, "record")
    with pytest.raises(OperationalError):
        h.tick()
    assert len(h.pd.requests) == 1 and _pd_note(h, incident).status == "sending"
    h.advance(2)
    h.tick()
    note = _pd_note(h, incident)
    assert (note.status, note.attempts, note.provider_id) == ("sent", 1, "INC-DB-0001")
    h.expect_pd_event("trigger", "INC-DB-0001")
    h.expect_no_more()  # one message on the wire


def test_database_lost_before_the_provider_call_sends_at_the_next_tick_not_after_the_lease(h, monkeypatch):
    from oncall.engine.send import Sender
    from tests.engine.harness import level, soc

    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty"])], business_hours=False)
    incident = h.trigger(w.integration, "INC-DB-0002")
    _fail_once(monkeypatch, Sender, "message")
    with pytest.raises(OperationalError):
        h.tick()
    assert h.pd.requests == [] and _pd_note(h, incident).status == "sending"
    h.advance(2)  # the 60 s lease is far from over
    h.tick()
    note = _pd_note(h, incident)
    assert (note.status, note.attempts) == ("sent", 1)
    h.expect_pd_event("trigger", "INC-DB-0002")
    h.expect_no_more()


def test_a_lease_nearly_over_is_given_back_and_claimed_afresh(h, monkeypatch):
    """Back after 50 s: 10 s of lease left is too little to be sure nobody else sends it."""
    from oncall.engine.send import LEASE, LEASE_MARGIN, Sender
    from tests.engine.harness import level, soc

    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty"])], business_hours=False)
    incident = h.trigger(w.integration, "INC-DB-0003")
    _fail_once(monkeypatch, Sender, "message")
    with pytest.raises(OperationalError):
        h.tick()
    h.advance((LEASE - LEASE_MARGIN).total_seconds() + 5)
    h.tick()
    note = _pd_note(h, incident)
    assert (note.status, note.attempts) == ("sent", 1), note  # the given-back attempt does not count
    h.expect_pd_event("trigger", "INC-DB-0003")
    h.expect_no_more()
