"""PagerDuty is down (500s, then timeouts) for several ticks.

The outbox retries with backoff (5 s, 20 s, 60 s; four attempts in all), each attempt is
recorded on the notification (``attempts``, ``error``) and in the timeline, and when
PagerDuty is given up on, the level's next channel (SMS) goes out in that same tick: at the
moment PagerDuty gives up (85 s after the trigger), not at the level's 10-minute timeout.
The next level still comes at its own deadline, measured from when the level started.

Real notifiers against the fake providers on the wire; the clock is frozen and moved by
hand; the timeouts are real socket timeouts (0.5 s).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from oncall.engine.send import BACKOFF, MAX_ATTEMPTS
from tests.engine.harness import Harness, level, soc

pytestmark = pytest.mark.reliability
NOTIFIER_TIMEOUT = 0.5


@pytest.fixture
def h(app, db_url, monkeypatch):
    # ``app`` first: the app's modules (pydantic models) are imported before the clock is frozen
    harness = Harness(db_url, monkeypatch, notifier_timeout=NOTIFIER_TIMEOUT)
    yield harness
    harness.close()


def _pd_note(h: Harness, incident_id: int) -> dict:
    [note] = [n for n in h.notifications(incident_id) if n["channel"] == "pagerduty"]
    return note


def test_pagerduty_500s_then_timeouts_retry_then_sms_falls_through_when_pagerduty_gives_up(h):
    assert (MAX_ATTEMPTS, BACKOFF) == (4, (timedelta(seconds=5), timedelta(seconds=20), timedelta(seconds=60)))
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty", "sms"], timeout=600),
                                          level(bob, channels=["sms"], timeout=600)])
    h.pd.fail_next(2, 500)
    h.pd.delay_next(2, seconds=NOTIFIER_TIMEOUT * 6)  # held far past the client's timeout
    t0 = h.now()
    incident = h.trigger(w.integration, "INC0020001", "Beaconing from DC-01")

    # attempt 1 (t0): HTTP 500
    h.tick()
    note = _pd_note(h, incident)
    assert (note["status"], note["attempts"]) == ("pending", 1), note
    assert note["error"].startswith("HTTP 500"), note

    # nothing before the backoff is over, whatever the number of ticks
    for _ in range(3):
        h.advance(1.5)
        h.tick()
    assert len(h.pd.requests) == 1

    # attempt 2 (t0+5 s): HTTP 500
    h.advance(0.5)
    h.tick()
    note = _pd_note(h, incident)
    assert (note["status"], note["attempts"], len(h.pd.requests)) == ("pending", 2, 2), note
    assert note["error"].startswith("HTTP 500"), note

    # attempt 3 (t0+25 s): timeout
    h.advance(19.9)
    h.tick()
    assert len(h.pd.requests) == 2, "retried before the 20 s backoff was over"
    h.advance(0.1)
    h.tick()
    note = _pd_note(h, incident)
    assert (note["status"], note["attempts"], len(h.pd.requests)) == ("pending", 3, 3), note
    assert "timeout" in note["error"].lower(), note
    assert h.twilio.messages == [], "SMS went out while PagerDuty was still being retried"

    # attempt 4 (t0+85 s): timeout -> PagerDuty is given up on -> SMS to the same person, now
    h.advance(59.9)
    h.tick()
    assert len(h.pd.requests) == 3
    h.advance(0.1)
    h.tick()
    gave_up_at = h.now()
    assert gave_up_at - t0 == timedelta(seconds=85)
    note = _pd_note(h, incident)
    assert (note["status"], note["attempts"], len(h.pd.requests)) == ("failed", MAX_ATTEMPTS, MAX_ATTEMPTS), note
    assert "timeout" in note["error"].lower(), note
    sms = h.expect_sms(w.alice["phone"])
    assert "Beaconing from DC-01" in sms["body"]
    h.expect_no_more()  # PagerDuty accepted nothing; Bob not paged yet

    [sms_note] = [n for n in h.notifications(incident) if n["channel"] == "sms"]
    assert sms_note["user_id"] == w.alice["id"] and sms_note["level"] == 1, sms_note
    assert sms_note["status"] == "sent" and sms_note["attempts"] == 1, sms_note
    assert sms_note["sent_at"] == gave_up_at.isoformat().replace("+00:00", "Z"), (sms_note, gave_up_at)

    timeline = h.timeline(incident)
    retries = [e for e in timeline if e["kind"] == "notification_retry"]
    assert [e["at"] for e in retries] == [_z(t0 + timedelta(seconds=s)) for s in (0, 5, 25)], retries
    assert ["HTTP 500" in retries[0]["message"], "HTTP 500" in retries[1]["message"]] == [True, True]
    assert "timeout" in retries[2]["message"].lower()
    [failed] = [e for e in timeline if e["kind"] == "notification_failed"]
    [through] = [e for e in timeline if e["kind"] == "fall_through"]
    assert failed["at"] == through["at"] == _z(gave_up_at)
    assert "escalated_early" not in [e["kind"] for e in timeline]  # SMS is still trying at this level

    # level 2 (Bob) comes at its own deadline: 600 s after level 1 started, not earlier
    h.advance(600 - 85 - 0.1)
    h.tick()
    h.expect_no_more()
    h.advance(0.1)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.expect_no_more()
    started = [e for e in h.timeline(incident) if e["kind"] == "level_started"]
    assert [(e["data"]["level"], e["at"]) for e in started] == [(1, _z(t0)), (2, _z(t0 + timedelta(seconds=600)))]


def test_pagerduty_down_for_a_whole_level_without_a_fallback_escalates_when_it_gives_up(h):
    """A level with PagerDuty only: once PagerDuty is given up on, the next level fires at
    once (escalated early), instead of leaving the incident unpaged until the timeout."""
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty"], timeout=900),
                                          level(bob, channels=["sms"], timeout=900)])
    h.pd.fail_next(MAX_ATTEMPTS, 503)
    t0 = h.now()
    incident = h.trigger(w.integration, "INC0020002", "Mass file rename on FS-02")
    for wait in (0, 5, 20, 60):
        h.advance(wait)
        h.tick()
    assert h.now() - t0 == timedelta(seconds=85)
    note = _pd_note(h, incident)
    assert (note["status"], note["attempts"]) == ("failed", MAX_ATTEMPTS), note
    assert note["error"].startswith("HTTP 503"), note
    h.expect_sms(w.bob["phone"])
    h.expect_no_more()
    kinds = h.kinds(incident)
    assert kinds.count("notification_retry") == MAX_ATTEMPTS - 1
    assert kinds.index("notification_failed") < kinds.index("escalated_early") < kinds.index("notification_sent")
    started = [e for e in h.timeline(incident) if e["kind"] == "level_started"]
    assert [(e["data"]["level"], e["at"]) for e in started] == [(1, _z(t0)), (2, _z(t0 + timedelta(seconds=85)))]


def _z(instant) -> str:
    return instant.isoformat().replace("+00:00", "Z")
