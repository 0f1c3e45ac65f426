"""Escalation stories, end to end: ticket in, messages on the wire, acknowledgement, timeline.

Every story runs the real app with the production PagerDuty and Twilio notifiers against the
fake providers, on SQLite and on PostgreSQL, with the clock frozen (see ``harness.py``).
"""
from tests.engine.harness import BASE_URL, BUSINESS_HOURS, ROUTING_KEY, level, soc

TICKET = "INC0010001"


def test_after_hours_pagerduty_then_sms_then_ack_by_link(h):
    w = soc(h)
    incident = h.trigger(w.integration, TICKET, "Ransomware on FIN-WS-042")
    h.tick()

    # Level 1: Alice is paged in PagerDuty, with the ticket, her name and an ack link.
    event = h.expect_pd_event("trigger", TICKET)
    assert event["payload"]["summary"] == f"{TICKET} Ransomware on FIN-WS-042"
    assert event["payload"]["severity"] == "critical"
    assert event["payload"]["custom_details"]["on_call"] == "Alice"
    assert event["payload"]["custom_details"]["on_call_pagerduty_user_id"] == "PALICE1"
    assert event["links"][0]["href"].startswith(f"{BASE_URL}/ack/")
    h.expect_no_more()

    # Nobody acknowledges within the 10 minutes: nothing more until the timeout...
    h.advance(599)
    h.tick()
    h.expect_no_more()

    # ...then level 2: Bob gets an SMS with the ticket id, the ack link and the reply code.
    h.advance(2)
    h.tick()
    sms = h.expect_sms(w.bob["phone"])
    assert TICKET in sms["body"] and "Ransomware on FIN-WS-042" in sms["body"]
    assert f"reply ACK {incident}" in sms["body"]
    path = h.ack_path(sms["body"])
    h.expect_no_more()

    # Bob acknowledges with the link: PagerDuty hears the same dedup key, nobody else is paged.
    assert h.client.post(path).status_code == 200
    h.tick()
    h.expect_pd_event("acknowledge", TICKET)
    h.advance(3600)
    h.tick()
    h.expect_no_more()

    seen = h.incident(incident)
    assert seen["status"] == "acknowledged" and seen["acknowledged_by"] == w.bob["id"]
    assert seen["level"] == 2
    assert h.kinds(incident) == [
        "triggered", "level_started", "notification_queued", "notification_sent",
        "level_started", "notification_queued", "notification_sent",
        "acknowledged", "notification_sent"]
    [ack] = h.entries(incident, "acknowledged")
    assert ack["message"] == "Acknowledged by Bob via link" and ack["actor"] == f"user:{w.bob['id']}"
    assert [(n["channel"], n["kind"], n["level"], n["status"]) for n in seen["notifications"]] == [
        ("pagerduty", "trigger", 1, "sent"), ("sms", "trigger", 2, "sent"), ("pagerduty", "acknowledge", 1, "sent")]


def test_inside_business_hours_nobody_is_paged_and_the_timeline_says_why(make_harness):
    h = make_harness(start=BUSINESS_HOURS)  # Tuesday 10:00 in New York
    w = soc(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.advance(3 * 3600)
    h.tick()

    h.expect_no_more()
    seen = h.incident(incident)
    assert seen["status"] == "triggered" and seen["level"] == 0 and seen["notifications"] == []
    [why] = h.entries(incident, "business_hours")
    assert "business hours" in why["message"] and "nobody is paged" in why["message"]


def test_business_hours_end_at_five(make_harness):
    """17:00 is outside ([09:00, 17:00) is half-open): a ticket at 17:00 sharp pages."""
    h = make_harness(start=BUSINESS_HOURS.replace(hour=22))  # Tuesday 17:00 in New York
    w = soc(h)
    h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)


def test_holiday_is_not_business_hours(make_harness):
    from datetime import date

    h = make_harness(start=BUSINESS_HOURS)
    alice = h.user("Alice")
    team = h.team(members=[alice])
    h.business_hours(team, holidays=[date(2026, 12, 8)])
    policy = h.policy(team, [level(alice)])
    h.trigger(h.integration(team, policy), TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)


def test_page_during_business_hours_pages(make_harness):
    h = make_harness(start=BUSINESS_HOURS)
    w = soc(h, page_during_business_hours=True)
    incident = h.trigger(w.integration, TICKET)
    h.tick()

    h.expect_pd_event("trigger", TICKET)
    h.expect_no_more()
    assert "business_hours" not in h.kinds(incident)


def test_rotation_pages_whoever_is_on_call(h):
    carol, dave = h.user("Carol"), h.user("Dave")
    team = h.team(members=[carol, dave])
    # weekly shifts from Monday 5 Jan 2026 09:00 New York: Carol, Dave, Carol, ...
    # Friday 4 Dec 2026 21:14 New York is in week 47 (odd): Dave.
    rotation = h.rotation(team, [carol, dave], handoff="2026-01-05T09:00", shift_unit="weeks")
    policy = h.policy(team, [level(("rotation", rotation), channels=["sms"])])
    incident = h.trigger(h.integration(team, policy), TICKET)
    h.tick()

    h.expect_sms(dave["phone"])
    h.expect_no_more()
    [started] = h.entries(incident, "level_started")
    assert started["data"]["users"] == [dave["id"]]


def test_empty_level_is_skipped_at_once(h):
    alice, bob = h.user("Alice"), h.user("Bob")
    team = h.team(members=[alice, bob])
    # The rotation's first hand-off is next year: nobody is on call yet.
    empty = h.rotation(team, [alice], handoff="2027-03-01T09:00")
    policy = h.policy(team, [level(("rotation", empty), channels=["pagerduty"]), level(bob, channels=["sms"])])
    incident = h.trigger(h.integration(team, policy), TICKET)
    h.tick()

    # Level 2 is paged at once, without waiting level 1's ten minutes.
    h.expect_sms(bob["phone"])
    h.expect_no_more()
    [skipped] = h.entries(incident, "level_skipped")
    assert "Level 1" in skipped["message"] and "SKIPPED" in skipped["message"]
    assert h.kinds(incident)[:3] == ["triggered", "level_skipped", "level_started"]
    assert h.incident(incident)["level"] == 2


def test_repeat_runs_the_levels_twice_then_exhausted(make_harness):
    h = make_harness()
    w = soc(h, repeat=1)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    h.advance(600)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.advance(600)
    h.tick()
    event = h.expect_pd_event("trigger", TICKET)  # second time round: Alice again
    assert event["payload"]["custom_details"]["on_call"] == "Alice"
    h.advance(600)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.advance(600)
    h.tick()
    h.advance(24 * 3600)
    h.tick()
    h.expect_no_more()

    seen = h.incident(incident)
    assert seen["status"] == "triggered"  # exhausted is not resolved: the ticket is still open
    assert [e["message"] for e in seen["timeline"] if e["kind"] == "level_started"] == [
        "Level 1 started", "Level 2 started", "Level 1 started (repeat 1)", "Level 2 started (repeat 1)"]
    [exhausted] = h.entries(incident, "exhausted")
    assert "exhausted" in exhausted["message"]
    assert h.kinds(incident)[-1] == "exhausted"
    assert [(n["level"], n["loop"]) for n in seen["notifications"]] == [(1, 0), (2, 0), (1, 1), (2, 1)]


def test_resolve_via_api_is_mirrored_to_pagerduty(h):
    w = soc(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)

    response = h.api.post(f"/api/v1/incidents/{incident}/resolve", json={"note": "false positive"})
    assert response.status_code == 200 and response.get_json()["status"] == "resolved"
    h.tick()
    h.expect_pd_event("resolve", TICKET)
    h.advance(3600)
    h.tick()
    h.expect_no_more()  # level 2 (Bob) is never paged
    assert h.entries(incident, "resolved")[0]["data"]["note"] == "false positive"


def test_resolve_without_pagerduty_page_sends_nothing_to_pagerduty(h):
    w = soc(h, levels=lambda alice, bob: [level(bob, channels=["sms"])])
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_sms(w.bob["phone"])
    assert h.api.post(f"/api/v1/incidents/{incident}/resolve", json={}).status_code == 200
    h.tick()
    h.expect_no_more()


def test_ack_is_mirrored_to_the_pagerduty_service_that_was_paged(h):
    """A level with its own routing key: the acknowledge must reach that same PagerDuty service."""
    level_key = "L" * 32
    w = soc(h, levels=lambda alice, bob: [level(alice, channels=["pagerduty"], routing_key=level_key)])
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET, routing_key=level_key)

    assert h.api.post(f"/api/v1/incidents/{incident}/acknowledge", json={}).status_code == 200
    h.tick()
    h.expect_pd_event("acknowledge", TICKET, routing_key=level_key)
    h.expect_no_more()


def test_policy_edited_mid_incident_does_not_change_the_running_escalation(h):
    w = soc(h)
    carol = h.user("Carol")
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)

    # The manager rewires the policy: Carol by SMS only, with a one-minute timeout.
    edited = h.api.patch(f"/api/v1/escalation-policies/{w.policy['id']}",
                         json={"levels": [level(carol, channels=["sms"], timeout=60)]})
    assert edited.status_code == 200, edited.get_json()

    # The running incident keeps its snapshot: nothing at one minute, Bob at ten.
    h.advance(61)
    h.tick()
    h.expect_no_more()
    h.advance(540)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.expect_no_more()

    # A new ticket follows the edited policy.
    second = h.trigger(w.integration, "INC0010002")
    h.tick()
    h.expect_sms(carol["phone"])
    h.expect_no_more()
    assert [n["user_id"] for n in h.notifications(second)] == [carol["id"]]
    assert [n["user_id"] for n in h.notifications(incident)] == [w.alice["id"], w.bob["id"]]


def test_policy_repeat_edited_mid_incident_keeps_the_snapshot(h):
    w = soc(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    edited = h.api.patch(f"/api/v1/escalation-policies/{w.policy['id']}",
                         json={"repeat": 3, "page_during_business_hours": True})
    assert edited.status_code == 200, edited.get_json()

    h.advance(600)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.advance(600)
    h.tick()
    h.advance(3600)
    h.tick()
    h.expect_no_more()  # the snapshot said repeat 0: exhausted after level 2
    assert h.kinds(incident)[-1] == "exhausted"


def test_a_repeated_event_does_not_page_again(h):
    w = soc(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    assert h.trigger(w.integration, TICKET) == incident
    h.tick()
    h.expect_no_more()
    assert "event_appended" in h.kinds(incident)


def test_default_routing_key_is_used(h):
    w = soc(h)
    h.trigger(w.integration, TICKET)
    h.tick()
    assert h.expect_pd_event("trigger", TICKET)["routing_key"] == ROUTING_KEY
