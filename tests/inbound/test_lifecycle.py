"""Dedup and lifecycle per source, from the payload fixtures: trigger, repeat, resolve, trigger again."""
from __future__ import annotations

import json

import pytest

from tests.inbound.conftest import counts

# source: (trigger fixture, resolve fixture or None, the ticket's dedup key)
SOURCES = {
    "events_v2": ("trigger", "resolve", "oncall:INC0010001"),
    "servicenow": ("display_value", "resolved", "INC0010001"),
    "jira": ("issue_created_text", "issue_updated_done", "SEC-20"),
    "thehive": ("v5_case_create", "v5_case_closed", "~41001232"),
    "alertmanager": ("firing", "resolved", "1a30ba71cca2921f"),
    "generic": ("trigger", "resolve", "CASE-7731"),
    "splunk": ("es_notable", None, "7EAF4AF4-7392-4442-A0BE-AEEFDE9A996F@@notable@@3d4071abbf91141c5d789b1d403004b8"),
}


def _incident_for(inbound, response, dedup_key: str) -> dict:
    """The one open-or-latest incident with ``dedup_key``, checked against what the answer named."""
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    matching = [i for i in inbound.incidents() if i["dedup_key"] == dedup_key]
    assert matching, (dedup_key, body)
    latest = matching[0]  # newest first
    if "incident_ids" in body:
        assert latest["id"] in body["incident_ids"]
        assert dedup_key in body["dedup_keys"]
    else:
        assert body == {"status": "success", "message": "Event processed", "dedup_key": dedup_key}
    return latest


def _kinds(inbound, incident_id: int) -> list[str]:
    return [entry["kind"] for entry in inbound.incident(incident_id)["timeline"]]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_trigger_repeat_resolve_and_trigger_again(inbound, payload, source):
    trigger_name, resolve_name, dedup_key = SOURCES[source]
    hook = inbound.integration(source)
    trigger = payload(source, trigger_name)

    first = _incident_for(inbound, hook.send(trigger), dedup_key)
    assert first["status"] == "triggered" and first["source"] == source
    assert first["integration_id"] == hook.id and first["team_id"] == inbound.team_id

    again = _incident_for(inbound, hook.send(trigger), dedup_key)
    assert again["id"] == first["id"]
    assert len([i for i in inbound.incidents() if i["dedup_key"] == dedup_key]) == 1
    assert _kinds(inbound, first["id"]) == ["triggered", "event_appended"]

    if resolve_name is None:  # Splunk never sends a close
        return
    resolved = _incident_for(inbound, hook.send(payload(source, resolve_name)), dedup_key)
    assert resolved["id"] == first["id"]
    assert resolved["status"] == "resolved" and resolved["resolved_at"].endswith("Z")
    assert _kinds(inbound, first["id"]) == ["triggered", "event_appended", "resolved"]

    reopened = _incident_for(inbound, hook.send(trigger), dedup_key)
    assert reopened["id"] != first["id"] and reopened["status"] == "triggered"
    assert [i["status"] for i in inbound.incidents() if i["dedup_key"] == dedup_key] == ["triggered", "resolved"]
    outcomes = [e.outcome for e in inbound.inbound_events() if e.dedup_key == dedup_key]
    assert outcomes == ["opened", "appended", "resolved", "opened"]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_the_raw_body_of_every_accepted_event_is_kept_byte_for_byte(inbound, payload, source):
    hook = inbound.integration(source)
    trigger = payload(source, SOURCES[source][0])
    if source == "events_v2":
        trigger["routing_key"] = hook.key
    raw = json.dumps(trigger, indent=3, ensure_ascii=False).encode()
    raw = raw.replace(b"\n", b"\r\n")  # not how we would serialise it
    assert hook.send(None, raw=raw).status_code == 202
    rows = inbound.inbound_events()
    assert rows and all(row.raw_body == raw.decode() for row in rows)


def test_raw_body_keeps_non_ascii_text(inbound):
    hook = inbound.integration("generic")
    raw = '{"id": "Ü-1", "title": "Überwachung ☃ 監視", "severity": "critical"}'.encode()
    assert hook.send(None, raw=raw).status_code == 202
    [row] = inbound.inbound_events()
    assert row.raw_body == raw.decode()
    assert inbound.incidents()[0]["title"] == "Überwachung ☃ 監視"


def test_events_v2_acknowledge_then_resolve(inbound, payload):
    events = inbound.integration("events_v2")
    incident = _incident_for(inbound, events.send(payload("events_v2", "trigger")), "oncall:INC0010001")
    acked = _incident_for(inbound, events.send(payload("events_v2", "acknowledge")), "oncall:INC0010001")
    assert acked["id"] == incident["id"]
    assert acked["status"] == "acknowledged" and acked["acknowledged_at"].endswith("Z")
    assert acked["acknowledged_by"] is None
    again = _incident_for(inbound, events.send(payload("events_v2", "acknowledge")), "oncall:INC0010001")
    assert again["acknowledged_at"] == acked["acknowledged_at"]
    resolved = _incident_for(inbound, events.send(payload("events_v2", "resolve")), "oncall:INC0010001")
    assert resolved["status"] == "resolved"
    assert _kinds(inbound, incident["id"]) == ["triggered", "acknowledged", "resolved"]
    # a repeat of the trigger while acknowledged would have joined; after resolve it opens anew
    assert [e.outcome for e in inbound.inbound_events()] == ["opened", "acknowledged", "acknowledged", "resolved"]


def test_a_repeat_trigger_joins_an_acknowledged_incident(inbound, payload):
    events = inbound.integration("events_v2")
    first = _incident_for(inbound, events.send(payload("events_v2", "trigger")), "oncall:INC0010001")
    events.send(payload("events_v2", "acknowledge"))
    joined = _incident_for(inbound, events.send(payload("events_v2", "trigger")), "oncall:INC0010001")
    assert joined["id"] == first["id"] and joined["status"] == "acknowledged"
    assert len(inbound.incidents()) == 1


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_ack_or_resolve_of_an_unknown_dedup_key_is_202_and_changes_nothing(inbound, payload, session, action):
    events = inbound.integration("events_v2")
    events.send(payload("events_v2", "trigger"))
    before = counts(session)
    response = events.send({"event_action": action, "dedup_key": "never-seen"})
    assert response.status_code == 202
    assert response.get_json() == {"status": "success", "message": "Event processed", "dedup_key": "never-seen"}
    assert [i["status"] for i in inbound.incidents()] == ["triggered"]
    after = counts(session)
    assert after["incident"] == before["incident"] and after["timeline_entry"] == before["timeline_entry"]
    assert inbound.inbound_events()[-1].outcome == "unknown_dedup_key"


def test_resolve_after_resolve_changes_nothing(inbound, payload):
    hook = inbound.integration("generic")
    hook.send(payload("generic", "trigger"))
    hook.send(payload("generic", "resolve"))
    response = hook.send(payload("generic", "resolve"))
    assert response.status_code == 202
    assert response.get_json() == {"incident_ids": [], "dedup_keys": ["CASE-7731"]}
    [incident] = inbound.incidents()
    assert _kinds(inbound, incident["id"]) == ["triggered", "resolved"]


def test_same_dedup_key_on_two_integrations_opens_two_incidents(inbound, payload):
    one, two = inbound.integration("generic"), inbound.integration("generic")
    a = one.send(payload("generic", "trigger")).get_json()["incident_ids"]
    b = two.send(payload("generic", "trigger")).get_json()["incident_ids"]
    assert a != b and len(inbound.incidents()) == 2
    one.send(payload("generic", "resolve"))  # resolves only its own
    assert {i["integration_id"]: i["status"] for i in inbound.incidents()} == {one.id: "resolved",
                                                                               two.id: "triggered"}


def test_events_v2_trigger_without_dedup_key_gets_one(inbound):
    events = inbound.integration("events_v2")
    event = {"event_action": "trigger", "payload": {"summary": "Disk full", "source": "db1", "severity": "critical"}}
    first, second = events.send(event).get_json(), events.send(event).get_json()
    assert first["status"] == "success" and first["dedup_key"] and first["dedup_key"] != second["dedup_key"]
    assert len(inbound.incidents()) == 2
    events.send({"event_action": "resolve", "dedup_key": first["dedup_key"]})
    statuses = {i["dedup_key"]: i["status"] for i in inbound.incidents()}
    assert statuses == {first["dedup_key"]: "resolved", second["dedup_key"]: "triggered"}


def test_alertmanager_group_names_each_alert(inbound, payload):
    hook = inbound.integration("alertmanager", min_severity="medium")
    body = hook.send(payload("alertmanager", "firing")).get_json()
    assert body["dedup_keys"] == ["1a30ba71cca2921f", "77d1b8e9b01c3c0a"]
    assert len(body["incident_ids"]) == 2
    assert body == hook.send(payload("alertmanager", "firing")).get_json()  # a repeat names the same incidents
    assert len(inbound.incidents()) == 2


def test_a_notification_about_no_ticket_is_202_and_opens_nothing(inbound):
    hook = inbound.integration("jira")
    comment = {"webhookEvent": "comment_created", "comment": {"body": "looking"},
               "issue": {"key": "SEC-20", "fields": {"summary": "x"}}}
    response = hook.send(comment)
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"incident_ids": [], "dedup_keys": []}
    assert inbound.incidents() == []
    [row] = inbound.inbound_events()  # accepted, so its raw body is kept
    assert (row.outcome, row.incident_ids) == ("no_ticket", [])
    assert json.loads(row.raw_body) == comment


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_the_body_is_read_as_json_whatever_the_content_type(inbound, content_type):
    hook = inbound.integration("generic")
    events = inbound.integration("events_v2")
    headers = {"Content-Type": content_type} if content_type else {}
    raw = json.dumps({"id": "T-1", "title": "t", "severity": "critical"}).encode()
    assert inbound.client.post(f"/integrations/{hook.key}", data=raw, headers=headers).status_code == 202
    raw = json.dumps({"routing_key": events.key, "event_action": "trigger", "dedup_key": "k",
                      "payload": {"summary": "s", "source": "x", "severity": "critical"}}).encode()
    assert inbound.client.post("/v2/enqueue", data=raw, headers=headers).status_code == 202
    assert len(inbound.incidents()) == 2


# ---- below min_severity ----------------------------------------------------------------------

@pytest.mark.parametrize("severity, opens", [("critical", True), ("error", True), ("warning", False), ("info", False)])
def test_events_v2_below_min_severity_is_recorded_and_opens_nothing(inbound, severity, opens):
    events = inbound.integration("events_v2")
    assert events.body["min_severity"] == "high"
    response = events.send({"event_action": "trigger", "dedup_key": "k",
                            "payload": {"summary": "x", "source": "y", "severity": severity}})
    assert response.status_code == 202
    assert response.get_json() == {"status": "success", "message": "Event processed", "dedup_key": "k"}
    assert len(inbound.incidents()) == (1 if opens else 0)
    [row] = inbound.inbound_events()
    assert row.outcome == ("opened" if opens else "below_min_severity")
    assert '"dedup_key": "k"' in row.raw_body
    assert len(row.incident_ids) == (1 if opens else 0)


def test_webhook_below_min_severity_is_recorded_with_its_body(inbound, payload):
    hook = inbound.integration("servicenow")
    low = {**payload("servicenow", "plain_strings"), "priority": "4 - Low"}
    response = hook.send(low)
    assert response.status_code == 202
    assert response.get_json() == {"incident_ids": [], "dedup_keys": ["INC0010002"]}
    assert inbound.incidents() == []
    [row] = inbound.inbound_events()
    assert (row.outcome, row.severity, row.dedup_key, row.incident_ids) == (
        "below_min_severity", "low", "INC0010002", [])
    assert json.loads(row.raw_body) == low


def test_min_severity_is_per_integration(inbound, payload):
    low_bar = inbound.integration("servicenow", min_severity="low")
    low = {**payload("servicenow", "plain_strings"), "priority": "4 - Low"}
    assert len(low_bar.send(low).get_json()["incident_ids"]) == 1
    info = {**low, "number": "INC0010003", "priority": "5 - Planning"}
    assert low_bar.send(info).get_json()["incident_ids"] == []


def test_a_resolve_below_min_severity_still_resolves(inbound, payload):
    """Severity on a resolve is informational: it must not drop the resolve."""
    hook = inbound.integration("generic")
    hook.send(payload("generic", "trigger"))
    hook.send({**payload("generic", "resolve"), "severity": "info"})
    assert inbound.incidents()[0]["status"] == "resolved"
