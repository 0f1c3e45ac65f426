"""Provider trouble: what the engine does when PagerDuty or Twilio answer badly, slowly or not at all.

The outbox owns retries: a retryable failure (5xx, 429, timeout) is tried again after 5 s,
20 s and 60 s, four attempts in all; a failure for good falls through to the level's next
channel for the same person, and when every page of a level failed the incident escalates
at once instead of waiting for the level's timeout.
"""
from datetime import timedelta

from freezegun.api import real_monotonic

from tests.engine.harness import level, soc
from tests.fakes.twilio import error as twilio_error

TICKET = "INC0010001"


def _note(h, incident, channel="pagerduty", kind="trigger"):
    [row] = [n for n in h.notification_rows(incident) if n.channel == channel and n.kind == kind]
    return row


def test_pagerduty_5xx_is_retried_with_backoff_then_falls_through_to_sms(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty", "sms"]), level(bob, channels=["sms"])])
    h.pd.fail_next(4, 500)
    t0 = h.now()
    incident = h.trigger(w.integration, TICKET)
    h.tick()

    note = _note(h, incident)
    assert (note.status, note.attempts) == ("pending", 1)
    assert note.error.startswith("HTTP 500") and "Internal server error" in note.error
    assert note.next_attempt_at == t0 + timedelta(seconds=5)

    # 5 s, 20 s, 60 s between the four attempts: never before, always then.
    for attempt, wait in ((2, 5), (3, 20), (4, 60)):
        h.advance(wait - 1)
        h.tick()
        assert len(h.pd.requests) == attempt - 1, f"attempt {attempt} came before its {wait} s backoff"
        h.advance(1)
        h.tick()
        assert len(h.pd.requests) == attempt
        if attempt < 4:
            note = _note(h, incident)
            assert (note.status, note.attempts) == ("pending", attempt)
            assert note.next_attempt_at == h.now() + timedelta(seconds={2: 20, 3: 60}[attempt])
    # ...then failed for good.
    note = _note(h, incident)
    assert (note.status, note.attempts) == ("failed", 4) and note.error.startswith("HTTP 500")

    # ...and at once (same tick, 85 s after the trigger) an SMS to Alice, the same person.
    assert h.now() == t0 + timedelta(seconds=85)
    sms = h.expect_sms(w.alice["phone"])
    assert TICKET in sms["body"]
    h.expect_no_more()
    kinds = h.kinds(incident)
    assert kinds.count("notification_retry") == 3
    assert kinds[-3:] == ["notification_failed", "fall_through", "notification_sent"]
    [fell] = h.entries(incident, "fall_through")
    assert fell["message"] == f"pagerduty failed: falling through to sms for user {w.alice['id']}"

    # The SMS went out, so level 2 waits for level 1's timeout as usual.
    h.advance(600 - 85 - 1)
    h.tick()
    h.expect_no_more()
    h.advance(1)
    h.tick()
    h.expect_sms(w.bob["phone"])


def test_pagerduty_429_is_retried(h):
    w = soc(h)
    # The client absorbs one 429 itself (one extra try after 0.5 s); two make the attempt fail.
    h.pd.fail_next(2, 429)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    note = _note(h, incident)
    assert (note.status, note.attempts) == ("pending", 1)
    assert note.error.startswith("HTTP 429") and "arriving too quickly" in note.error
    h.expect_no_more()

    h.advance(5)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    assert [r.status for r in h.pd.requests] == [429, 429, 202]
    note = _note(h, incident)
    assert (note.status, note.attempts, note.error) == ("sent", 2, None)
    [retry] = h.entries(incident, "notification_retry")
    assert "attempt 1" in retry["message"] and "429" in retry["message"]


def test_a_single_429_is_absorbed_by_the_client(h):
    w = soc(h)
    h.pd.fail_next(1, 429)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    assert (_note(h, incident).status, _note(h, incident).attempts) == ("sent", 1)


def test_pagerduty_timeout_is_retried(make_harness):
    h = make_harness(notifier_timeout=0.5)
    w = soc(h)
    h.pd.delay_next(1, 3.0)
    incident = h.trigger(w.integration, TICKET)
    started = real_monotonic()
    h.tick()
    # The timeout works under freezegun (which freezes time.monotonic): the socket's own.
    assert real_monotonic() - started < 2.5
    note = _note(h, incident)
    assert (note.status, note.attempts) == ("pending", 1) and "Timeout" in note.error

    h.advance(5)
    h.tick()
    assert len(h.pd.requests) == 2 and h.pd.requests[1].status == 202
    assert h.pd.requests[1].json()["dedup_key"] == TICKET
    note = _note(h, incident)
    assert (note.status, note.attempts) == ("sent", 2)


def test_twilio_timeout_is_retried(make_harness):
    h = make_harness(notifier_timeout=0.5)
    w = soc(h, levels=lambda alice, bob: [level(bob, channels=["sms"])])
    h.twilio.delay_next(1, 3.0)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    note = _note(h, incident, "sms")
    assert (note.status, note.attempts) == ("pending", 1) and "timed out" in note.error.lower()
    h.advance(5)
    h.tick()
    assert _note(h, incident, "sms").status == "sent"
    assert len(h.twilio.requests) == 2


def test_twilio_rejects_the_number_level_fails_and_escalates_at_once(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["sms"]), level(bob, channels=["sms"])])
    h.twilio.fail_next(1, 400, body=twilio_error(400, 21211, f"Invalid 'To' Phone Number: {w.alice['phone']}"))
    t0 = h.now()
    incident = h.trigger(w.integration, TICKET)
    h.tick()

    # No waiting for level 1's ten minutes: Bob is texted in the same tick.
    assert h.now() == t0
    h.expect_sms(w.bob["phone"])
    h.expect_no_more()
    note = [n for n in h.notification_rows(incident) if n.user_id == w.alice["id"]][0]
    assert (note.status, note.attempts) == ("failed", 1) and "21211" in note.error
    kinds = h.kinds(incident)
    i = kinds.index("notification_failed")
    assert kinds[i:i + 3] == ["notification_failed", "escalated_early", "level_started"]
    assert h.incident(incident)["level"] == 2


def test_twilio_down_retries_then_escalates_before_the_timeout(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["sms"]), level(bob, channels=["sms"])])
    h.twilio.fail_next(4, 503)
    t0 = h.now()
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.advance(5)
    h.tick()
    h.advance(20)
    h.tick()
    assert len(h.twilio.requests) == 3
    h.expect_no_more()
    h.advance(60)
    h.tick()
    # Fourth failure at 85 s: level 2 now, not at 600 s.
    assert h.now() == t0 + timedelta(seconds=85)
    h.expect_sms(w.bob["phone"])
    h.expect_no_more()
    [early] = h.entries(incident, "escalated_early")
    assert early["message"] == "Every page of level 1 failed: escalating now"


def test_one_failed_page_of_two_does_not_escalate_early(h):
    carol = h.user("Carol")
    w = soc(h, levels=lambda alice, bob: [level(alice, carol, channels=["sms"]), level(bob, channels=["sms"])])
    h.twilio.fail_next(1, 400)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_sms(carol["phone"])  # Alice's failed, Carol's went out
    h.expect_no_more()
    assert "escalated_early" not in h.kinds(incident)
    h.advance(599)
    h.tick()
    h.expect_no_more()
    h.advance(1)
    h.tick()
    h.expect_sms(w.bob["phone"])


def test_undelivered_status_callback_falls_through_to_the_next_channel(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["sms", "pagerduty"]), level(bob, channels=["sms"])])
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    sms = h.expect_sms(w.alice["phone"])
    assert sms["sid"] == _note(h, incident, "sms").provider_id

    response = h.delivery_status(sms["sid"], "undelivered", "30003")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    h.tick()
    h.expect_pd_event("trigger", TICKET)  # PagerDuty for Alice, at once
    h.expect_no_more()
    note = _note(h, incident, "sms")
    assert note.status == "failed" and note.error == "twilio: undelivered (30003)"
    [failed] = h.entries(incident, "notification_failed")
    assert "UNDELIVERED" in failed["message"] and failed["actor"] == "twilio"
    assert "fall_through" in h.kinds(incident)


def test_undelivered_status_callback_on_the_last_channel_escalates_early(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["sms"]), level(bob, channels=["sms"])])
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    sms = h.expect_sms(w.alice["phone"])
    h.advance(30)
    assert h.delivery_status(sms["sid"], "failed", "30006").status_code == 200
    h.tick()
    h.expect_sms(w.bob["phone"])  # 30 s after the trigger, not 600
    h.expect_no_more()
    assert "escalated_early" in h.kinds(incident)


def test_delivered_status_callback_is_recorded_and_changes_nothing_else(h):
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["sms"]), level(bob, channels=["sms"])])
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    sms = h.expect_sms(w.alice["phone"])
    assert h.delivery_status(sms["sid"], "delivered").status_code == 200
    h.tick()
    h.expect_no_more()
    [note] = h.notifications(incident)
    assert note["status"] == "delivered" and note["delivered_at"] is not None
    # a late "undelivered" for a delivered message does not page anyone
    assert h.delivery_status(sms["sid"], "undelivered", "30003").status_code == 200
    h.tick()
    h.expect_no_more()
    h.advance(600)
    h.tick()
    h.expect_sms(w.bob["phone"])


def test_ack_while_a_retry_is_pending_cancels_it(h):
    w = soc(h)
    h.pd.fail_next(1, 503)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    assert _note(h, incident).status == "pending"
    assert h.api.post(f"/api/v1/incidents/{incident}/acknowledge", json={}).status_code == 200
    h.advance(3600)
    h.tick()
    assert len(h.pd.requests) == 1  # no retry; and no acknowledge for a page PagerDuty never took
    h.expect_no_more()
    assert _note(h, incident).status == "cancelled"
