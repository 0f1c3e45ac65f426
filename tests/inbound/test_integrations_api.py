"""``/api/v1/integrations``: create (key shown once, stored hashed), list, get, update, delete, rotate key."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select, text

from oncall.store.models import AuditEntry, Integration
from tests.inbound.conftest import fresh

GENERIC = {"id": "T-1", "title": "Beacon", "severity": "critical"}
V2 = {"event_action": "trigger", "dedup_key": "k-1", "payload": {"summary": "Beacon", "source": "edr",
                                                                 "severity": "critical"}}
SECRET = "correct horse battery staple"


def _row(session, integration_id: int) -> Integration:
    return fresh(session).get(Integration, integration_id)


# ---- create --------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["events_v2", "servicenow", "jira", "thehive", "splunk", "alertmanager", "generic"])
def test_create_shows_the_key_once_and_stores_only_its_hash(inbound, session, source):
    created = inbound.api.post("/api/v1/integrations", {"team_id": inbound.team_id, "policy_id": inbound.policy_id,
                                                        "source": source, "name": "SIEM"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    key = body["key"]
    assert re.fullmatch(r"[A-Za-z0-9]{32}", key)
    assert {"id", "key", "url"} <= set(body)
    assert body["min_severity"] == "high" and body["routing_rules"] == [] and body["signed"] is False
    assert body["key_hint"] == key[:4] and body["source"] == source and body["created_at"].endswith("Z")
    expected_url = ("http://oncall.test/v2/enqueue" if source == "events_v2"
                    else f"http://oncall.test/integrations/{key}")
    assert body["url"] == expected_url

    row = _row(session, body["id"])
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = json.dumps([list(r) for r in session.execute(text("SELECT * FROM integration")).all()], default=str)
    audits = json.dumps([a.after for a in session.execute(select(AuditEntry)).scalars()], default=str)
    assert key not in stored and key not in audits

    for shown in (inbound.api.get(f"/api/v1/integrations/{body['id']}").get_json(),
                  *inbound.api.get("/api/v1/integrations").get_json()):
        assert "key" not in shown and key not in json.dumps(shown)


def test_keys_are_random(inbound):
    keys = {inbound.integration("generic").key for _ in range(5)}
    assert len(keys) == 5


def test_the_key_works_on_its_endpoint(inbound):
    hook = inbound.integration("generic")
    assert hook.send(GENERIC).status_code == 202
    assert hook.send_bearer({**GENERIC, "id": "T-2"}).status_code == 202
    events = inbound.integration("events_v2")
    assert events.send(V2).status_code == 202


@pytest.mark.parametrize("change, field", [
    ({"source": "nagios"}, "source"),
    ({"min_severity": "urgent"}, "min_severity"),
    ({"name": ""}, "name"),
    ({"team_id": "x"}, "team_id"),
    ({"signing_secret": "short"}, "signing_secret"),
    ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
    ({"routing_rules": [{"match": {"title_pattern": "("}, "routes": [{"team_id": 1, "policy_id": 1}]}]},
     "routing_rules.0.match.title_pattern"),
    ({"routing_rules": [{"match": {"category": "x"}, "routes": []}]}, "routing_rules.0.routes"),
    ({"routing_rules": [{"match": {"colour": "red"}, "routes": [{"team_id": 1, "policy_id": 1}]}]},
     "routing_rules.0.match.colour"),
    ({"key": "chosen-by-me"}, "key"),
])
def test_bad_create_is_400_naming_the_field(inbound, change, field):
    body = {"team_id": inbound.team_id, "policy_id": inbound.policy_id, "source": "generic", "name": "x", **change}
    response = inbound.api.post("/api/v1/integrations", body)
    assert response.status_code == 400, response.get_json()
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert inbound.api.get("/api/v1/integrations").get_json() == []


def test_missing_fields_are_named(inbound):
    response = inbound.api.post("/api/v1/integrations", {"name": "x"})
    assert response.status_code == 400
    assert {"team_id", "policy_id", "source"} <= {d["field"] for d in response.get_json()["details"]}


def test_policy_of_another_team_or_unknown_is_refused(inbound):
    other_team, other_policy = inbound.team_with_policy()
    for policy_id in (other_policy, 999_999):
        response = inbound.api.post("/api/v1/integrations", {"team_id": inbound.team_id, "policy_id": policy_id,
                                                             "source": "generic", "name": "x"})
        assert response.status_code == 400 and response.get_json()["details"][0]["field"] == "policy_id"
    rule = {"match": {"category": "x"}, "routes": [{"team_id": inbound.team_id, "policy_id": other_policy}]}
    response = inbound.api.post("/api/v1/integrations", {"team_id": inbound.team_id, "policy_id": inbound.policy_id,
                                                         "source": "generic", "name": "x", "routing_rules": [rule]})
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == "routing_rules.0.routes.0.policy_id"
    unknown_team = inbound.api.post("/api/v1/integrations", {"team_id": 999_999, "policy_id": inbound.policy_id,
                                                             "source": "generic", "name": "x"})
    assert 400 <= unknown_team.status_code < 500


def test_the_api_needs_a_token(inbound, client):
    assert client.post("/api/v1/integrations", json={}).status_code == 401
    assert client.get("/api/v1/integrations").status_code == 401
    hook = inbound.integration("generic")
    # an integration key is not an API token
    assert client.get("/api/v1/integrations", headers={"Authorization": f"Bearer {hook.key}"}).status_code == 401


# ---- list, get, update, delete ----------------------------------------------------------------

def test_list_get_update_delete(inbound, session):
    other_team, other_policy = inbound.team_with_policy()
    a = inbound.integration("generic")
    b = inbound.integration("events_v2", team_id=other_team, policy_id=other_policy)
    assert [i["id"] for i in inbound.api.get("/api/v1/integrations").get_json()] == [a.id, b.id]
    only = inbound.api.get("/api/v1/integrations", query_string={"team_id": other_team}).get_json()
    assert [i["id"] for i in only] == [b.id]
    got = inbound.api.get(f"/api/v1/integrations/{a.id}").get_json()
    assert got["url"] == "http://oncall.test/integrations/<key>" and got["name"] == "generic integration"

    second_policy = inbound.policy(inbound.team_id, "Second")
    patched = inbound.api.patch(f"/api/v1/integrations/{a.id}", {
        "name": "Renamed", "min_severity": "low", "policy_id": second_policy, "rate_limit_per_minute": 5,
        "routing_rules": [{"match": {"category": "malware"},
                           "routes": [{"team_id": other_team, "policy_id": other_policy}]}]})
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert (body["name"], body["min_severity"], body["policy_id"], body["rate_limit_per_minute"]) == (
        "Renamed", "low", second_policy, 5)
    assert body["routing_rules"] == [{"match": {"category": "malware"}, "continue": False,
                                      "routes": [{"team_id": other_team, "policy_id": other_policy}]}]
    assert inbound.api.get(f"/api/v1/integrations/{a.id}").get_json() == body
    # the key did not change
    assert a.send({**GENERIC, "severity": "low"}).status_code == 202
    assert inbound.incidents()[0]["policy_id"] == second_policy

    assert inbound.api.delete(f"/api/v1/integrations/{a.id}").status_code == 204
    assert inbound.api.get(f"/api/v1/integrations/{a.id}").status_code == 404
    assert a.send({**GENERIC, "id": "T-9"}).status_code == 404
    # its incident stays (for the record), no longer linked to a deleted integration
    [incident] = inbound.incidents()
    assert incident["integration_id"] is None
    actions = [e.action for e in fresh(session).execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
               if e.action.startswith("integration.")]
    assert actions == ["integration.create", "integration.create", "integration.update", "integration.delete"]


@pytest.mark.parametrize("change, field", [
    ({"name": None}, "name"), ({"policy_id": None}, "policy_id"), ({"min_severity": "urgent"}, "min_severity"),
    ({"source": "jira"}, "source"), ({"team_id": 3}, "team_id"), ({"policy_id": 999_999}, "policy_id"),
])
def test_bad_update_is_400_and_changes_nothing(inbound, change, field):
    hook = inbound.integration("generic")
    before = inbound.api.get(f"/api/v1/integrations/{hook.id}").get_json()
    response = inbound.api.patch(f"/api/v1/integrations/{hook.id}", change)
    assert response.status_code == 400, response.get_json()
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert inbound.api.get(f"/api/v1/integrations/{hook.id}").get_json() == before


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_integration_is_404(inbound, method):
    kwargs = {"json": {"name": "x"}} if method == "patch" else {}
    assert getattr(inbound.api, method)("/api/v1/integrations/999999", **kwargs).status_code == 404
    assert inbound.api.post("/api/v1/integrations/999999/rotate-key", {}).status_code == 404


# ---- rotate key ------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["generic", "events_v2"])
def test_rotated_key_keeps_the_old_one_valid_for_the_grace_period(inbound, source):
    start = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    with freeze_time(start) as frozen:
        hook = inbound.integration(source)
        old = hook.key
        rotated = inbound.api.post(f"/api/v1/integrations/{hook.id}/rotate-key", {"grace_seconds": 3600})
        assert rotated.status_code == 200, rotated.get_json()
        new = rotated.get_json()["key"]
        assert new != old and re.fullmatch(r"[A-Za-z0-9]{32}", new)
        assert rotated.get_json()["key_hint"] == new[:4]
        event = V2 if source == "events_v2" else GENERIC
        ok = 202

        def sent(key, n):
            return hook.send({**event, "dedup_key": f"k-{n}", "id": f"T-{n}"}, key=key).status_code

        assert sent(new, 1) == ok and sent(old, 2) == ok
        frozen.move_to(start + timedelta(seconds=3599))
        assert sent(old, 3) == ok
        frozen.move_to(start + timedelta(seconds=3600))
        refused = sent(old, 4)
        assert refused == (400 if source == "events_v2" else 404)
        assert sent(new, 5) == ok
    assert len(inbound.incidents()) == 4


def test_rotate_without_grace_retires_the_old_key_at_once(inbound):
    hook = inbound.integration("generic")
    new = inbound.api.post(f"/api/v1/integrations/{hook.id}/rotate-key", {"grace_seconds": 0}).get_json()["key"]
    assert hook.send(GENERIC).status_code == 404
    assert hook.send(GENERIC, key=new).status_code == 202
    assert hook.send_bearer({**GENERIC, "id": "T-2"}, key=new).status_code == 202


def test_default_grace_is_a_day_and_a_second_rotation_retires_the_first_key(inbound):
    start = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
    with freeze_time(start) as frozen:
        hook = inbound.integration("generic")
        second = inbound.api.post(f"/api/v1/integrations/{hook.id}/rotate-key", {}).get_json()["key"]
        frozen.move_to(start + timedelta(hours=23, minutes=59))
        assert hook.send({**GENERIC, "id": "a"}).status_code == 202
        third = inbound.api.post(f"/api/v1/integrations/{hook.id}/rotate-key", {}).get_json()["key"]
        assert hook.send({**GENERIC, "id": "b"}).status_code == 404  # only one previous key is kept
        assert hook.send({**GENERIC, "id": "c"}, key=second).status_code == 202
        assert hook.send({**GENERIC, "id": "d"}, key=third).status_code == 202


@pytest.mark.parametrize("grace", [-1, 31 * 24 * 3600, "soon"])
def test_bad_grace_is_400(inbound, grace):
    hook = inbound.integration("generic")
    response = inbound.api.post(f"/api/v1/integrations/{hook.id}/rotate-key", {"grace_seconds": grace})
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == "grace_seconds"
    assert hook.send(GENERIC).status_code == 202


# ---- signatures ----------------------------------------------------------------------------

def _sign(raw: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


@pytest.fixture
def signed(inbound):
    hook = inbound.integration("jira", signing_secret=SECRET)
    assert hook.body["signed"] is True
    return hook


JIRA = {"webhookEvent": "jira:issue_created",
        "issue": {"key": "SEC-1", "fields": {"summary": "Beacon", "priority": {"name": "Highest"},
                                             "status": {"name": "To Do", "statusCategory": {"key": "new"}}}}}


def _raw(body=JIRA) -> bytes:
    return json.dumps(body).encode()


@pytest.mark.parametrize("headers", [
    {},
    {"X-Hub-Signature": "sha256=" + "0" * 64},
    {"X-Hub-Signature": "sha256="},
    {"X-Hub-Signature": "sha1=" + "0" * 40},
    {"X-Oncall-Signature": "not-hex"},
    {"X-Oncall-Signature": _sign(_raw(), "another secret of enough length")},
    {"X-Oncall-Signature": _sign(_raw({**JIRA, "x": 1}))},  # signed some other body
])
def test_unsigned_or_wrongly_signed_request_is_401(signed, session, headers):
    response = signed.send(None, raw=_raw(), headers=headers)
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"] == "bad_signature"
    assert "Signature" in response.get_json()["message"]
    assert signed.inbound.incidents() == [] and signed.inbound.inbound_events() == []


@pytest.mark.parametrize("header, value", [
    ("X-Hub-Signature", lambda raw: "sha256=" + _sign(raw)),
    ("X-Oncall-Signature", lambda raw: _sign(raw)),
    ("X-Oncall-Signature", lambda raw: "sha256=" + _sign(raw)),
    ("X-Oncall-Signature", lambda raw: _sign(raw).upper()),
])
def test_a_correct_signature_over_the_raw_body_is_accepted(signed, header, value):
    raw = b'{"webhookEvent":"jira:issue_created",   "issue": ' + json.dumps(JIRA["issue"]).encode() + b"}"
    response = signed.send(None, raw=raw, headers={header: value(raw)})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["dedup_keys"] == ["SEC-1"]


def test_signature_is_checked_on_the_bearer_endpoint_too(signed, client):
    raw = _raw()
    unsigned = client.post("/integrations", data=raw, headers={"Authorization": f"Bearer {signed.key}"})
    assert unsigned.status_code == 401
    ok = client.post("/integrations", data=raw, headers={"Authorization": f"Bearer {signed.key}",
                                                         "X-Hub-Signature": "sha256=" + _sign(raw)})
    assert ok.status_code == 202


def test_signing_can_be_turned_on_changed_and_off(inbound):
    hook = inbound.integration("generic")
    raw = _raw(GENERIC)
    assert hook.send(None, raw=raw).status_code == 202
    assert inbound.api.patch(f"/api/v1/integrations/{hook.id}", {"signing_secret": SECRET}).get_json()["signed"]
    assert hook.send(None, raw=raw).status_code == 401
    assert hook.send(None, raw=raw, headers={"X-Oncall-Signature": _sign(raw)}).status_code == 202
    other = "a different secret, long enough"
    inbound.api.patch(f"/api/v1/integrations/{hook.id}", {"signing_secret": other})
    assert hook.send(None, raw=raw, headers={"X-Oncall-Signature": _sign(raw)}).status_code == 401
    assert hook.send(None, raw=raw, headers={"X-Oncall-Signature": _sign(raw, other)}).status_code == 202
    off = inbound.api.patch(f"/api/v1/integrations/{hook.id}", {"signing_secret": None}).get_json()
    assert off["signed"] is False
    assert hook.send(None, raw=raw).status_code == 202


def test_the_signing_secret_is_never_shown_or_stored_in_clear(inbound, session):
    hook = inbound.integration("generic", signing_secret=SECRET)
    assert SECRET not in json.dumps(hook.body)
    assert SECRET not in json.dumps(inbound.api.get(f"/api/v1/integrations/{hook.id}").get_json())
    assert SECRET not in (_row(session, hook.id).signing_secret or "")


def test_a_signed_events_v2_integration_checks_the_signature(inbound, session):
    """The secret is per integration: a routing key alone must not get past a configured secret."""
    events = inbound.integration("events_v2", signing_secret=SECRET)
    raw = json.dumps({**V2, "routing_key": events.key}).encode()
    unsigned = events.send(None, raw=raw)
    assert unsigned.status_code == 401, unsigned.get_json()
    assert inbound.incidents() == []
    assert events.send(None, raw=raw, headers={"X-Oncall-Signature": _sign(raw)}).status_code == 202
