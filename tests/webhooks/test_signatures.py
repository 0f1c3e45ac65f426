"""The ways back in: Twilio SMS replies, PagerDuty webhooks, ack links — signed, forged, replayed.

Signatures are computed the way the providers compute them: Twilio with the official
``RequestValidator.compute_signature`` over our public URL and the form; PagerDuty as
``v1=`` + HMAC-SHA256 of the raw body with the webhook subscription's secret.
"""
import json

import pytest

from tests.engine.harness import BASE_URL, PD_WEBHOOK_SECRET, level, pd_incident_event, soc

TICKET = "INC0010001"


def sms_world(h):
    """Bob is texted at level 1; Alice is paged in PagerDuty at level 2."""
    return soc(h, levels=lambda alice, bob: [level(bob, channels=["sms"]), level(alice, channels=["pagerduty"])])


# -- Twilio: signatures -----------------------------------------------------------------------

def test_sms_reply_with_valid_signature_acknowledges_and_answers_twiml(h):
    w = sms_world(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_sms(w.bob["phone"])

    response = h.sms_reply(w.bob["phone"], "ACK")
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == (
        f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acknowledged #{incident}.</Message></Response>')
    seen = h.incident(incident)
    assert seen["status"] == "acknowledged" and seen["acknowledged_by"] == w.bob["id"]
    [ack] = h.entries(incident, "acknowledged")
    assert ack["message"] == "Acknowledged by Bob via sms" and ack["data"]["phone"] == w.bob["phone"]
    h.advance(3600)
    h.tick()
    h.expect_no_more()  # Alice is never paged


@pytest.mark.parametrize("signature", ["forged", "other-token", "missing", "empty"])
def test_sms_reply_with_bad_signature_is_refused_403(h, signature):
    w = sms_world(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    params = {"MessageSid": "SM" + "1" * 32, "From": w.bob["phone"], "To": "+15005550006", "Body": "ACK"}
    header = {"forged": "bm90IGEgc2lnbmF0dXJl", "missing": None, "empty": "",
              "other-token": h.twilio_signature("/webhooks/twilio/sms", params, token="someone-elses-token")}[signature]
    response = h.twilio_post("/webhooks/twilio/sms", params, signature=header)
    assert response.status_code == 403
    assert response.get_json()["error"] == "bad_signature"
    assert h.incident(incident)["status"] == "triggered"


def test_sms_signature_covers_the_body(h):
    """A valid signature for one body does not carry over to another."""
    w = sms_world(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    signed = {"From": w.bob["phone"], "Body": "hello"}
    signature = h.twilio_signature("/webhooks/twilio/sms", signed)
    response = h.twilio_post("/webhooks/twilio/sms", {**signed, "Body": "ACK"}, signature=signature)
    assert response.status_code == 403
    assert h.incident(incident)["status"] == "triggered"


def test_status_callback_with_forged_signature_changes_nothing(h):
    w = sms_world(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    sms = h.expect_sms(w.bob["phone"])
    response = h.twilio_post("/webhooks/twilio/status", {"MessageSid": sms["sid"], "MessageStatus": "undelivered"},
                             signature="Zm9yZ2Vk")
    assert response.status_code == 403
    h.tick()
    h.expect_no_more()
    assert [n["status"] for n in h.notifications(incident)] == ["sent"]


# -- Twilio: what the reply says ----------------------------------------------------------------

def two_open_incidents(h):
    w = sms_world(h)
    first = h.trigger(w.integration, "INC0010001", "Ransomware on FIN-WS-042")
    second = h.trigger(w.integration, "INC0010002", "Impossible travel for j.doe")
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.expect_sms(w.bob["phone"])
    return w, first, second


@pytest.mark.parametrize("body", ["ACK {code}", "ack {code}", "{code}", " Ack #{code} ", "ACKNOWLEDGE {code}"])
def test_sms_reply_with_a_code_picks_that_incident(h, body):
    w, first, second = two_open_incidents(h)
    response = h.sms_reply(w.bob["phone"], body.format(code=second))
    assert f"Acknowledged #{second}." in response.get_data(as_text=True)
    assert h.incident(second)["status"] == "acknowledged"
    assert h.incident(first)["status"] == "triggered"


def test_sms_reply_codes_are_those_in_the_messages(h):
    w, first, second = two_open_incidents(h)
    bodies = [m["body"] for m in h.twilio.messages]
    assert f"reply ACK {first}" in bodies[0] and f"reply ACK {second}" in bodies[1]


def test_plain_ack_acknowledges_all_of_the_senders_open_incidents(h):
    w, first, second = two_open_incidents(h)
    response = h.sms_reply(w.bob["phone"], "ACK")
    assert f"Acknowledged #{first}, #{second}." in response.get_data(as_text=True)
    assert {h.incident(i)["status"] for i in (first, second)} == {"acknowledged"}


def test_sms_reply_with_a_code_that_is_not_yours(h):
    w, first, second = two_open_incidents(h)
    response = h.sms_reply(w.bob["phone"], "ACK 999999")
    assert "Nothing open to acknowledge with code 999999." in response.get_data(as_text=True)
    assert {h.incident(i)["status"] for i in (first, second)} == {"triggered"}


def test_sms_from_an_unknown_number(h):
    w, first, second = two_open_incidents(h)
    response = h.sms_reply("+12025550199", "ACK")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert "This number is not known to oncall." in response.get_data(as_text=True)
    assert {h.incident(i)["status"] for i in (first, second)} == {"triggered"}


def test_sms_that_is_not_an_ack_gets_help(h):
    w, first, second = two_open_incidents(h)
    response = h.sms_reply(w.bob["phone"], "who is this?")
    assert "Reply ACK to acknowledge" in response.get_data(as_text=True)
    assert {h.incident(i)["status"] for i in (first, second)} == {"triggered"}


def test_sms_ack_is_mirrored_to_pagerduty_when_it_was_paged(h):
    w = soc(h, levels=lambda alice, bob: [level(bob, channels=["pagerduty", "sms"])])
    h.pd.fail_next(1, 400)  # PagerDuty refuses: Bob gets the SMS instead
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_sms(w.bob["phone"])
    h.sms_reply(w.bob["phone"], f"ACK {incident}")
    h.tick()
    h.expect_no_more()  # PagerDuty never had this incident: no acknowledge for it

    second = h.trigger(w.integration, "INC0010002")
    h.tick()
    h.expect_pd_event("trigger", "INC0010002")
    h.sms_reply(w.bob["phone"], f"{second}")
    h.tick()
    h.expect_pd_event("acknowledge", "INC0010002")


# -- PagerDuty webhooks ------------------------------------------------------------------------

def pd_world(h):
    w = soc(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    h.expect_pd_event("trigger", TICKET)
    return w, incident


def test_pagerduty_acknowledged_acknowledges_our_incident_and_is_not_mirrored_back(h):
    w, incident = pd_world(h)
    h.user("Paula", pagerduty_user_id="PAGENT1")
    response = h.pd_webhook(pd_incident_event("incident.acknowledged", TICKET), webhook_id="wh-1")
    assert response.status_code == 202
    assert response.get_json() == {"status": "ok", "incident_ids": [incident]}
    seen = h.incident(incident)
    assert seen["status"] == "acknowledged"
    [ack] = h.entries(incident, "acknowledged")
    assert ack["actor"] == "pagerduty:PAGENT1" and ack["message"] == "Acknowledged by Paula via pagerduty"
    h.tick()
    h.advance(3600)
    h.tick()
    h.expect_no_more()  # no acknowledge echoed to PagerDuty, and Bob is never texted
    assert [n["kind"] for n in seen["notifications"]] == ["trigger"]


def test_pagerduty_resolved_resolves_our_incident(h):
    w, incident = pd_world(h)
    response = h.pd_webhook(pd_incident_event("incident.resolved", TICKET, agent_id=None))
    assert response.status_code == 202
    assert h.incident(incident)["status"] == "resolved"
    h.tick()
    h.expect_no_more()


def test_pagerduty_event_for_another_incident_key_changes_nothing(h):
    w, incident = pd_world(h)
    response = h.pd_webhook(pd_incident_event("incident.acknowledged", "SOMEONE-ELSES-KEY"))
    assert response.status_code == 202 and response.get_json()["incident_ids"] == []
    assert h.incident(incident)["status"] == "triggered"


def test_pagerduty_other_event_types_are_accepted_and_ignored(h):
    w, incident = pd_world(h)
    response = h.pd_webhook(pd_incident_event("incident.annotated", TICKET))
    assert response.status_code == 202 and response.get_json()["incident_ids"] == []
    assert h.incident(incident)["status"] == "triggered"


@pytest.mark.parametrize("signature", ["forged", "missing", "wrong-secret", "not-v1"])
def test_pagerduty_webhook_with_bad_signature_is_refused(h, signature):
    w, incident = pd_world(h)
    raw = json.dumps({"event": pd_incident_event("incident.acknowledged", TICKET)}).encode()
    header = {"forged": "v1=" + "0" * 64, "missing": None, "wrong-secret": h.pd_signature(raw, "not-our-secret"),
              "not-v1": h.pd_signature(raw).replace("v1=", "v0=")}[signature]
    response = h.pd_webhook(raw, signature=header)
    assert response.status_code == 401
    assert response.get_json()["error"] == "bad_signature"
    assert h.incident(incident)["status"] == "triggered"


def test_pagerduty_signature_covers_the_raw_body(h):
    w, incident = pd_world(h)
    signed = json.dumps({"event": pd_incident_event("incident.annotated", TICKET)}).encode()
    sent = json.dumps({"event": pd_incident_event("incident.resolved", TICKET)}).encode()
    assert h.pd_webhook(sent, signature=h.pd_signature(signed)).status_code == 401
    assert h.incident(incident)["status"] == "triggered"


def test_pagerduty_secret_rotation(make_harness):
    """Two secrets configured (new, old): a delivery signed with the old one is still good."""
    h = make_harness(pagerduty_webhook_secret=f"new-secret , {PD_WEBHOOK_SECRET}")
    w, incident = pd_world(h)
    raw = json.dumps({"event": pd_incident_event("incident.acknowledged", TICKET)}).encode()
    assert h.pd_webhook(raw, signature=h.pd_signature(raw, PD_WEBHOOK_SECRET)).status_code == 202
    assert h.incident(incident)["status"] == "acknowledged"

    raw = json.dumps({"event": pd_incident_event("incident.resolved", TICKET)}).encode()
    assert h.pd_webhook(raw, signature=h.pd_signature(raw, "new-secret")).status_code == 202
    assert h.incident(incident)["status"] == "resolved"


def test_pagerduty_header_with_two_v1_entries_any_may_match(h):
    """PagerDuty signs with each of the subscription's secrets while one is being rotated."""
    w, incident = pd_world(h)
    raw = json.dumps({"event": pd_incident_event("incident.acknowledged", TICKET)}).encode()
    header = h.pd_signature(raw, "their-new-secret-we-do-not-have-yet") + "," + h.pd_signature(raw)
    assert h.pd_webhook(raw, signature=header).status_code == 202
    assert h.incident(incident)["status"] == "acknowledged"


def test_pagerduty_duplicate_delivery_is_processed_once(h):
    w, incident = pd_world(h)
    first = h.pd_webhook(pd_incident_event("incident.acknowledged", TICKET), webhook_id="wh-42")
    assert first.status_code == 202
    # The same delivery id again (PagerDuty delivers at least once): recognised, ignored.
    # Here the replayed body differs, so "ignored" is visible: the incident stays acknowledged.
    again = h.pd_webhook(pd_incident_event("incident.resolved", TICKET), webhook_id="wh-42")
    assert again.status_code == 200 and again.get_json() == {"status": "duplicate"}
    assert h.incident(incident)["status"] == "acknowledged"
    assert len(h.entries(incident, "acknowledged")) == 1 and h.entries(incident, "resolved") == []
    # another delivery id is processed
    assert h.pd_webhook(pd_incident_event("incident.resolved", TICKET), webhook_id="wh-43").status_code == 202
    assert h.incident(incident)["status"] == "resolved"


@pytest.mark.parametrize("raw", [b"not json", b"{}", b'{"event": "acknowledged"}', b"[1, 2]", b""])
def test_pagerduty_malformed_body_is_400(h, raw):
    w, incident = pd_world(h)
    response = h.pd_webhook(raw)  # correctly signed, but not a v3 webhook
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_payload"
    assert h.incident(incident)["status"] == "triggered"


def test_pagerduty_webhook_without_a_configured_secret_is_refused(make_harness):
    h = make_harness(pagerduty_webhook_secret=None)
    w, incident = pd_world(h)
    assert h.pd_webhook(pd_incident_event("incident.acknowledged", TICKET)).status_code == 401
    assert h.incident(incident)["status"] == "triggered"


# -- Ack links ----------------------------------------------------------------------------------

def link_world(h):
    w = sms_world(h)
    incident = h.trigger(w.integration, TICKET)
    h.tick()
    sms = h.expect_sms(w.bob["phone"])
    return w, incident, h.ack_path(sms["body"])


def test_ack_link_get_shows_the_incident_and_changes_nothing(h):
    w, incident, path = link_world(h)
    page = h.client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Acknowledge this incident?" in text and TICKET in text and 'method="post"' in text
    assert h.client.get(path).status_code == 200  # link previewers fetch twice, too
    assert h.incident(incident)["status"] == "triggered"
    assert "acknowledged" not in h.kinds(incident)
    h.tick()
    h.expect_no_more()


def test_ack_link_post_records_ip_and_user_agent(h):
    w, incident, path = link_world(h)
    response = h.client.post(path, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8)"},
                             environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 200
    assert "Acknowledged" in response.get_data(as_text=True)
    [ack] = h.entries(incident, "acknowledged")
    assert ack["data"]["ip"] == "203.0.113.7"
    assert ack["data"]["user_agent"] == "Mozilla/5.0 (Linux; Android 14; Pixel 8)"
    assert ack["data"]["via"] == "link" and ack["data"]["user_id"] == w.bob["id"]
    assert ack["actor"] == f"user:{w.bob['id']}"


def test_ack_link_post_twice_is_idempotent(h):
    w, incident, path = link_world(h)
    assert h.client.post(path).status_code == 200
    h.advance(60)
    again = h.client.post(path)
    assert again.status_code == 200
    assert "Already acknowledged" in again.get_data(as_text=True)
    assert len(h.entries(incident, "acknowledged")) == 1
    seen = h.incident(incident)
    assert seen["acknowledged_at"] == "2026-12-05T02:14:00Z"  # the first one counts


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
    lambda token: "eyJuIjoxfQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb",  # made up
    lambda token: "x",
])
def test_forged_ack_link_is_a_400_page(h, mangle):
    w, incident, path = link_world(h)
    forged = "/ack/" + mangle(path.removeprefix("/ack/"))
    for method in (h.client.get, h.client.post):
        response = method(forged)
        assert response.status_code == 400
        assert "not valid" in response.get_data(as_text=True)
    assert h.incident(incident)["status"] == "triggered"


def test_ack_link_signed_with_another_key_is_refused(h):
    from oncall.services import ack_tokens

    w, incident, path = link_world(h)
    [note] = h.notifications(incident)
    response = h.client.post("/ack/" + ack_tokens.make("another-deployments-key", note["id"]))
    assert response.status_code == 400
    assert h.incident(incident)["status"] == "triggered"


def test_ack_link_expires_after_24_hours(h):
    w, incident, path = link_world(h)
    h.advance(24 * 3600 - 1)
    assert h.client.get(path).status_code == 200  # still good just before
    h.advance(2)
    for method in (h.client.get, h.client.post):
        response = method(path)
        assert response.status_code == 410
        assert "expired" in response.get_data(as_text=True)
    assert h.incident(incident)["status"] == "triggered"


def test_ack_link_for_a_resolved_incident_changes_nothing(h):
    w, incident, path = link_world(h)
    assert h.api.post(f"/api/v1/incidents/{incident}/resolve", json={}).status_code == 200
    page = h.client.get(path)
    assert page.status_code == 200 and "resolved already" in page.get_data(as_text=True)
    response = h.client.post(path)
    assert response.status_code == 200 and "Already resolved" in response.get_data(as_text=True)
    assert h.incident(incident)["status"] == "resolved"
    assert h.entries(incident, "acknowledged") == []


def test_ack_link_is_absolute_with_the_base_url(h):
    w, incident, path = link_world(h)
    assert h.twilio.messages[0]["body"].count(BASE_URL + "/ack/") == 1
