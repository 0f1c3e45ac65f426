"""Bad input on every inbound endpoint: a 4xx that names what is wrong, and nothing stored."""
from __future__ import annotations

import json

import pytest

from tests.inbound.conftest import counts

NOTHING = {"incident": 0, "inbound_event": 0, "timeline_entry": 0}
MIB = 1024 * 1024

GENERIC_TRIGGER = {"id": "T-1", "title": "Beacon", "severity": "critical"}
V2_TRIGGER = {"event_action": "trigger", "dedup_key": "k-1",
              "payload": {"summary": "Beacon", "source": "edr", "severity": "critical"}}

# (raw body, words the message must contain) — the same on every endpoint.
MALFORMED = {
    "malformed_json": (b'{"id": "T-1", "title": ', "not valid JSON"),
    "trailing_garbage": (b'{"id": "T-1"} trailing', "not valid JSON"),
    "empty": (b"", "empty"),
    "whitespace_only": (b"  \n\t ", "empty"),
    "binary_garbage": (b"\xff\xfe\x00\x81garbage\x00\x9c", "not UTF-8"),
    "random_bytes": (bytes(range(128, 256)) * 8, "not UTF-8"),
    "deep_nesting": (b"[" * 100_000 + b"]" * 100_000, "nested"),
    "deep_nesting_object": (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "nested"),
    "nesting_just_over_limit": (b'{"id": "T-1", "x": ' + b"[" * 70 + b"]" * 70 + b"}", "nested deeper than 64"),
    "array": (b"[1, 2, 3]", "JSON object"),
    "string": (b'"hello"', "JSON object"),
    "number": (b"42", "JSON object"),
    "null": (b"null", "JSON object"),
}


def _messages(response) -> str:
    """Everything the answer says about the problem, as one string."""
    body = response.get_json()
    assert body is not None, response.data[:200]
    parts = [str(body.get("message", ""))]
    parts += [e if isinstance(e, str) else json.dumps(e) for e in body.get("errors", [])]
    parts += [json.dumps(d) for d in body.get("details", [])]
    return " ".join(parts)


def _assert_v2_invalid(response, *words: str):
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["status"] == "invalid event"
    assert body["message"]
    assert isinstance(body["errors"], list) and body["errors"]
    text = _messages(response)
    for word in words:
        assert word in text, (word, body)


def _assert_webhook_invalid(response, status: int, *words: str):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"] and body["message"]
    text = _messages(response)
    for word in words:
        assert word in text, (word, body)


# ---- malformed bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_body_on_enqueue_is_400_naming_the_problem(inbound, client, session, case):
    inbound.integration("events_v2")
    raw, words = MALFORMED[case]
    response = client.post("/v2/enqueue", data=raw, headers={"Content-Type": "application/json"})
    _assert_v2_invalid(response, words)
    assert counts(session) == NOTHING


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("how", ["path", "bearer"])
def test_malformed_body_on_webhook_is_400_naming_the_problem(inbound, session, case, how):
    hook = inbound.integration("generic")
    raw, words = MALFORMED[case]
    response = hook.send(None, raw=raw) if how == "path" else hook.send_bearer(raw=raw)
    _assert_webhook_invalid(response, 400, words)
    assert response.get_json()["error"] == "invalid_payload"
    assert counts(session) == NOTHING


# ---- wrong types and missing fields --------------------------------------------------------

V2_BAD_EVENTS = {
    "summary_not_a_string": ({**V2_TRIGGER, "payload": {**V2_TRIGGER["payload"], "summary": 5}}, "payload.summary"),
    "payload_not_an_object": ({**V2_TRIGGER, "payload": "oops"}, "payload"),
    "dedup_key_not_a_string": ({**V2_TRIGGER, "dedup_key": ["k"]}, "dedup_key"),
    "links_not_an_array": ({**V2_TRIGGER, "links": "https://x"}, "links"),
    "link_without_href": ({**V2_TRIGGER, "links": [{"text": "x"}]}, "links.0.href"),
    "missing_event_action": ({k: v for k, v in V2_TRIGGER.items() if k != "event_action"}, "event_action"),
    "bad_event_action": ({**V2_TRIGGER, "event_action": "explode"}, "event_action"),
    "missing_payload": ({k: v for k, v in V2_TRIGGER.items() if k != "payload"}, "payload"),
    "missing_summary": ({**V2_TRIGGER, "payload": {"source": "edr", "severity": "critical"}}, "payload.summary"),
    "missing_source": ({**V2_TRIGGER, "payload": {"summary": "x", "severity": "critical"}}, "payload.source"),
    "missing_severity": ({**V2_TRIGGER, "payload": {"summary": "x", "source": "edr"}}, "payload.severity"),
    "bad_severity": ({**V2_TRIGGER, "payload": {**V2_TRIGGER["payload"], "severity": "high"}}, "payload.severity"),
    "resolve_without_dedup_key": ({"event_action": "resolve"}, "dedup_key"),
    "acknowledge_without_dedup_key": ({"event_action": "acknowledge"}, "dedup_key"),
    "summary_over_1024": ({**V2_TRIGGER, "payload": {**V2_TRIGGER["payload"], "summary": "s" * 1025}},
                          "payload.summary"),
    "dedup_key_over_255": ({**V2_TRIGGER, "dedup_key": "d" * 256}, "dedup_key"),
}


@pytest.mark.parametrize("case", sorted(V2_BAD_EVENTS))
def test_bad_event_on_enqueue_is_400_naming_the_field(inbound, session, case):
    events = inbound.integration("events_v2")
    event, field = V2_BAD_EVENTS[case]
    _assert_v2_invalid(events.send(event), f"'{field}'")
    assert counts(session) == NOTHING


def test_limits_at_the_edge_are_accepted(inbound):
    events = inbound.integration("events_v2")
    event = {**V2_TRIGGER, "dedup_key": "d" * 255, "payload": {**V2_TRIGGER["payload"], "summary": "s" * 1024}}
    response = events.send(event)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["dedup_key"] == "d" * 255


GENERIC_BAD_EVENTS = {
    "title_not_a_string": ({**GENERIC_TRIGGER, "title": 5}, "title"),
    "id_not_a_string": ({**GENERIC_TRIGGER, "id": {"x": 1}}, "id"),
    "severity_not_a_string": ({**GENERIC_TRIGGER, "severity": ["critical"]}, "severity"),
    "unknown_severity": ({**GENERIC_TRIGGER, "severity": "apocalyptic"}, "severity"),
    "missing_id": ({"title": "x", "severity": "critical"}, "id"),
    "missing_title": ({"id": "T-1", "severity": "critical"}, "title"),
    "missing_severity": ({"id": "T-1", "title": "x"}, "severity"),
    "bad_action": ({**GENERIC_TRIGGER, "action": "explode"}, "action"),
}


@pytest.mark.parametrize("case", sorted(GENERIC_BAD_EVENTS))
@pytest.mark.parametrize("how", ["path", "bearer"])
def test_bad_event_on_webhook_is_400_naming_the_field(inbound, session, case, how):
    hook = inbound.integration("generic")
    event, field = GENERIC_BAD_EVENTS[case]
    response = hook.send(event) if how == "path" else hook.send_bearer(event)
    _assert_webhook_invalid(response, 400, f"'{field}'")
    assert any(d["field"] == field for d in response.get_json()["details"])
    assert counts(session) == NOTHING


@pytest.mark.parametrize("source, event, field", [
    ("servicenow", {"short_description": "x", "priority": "1"}, "number"),
    ("jira", {"webhookEvent": "jira:issue_created", "issue": {"key": 7}}, "issue"),
    ("thehive", {"action": "create", "objectType": "Case", "object": "nope"}, "object"),
    ("alertmanager", {"status": "firing", "alerts": "nope"}, "alerts"),
    ("splunk", {"result": "nope"}, "result"),
])
def test_each_webhook_source_names_its_missing_or_mistyped_field(inbound, session, source, event, field):
    response = inbound.integration(source).send(event)
    _assert_webhook_invalid(response, 400, field)
    assert counts(session) == NOTHING


# ---- unknown keys ----------------------------------------------------------------------------

@pytest.mark.parametrize("routing_key", ["0" * 32, "", None, 12345, "x" * 500])
def test_unknown_or_missing_routing_key_on_enqueue_is_400(inbound, client, session, routing_key):
    inbound.integration("events_v2")
    event = {**V2_TRIGGER, **({} if routing_key is None else {"routing_key": routing_key})}
    response = client.post("/v2/enqueue", json=event)
    _assert_v2_invalid(response, "routing_key")
    assert counts(session) == NOTHING


def test_a_webhook_key_is_not_a_routing_key(inbound, client, session):
    hook = inbound.integration("generic")
    _assert_v2_invalid(client.post("/v2/enqueue", json={**V2_TRIGGER, "routing_key": hook.key}), "routing_key")
    assert counts(session) == NOTHING


def test_unknown_key_on_webhook_is_404(inbound, client, session):
    inbound.integration("generic")
    for response in (client.post("/integrations/" + "0" * 32, json=GENERIC_TRIGGER),
                     client.post("/integrations", json=GENERIC_TRIGGER,
                                 headers={"Authorization": "Bearer " + "0" * 32}),
                     client.post("/integrations/" + "x" * 300, json=GENERIC_TRIGGER)):
        _assert_webhook_invalid(response, 404, "key")
    assert counts(session) == NOTHING


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_missing_bearer_key_on_webhook_is_4xx(inbound, client, session, header):
    inbound.integration("generic")
    headers = {} if header is None else {"Authorization": header}
    response = client.post("/integrations", json=GENERIC_TRIGGER, headers=headers)
    assert 400 <= response.status_code < 500
    assert "key" in _messages(response)
    assert counts(session) == NOTHING


def test_events_v2_key_is_not_a_webhook_key(inbound, session):
    events = inbound.integration("events_v2")
    response = inbound.client.post(f"/integrations/{events.key}", json=GENERIC_TRIGGER)
    _assert_webhook_invalid(response, 404, "key")
    assert counts(session) == NOTHING


# ---- sizes ----------------------------------------------------------------------------------

def _padded(event: dict, size: int) -> bytes:
    """``event`` as JSON of exactly ``size`` bytes (padding in a custom field)."""
    base = json.dumps({**event, "pad": ""}).encode()
    return json.dumps({**event, "pad": "p" * (size - len(base))}).encode()


@pytest.mark.parametrize("how", ["path", "bearer", "enqueue"])
def test_body_over_one_mebibyte_is_413(inbound, client, session, how):
    hook = inbound.integration("generic")
    events = inbound.integration("events_v2")
    if how == "enqueue":
        raw = _padded({**V2_TRIGGER, "routing_key": events.key}, MIB + 1)
        response = client.post("/v2/enqueue", data=raw, headers={"Content-Type": "application/json"})
    else:
        raw = _padded(GENERIC_TRIGGER, MIB + 1)
        response = hook.send(None, raw=raw) if how == "path" else hook.send_bearer(raw=raw)
    assert response.status_code == 413
    assert "1 MiB" in response.get_json()["message"]
    assert counts(session) == NOTHING


def test_body_of_exactly_one_mebibyte_is_accepted_by_a_webhook(inbound):
    hook = inbound.integration("generic")
    response = hook.send(None, raw=_padded(GENERIC_TRIGGER, MIB))
    assert response.status_code == 202, response.get_json()


def test_events_v2_over_512_kb_is_400_naming_the_limit(inbound, session):
    events = inbound.integration("events_v2")
    raw = _padded({**V2_TRIGGER, "routing_key": events.key}, 512 * 1024 + 1)
    _assert_v2_invalid(events.send(None, raw=raw), "512 KB")
    assert counts(session) == NOTHING
    ok = events.send(None, raw=_padded({**V2_TRIGGER, "routing_key": events.key}, 512 * 1024))
    assert ok.status_code == 202, ok.get_json()


# ---- odd but well-formed text ----------------------------------------------------------------

@pytest.mark.parametrize("how", ["webhook", "enqueue"])
def test_nul_characters_in_strings_are_replaced_not_a_500(inbound, session, how):
    """``\\u0000`` is valid JSON but PostgreSQL text cannot hold it: stored as U+FFFD, the page goes out."""
    if how == "webhook":
        target = inbound.integration("generic")
        event = {**GENERIC_TRIGGER, "title": "bea\u0000con", "x\u0000": "\u0000"}
    else:
        target = inbound.integration("events_v2")
        event = {**V2_TRIGGER, "payload": {**V2_TRIGGER["payload"], "summary": "bea\u0000con",
                                           "custom_details": {"k\u0000": "\u0000"}}}
    response = target.send(event)
    assert response.status_code == 202, response.get_json()
    [incident] = inbound.incidents()
    assert incident["title"] == "bea\ufffdcon"
    [row] = inbound.inbound_events()
    assert "\\u0000" in row.raw_body  # the raw body is kept as sent


def test_lone_surrogates_are_replaced_not_a_500(inbound, session):
    hook = inbound.integration("generic")
    response = hook.send(None, raw=b'{"id": "T-1", "title": "bad \\ud800 surrogate", "severity": "critical"}')
    assert response.status_code == 202, response.get_json()
    assert inbound.incidents()[0]["title"] == "bad \ufffd surrogate"


@pytest.mark.parametrize("how", ["enqueue", "webhook"])
def test_a_lone_surrogate_in_the_key_is_a_4xx(inbound, client, session, how):
    inbound.integration("events_v2")
    if how == "enqueue":
        response = client.post("/v2/enqueue", data=b'{"routing_key": "\\udc00abc", "event_action": "trigger"}',
                               headers={"Content-Type": "application/json"})
        _assert_v2_invalid(response, "routing_key")
    else:
        response = client.post("/integrations/%ED%B0%80", json=GENERIC_TRIGGER)
        assert 400 <= response.status_code < 500


def test_random_garbage_is_always_a_4xx(inbound, client, session):
    hook = inbound.integration("generic")
    inbound.integration("events_v2")
    rng = __import__("random").Random(4)
    for _ in range(30):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        for response in (hook.send(None, raw=raw),
                         client.post("/v2/enqueue", data=raw, headers={"Content-Type": "application/json"})):
            assert 400 <= response.status_code < 500, (raw, response.data[:200])
    assert counts(session) == NOTHING


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_standard_json_numbers_are_400(inbound, session, literal):
    hook = inbound.integration("generic")
    response = hook.send(None, raw=b'{"id": "T-1", "title": "x", "severity": "critical", "score": ' + literal + b"}")
    _assert_webhook_invalid(response, 400, "not valid JSON")
    assert counts(session) == NOTHING


def test_an_over_long_ticket_id_is_400_naming_it(inbound, session):
    hook = inbound.integration("generic")
    response = hook.send({**GENERIC_TRIGGER, "id": "T" * 300})
    _assert_webhook_invalid(response, 400, "255")
    assert counts(session) == NOTHING


def test_over_long_optional_text_still_opens_the_incident(inbound, session):
    hook = inbound.integration("generic")
    url = "https://soar.example.com/cases/1?" + "q" * 3000
    response = hook.send({**GENERIC_TRIGGER, "dedup_key": "T-1", "id": "E" * 400, "title": "t" * 5000, "url": url})
    assert response.status_code == 202, response.get_json()
    incident = inbound.incident(response.get_json()["incident_ids"][0])
    assert incident["dedup_key"] == "T-1"
    assert len(incident["title"]) <= 1024 and len(incident["external_id"]) <= 255
