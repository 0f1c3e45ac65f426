"""Concurrent deliveries: every one answered 202 (none a 503 for a lock), one incident per open ticket."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from tests.inbound.conftest import counts

THREADS = 8
EACH = 8


def _hammer(app, send) -> Counter:
    """``send(client, thread, n)`` from THREADS threads at once, EACH times; the status codes."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def run(thread: int) -> None:
        client = app.test_client()
        barrier.wait()
        for n in range(EACH):
            code = send(client, thread, n).status_code
            with lock:
                statuses[code] += 1

    workers = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return statuses


@pytest.mark.parametrize("source", ["events_v2", "generic"])
def test_concurrent_new_and_repeated_tickets(inbound, app, session, source):
    hook = inbound.integration(source, rate_limit_per_minute=100_000)

    def send(client, thread, n):
        ticket = "HOT-1" if n % 2 else f"T-{thread}-{n}"  # half of them all repeat one ticket
        if source == "events_v2":
            return client.post("/v2/enqueue", json={
                "routing_key": hook.key, "event_action": "trigger", "dedup_key": ticket,
                "payload": {"summary": f"ticket {ticket}", "source": "siem", "severity": "critical"}})
        return client.post(f"/integrations/{hook.key}", json={"id": ticket, "title": ticket, "severity": "critical"})

    statuses = _hammer(app, send)
    assert statuses == {202: THREADS * EACH}
    unique = THREADS * EACH // 2
    assert counts(session) == {"incident": unique + 1, "inbound_event": THREADS * EACH,
                               "timeline_entry": THREADS * EACH}
    hot = [i for i in inbound.incidents(limit=500) if i["dedup_key"] == "HOT-1"]
    assert len(hot) == 1
    kinds = Counter(e["kind"] for e in inbound.incident(hot[0]["id"])["timeline"])
    assert kinds == {"triggered": 1, "event_appended": THREADS * EACH // 2 - 1}


def test_concurrent_trigger_and_resolve_never_half_apply(inbound, app, session):
    hook = inbound.integration("generic", rate_limit_per_minute=100_000)

    def send(client, thread, n):
        action = "resolve" if thread % 2 else "trigger"
        return client.post(f"/integrations/{hook.key}", json={"id": f"T-{n}", "title": "t", "severity": "critical",
                                                               "action": action})

    assert _hammer(app, send) == {202: THREADS * EACH}
    for incident in inbound.incidents(limit=500):
        kinds = [e["kind"] for e in inbound.incident(incident["id"])["timeline"]]
        assert kinds[0] == "triggered"
        assert (incident["status"] == "resolved") == ("resolved" in kinds)
    # at most one open incident per ticket
    open_keys = Counter(i["dedup_key"] for i in inbound.incidents(limit=500) if i["status"] != "resolved")
    assert all(n == 1 for n in open_keys.values())
