import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import events_v2

TICKET_URL = "https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=9d385017c611228701d22104cc95c371"


@pytest.mark.parametrize("variant, expected", [
    ("trigger", {"action": "trigger", "dedup_key": "oncall:INC0010001", "external_id": "oncall:INC0010001",
                 "title": "[P1] INC0010001 Email server down", "severity": "high", "source": "events_v2",
                 "fields": {"category": "incident", "assignment_group": "NOC"}, "url": TICKET_URL,
                 "occurred_at": "2024-06-01T09:00:00Z"}),
    ("acknowledge", {"action": "acknowledge", "dedup_key": "oncall:INC0010001", "title": "", "severity": "info",
                     "fields": {}, "url": None, "details": {}, "occurred_at": None}),
    ("resolve", {"action": "resolve", "dedup_key": "oncall:INC0010001", "title": "", "severity": "info"}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = events_v2.parse(load_payload("events_v2", variant))
    assert {key: getattr(event, key) for key in expected} == expected


def test_trigger_keeps_source_component_and_custom_details(load_payload):
    [event] = events_v2.parse(load_payload("events_v2", "trigger"))
    assert event.details["source"] == "servicenow:acme.service-now.com"
    assert event.details["component"] == "exchange"
    assert event.details["custom_details"]["cluster"] == "ex-01"
    assert event.details["images"][0]["src"].endswith("mail.png")
    assert event.details["client_url"] == "https://acme.service-now.com"


@pytest.mark.parametrize("severity, expected", [
    ("critical", "critical"), ("error", "high"), ("warning", "medium"), ("info", "info")])
def test_pagerduty_severities(load_payload, severity, expected):
    payload = load_payload("events_v2", "trigger")
    payload["payload"]["severity"] = severity
    assert events_v2.parse(payload)[0].severity == expected


def test_trigger_without_dedup_key_leaves_it_to_the_caller(load_payload):
    payload = load_payload("events_v2", "trigger")
    del payload["dedup_key"]
    [event] = events_v2.parse(payload)
    assert (event.dedup_key, event.external_id) == ("", "")


def test_url_falls_back_to_client_url(load_payload):
    payload = load_payload("events_v2", "trigger")
    del payload["links"]
    assert events_v2.parse(payload)[0].url == "https://acme.service-now.com"


def test_limits_are_inclusive(load_payload):
    payload = load_payload("events_v2", "trigger")
    payload["payload"]["summary"] = "s" * 1024
    payload["dedup_key"] = "k" * 255
    [event] = events_v2.parse(payload)
    assert len(event.title) == 1024 and len(event.dedup_key) == 255


def _trigger(**changes):
    payload = {"routing_key": "0123456789abcdef0123456789abcdef", "event_action": "trigger",
               "payload": {"summary": "Disk full", "source": "db01", "severity": "critical"}}
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = payload
        for parent in parents:
            target = target[parent]
        if value is ...:
            del target[leaf]
        else:
            target[leaf] = value
    return payload


@pytest.mark.parametrize("payload, field, message", [
    (_trigger(event_action=...), "event_action", "'event_action' is missing or blank"),
    (_trigger(event_action="fire"), "event_action",
     "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')"),
    (_trigger(payload=...), "payload.summary", "'payload.summary' is missing or blank"),
    (_trigger(payload="disk full"), "payload", "'payload' is invalid (must be an object)"),
    (_trigger(payload__summary="  "), "payload.summary", "'payload.summary' is missing or blank"),
    (_trigger(payload__summary="s" * 1025), "payload.summary",
     "'payload.summary' is too long (must be at most 1024 characters)"),
    (_trigger(payload__source=...), "payload.source", "'payload.source' is missing or blank"),
    (_trigger(payload__severity=...), "payload.severity", "'payload.severity' is missing or blank"),
    (_trigger(payload__severity="high"), "payload.severity",
     "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')"),
    (_trigger(payload__severity="Critical"), "payload.severity",
     "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')"),
    (_trigger(payload__summary=42), "payload.summary", "'payload.summary' is invalid (must be a string)"),
    (_trigger(dedup_key="k" * 256), "dedup_key", "'dedup_key' is too long (must be at most 255 characters)"),
    (_trigger(dedup_key=7), "dedup_key", "'dedup_key' is invalid (must be a string)"),
    (_trigger(routing_key=12345), "routing_key", "'routing_key' is invalid (must be a string)"),
    (_trigger(links=[{"text": "runbook"}]), "links.0.href", "'links.0.href' is missing or blank"),
    (_trigger(links="https://runbook"), "links", "'links' is invalid (must be an array)"),
    (_trigger(links=["https://runbook"]), "links.0", "'links.0' is invalid (must be an object)"),
    (_trigger(images=[{"alt": "graph"}]), "images.0.src", "'images.0.src' is missing or blank"),
    (_trigger(payload__timestamp=1717232400), "payload.timestamp", "'payload.timestamp' is invalid (must be a string)"),
    ({"event_action": "acknowledge"}, "dedup_key", "'dedup_key' is missing or blank"),
    ({"event_action": "resolve", "dedup_key": ""}, "dedup_key", "'dedup_key' is missing or blank"),
])
def test_invalid_events_name_the_field_in_pagerduty_words(payload, field, message):
    with pytest.raises(PayloadError) as caught:
        events_v2.parse(payload)
    assert {"field": field, "message": message} in caught.value.details
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(PayloadError) as caught:
        events_v2.parse({"event_action": "trigger", "payload": {}})
    assert [d["field"] for d in caught.value.details] == ["payload.summary", "payload.source", "payload.severity"]


def test_acknowledge_needs_no_payload():
    [event] = events_v2.parse({"event_action": "acknowledge", "dedup_key": "abc"})
    assert (event.action, event.dedup_key) == ("acknowledge", "abc")
