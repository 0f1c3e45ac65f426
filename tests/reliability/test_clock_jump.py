"""The wall clock steps: forward by an hour (NTP fix, VM resumed, laptop woke), or back.

Several incidents are due at different times inside the hour that was jumped over. After
the jump each due step fires exactly once, the steps fire in deadline order (which is the
order of the timeline entries and of the messages on the wire), nothing that was not due is
fired, and the step after each one is timed from the moment it really fired. Stepping back
fires nothing early and repeats nothing.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.engine.harness import Harness, level, soc

pytestmark = pytest.mark.reliability

# (dedup key, minutes after t0 it is triggered, level-1 timeout in minutes)
INCIDENTS = [
    ("INC-A", 0, 40),   # level 2 due at t0+40
    ("INC-B", 1, 10),   # due at t0+11
    ("INC-C", 2, 25),   # due at t0+27
    ("INC-D", 3, 90),   # due at t0+93: not inside the jumped hour
    ("INC-E", 4, 50),   # due at t0+54
]
DUE_ORDER = ["INC-B", "INC-C", "INC-A", "INC-E"]


@pytest.fixture
def h(app, db_url, monkeypatch):
    # ``app`` first: the app's modules (pydantic models) are imported before the clock is frozen
    harness = Harness(db_url, monkeypatch)
    yield harness
    harness.close()


def _world(h: Harness):
    alice = h.user("Alice", pagerduty_user_id="PALICE1")
    bob = h.user("Bob")
    team = h.team(members=[alice, bob])
    integrations = {}
    for key, _, minutes in INCIDENTS:
        policy = h.policy(team, [level(alice, channels=["pagerduty"], timeout=minutes * 60),
                                 level(bob, channels=["sms"], timeout=30 * 60)],
                          page_during_business_hours=True, name=f"policy for {key}")
        integrations[key] = h.integration(team, policy)
    return alice, bob, integrations


def _level_entries(h: Harness, ids: dict[str, int], level_no: int) -> list[tuple[int, str, str]]:
    """(timeline entry id, dedup key, at) of every ``level_started`` entry for ``level_no``."""
    found = []
    for key, incident_id in ids.items():
        for entry in h.timeline(incident_id):
            if entry["kind"] == "level_started" and entry["data"]["level"] == level_no:
                found.append((entry["id"], key, entry["at"]))
    return sorted(found)


def test_clock_jumping_an_hour_fires_each_due_step_once_in_deadline_order(h):
    alice, bob, integrations = _world(h)
    t0 = h.now()
    ids = {}
    for key, minute, _ in INCIDENTS:
        h.clock.move_to(t0 + timedelta(minutes=minute))
        ids[key] = h.trigger(integrations[key], key, f"Alert {key}")
        h.tick()
        h.expect_pd_event("trigger", key)
    h.expect_no_more()

    jumped_to = t0 + timedelta(minutes=4, hours=1)
    h.clock.move_to(jumped_to)
    h.tick()
    for _ in range(3):  # more ticks in the same instant change nothing
        h.tick()

    level2 = _level_entries(h, ids, 2)
    assert [key for _, key, _ in level2] == DUE_ORDER, level2
    assert {at for _, _, at in level2} == {_z(jumped_to)}
    # on the wire: one SMS per due incident, in deadline order, and nothing else
    bodies = [h.expect_sms(bob["phone"])["body"] for _ in DUE_ORDER]
    assert [next(k for k in DUE_ORDER if f"Alert {k}" in body) for body in bodies] == DUE_ORDER
    h.expect_no_more()

    # the next step is timed from when the step really fired, not from the missed deadline
    for key in DUE_ORDER:
        detail = h.incident(ids[key])
        assert detail["level"] == 2, detail
        pages = [n for n in detail["notifications"] if n["level"] == 2]
        assert len(pages) == 1 and pages[0]["status"] == "sent", pages
    # INC-D is untouched until its own deadline (t0+93 min)
    assert h.incident(ids["INC-D"])["level"] == 1
    h.clock.move_to(t0 + timedelta(minutes=93) - timedelta(seconds=1))
    h.tick()
    h.expect_no_more()
    h.clock.move_to(t0 + timedelta(minutes=93))
    h.tick()
    assert "Alert INC-D" in h.expect_sms(bob["phone"])["body"]
    h.expect_no_more()

    # each exhausted exactly 30 minutes after its level 2 fired, all at once, in order
    h.clock.move_to(jumped_to + timedelta(minutes=30) - timedelta(seconds=1))
    h.tick()
    assert all("exhausted" not in h.kinds(ids[k]) for k in DUE_ORDER)
    h.clock.move_to(jumped_to + timedelta(minutes=30))
    h.tick()
    for key in DUE_ORDER:
        kinds = h.kinds(ids[key])
        assert kinds.count("level_started") == 2 and kinds.count("exhausted") == 1, (key, kinds)
    h.expect_no_more()


def test_clock_stepping_back_fires_nothing_early_and_repeats_nothing(h):
    alice, bob, integrations = _world(h)
    t0 = h.now()
    key = "INC-B"  # level 1 times out after 10 minutes
    incident = h.trigger(integrations[key], key, f"Alert {key}")
    h.tick()
    h.expect_pd_event("trigger", key)

    h.clock.move_to(t0 + timedelta(minutes=10))  # level 2 fires
    h.tick()
    h.expect_sms(bob["phone"])
    h.clock.move_to(t0 - timedelta(hours=1))  # the clock is corrected backwards by an hour
    for _ in range(3):
        h.tick()
    h.expect_no_more()
    h.clock.move_to(t0 + timedelta(minutes=10))  # back where it was: the same instant again
    h.tick()
    h.expect_no_more()
    kinds = h.kinds(incident)
    assert kinds.count("level_started") == 2, kinds
    assert "exhausted" not in kinds
    h.clock.move_to(t0 + timedelta(minutes=40))
    h.tick()
    assert h.kinds(incident).count("exhausted") == 1
    h.expect_no_more()


def _z(instant) -> str:
    return instant.isoformat().replace("+00:00", "Z")
