"""Incidents as the API shows them (DESIGN §3): the JSON shape, timeline and notifications, filters,
pagination, and idempotent acknowledge/resolve."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

INCIDENT_FIELDS = {"id", "team_id", "policy_id", "integration_id", "source", "external_id", "dedup_key", "title",
                   "severity", "status", "urgency", "created_at", "acknowledged_at", "acknowledged_by",
                   "resolved_at", "level", "link"}
NOTIFICATION_FIELDS = {"channel", "user_id", "level", "status", "sent_at"}
START = datetime(2026, 3, 7, 2, 0, tzinfo=timezone.utc)  # a Saturday night


def _z(text: str | None) -> bool:
    return text is not None and text.endswith("Z") and datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_incident_json_has_the_contract_fields(inbound, payload):
    hook = inbound.integration("servicenow")
    with freeze_time(START):
        [incident_id] = hook.send(payload("servicenow", "display_value")).get_json()["incident_ids"]
    [listed] = inbound.incidents()
    assert INCIDENT_FIELDS <= set(listed)
    assert listed == {k: v for k, v in inbound.incident(incident_id).items()
                      if k not in ("timeline", "notifications", "details")}
    assert listed["id"] == incident_id
    assert (listed["team_id"], listed["policy_id"], listed["integration_id"]) == (inbound.team_id, inbound.policy_id,
                                                                                  hook.id)
    assert (listed["source"], listed["external_id"], listed["dedup_key"]) == ("servicenow", "INC0010001",
                                                                              "INC0010001")
    assert (listed["title"], listed["severity"], listed["status"], listed["urgency"]) == (
        "Email server down", "critical", "triggered", "high")
    assert listed["created_at"] == "2026-03-07T02:00:00Z"
    assert listed["acknowledged_at"] is None and listed["acknowledged_by"] is None and listed["resolved_at"] is None
    assert listed["level"] == 0
    assert listed["link"] == ("https://acme.service-now.com/nav_to.do?uri=incident.do"
                              "?sys_id=9d385017c611228701d22104cc95c371")


def test_incident_detail_has_timeline_and_notifications(inbound, app, payload):
    hook = inbound.integration("generic")
    with freeze_time(START) as frozen:
        [incident_id] = hook.send(payload("generic", "trigger")).get_json()["incident_ids"]
        frozen.tick(timedelta(seconds=5))
        app.extensions["oncall.escalation"].tick()  # the engine pages level 1
        frozen.tick(timedelta(seconds=5))
        hook.send(payload("generic", "trigger"))
        detail = inbound.incident(incident_id)

    assert INCIDENT_FIELDS | {"timeline", "notifications"} <= set(detail)
    assert detail["level"] == 1
    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds[0] == "triggered" and kinds[-1] == "event_appended" and "notification_queued" in kinds
    for entry in detail["timeline"]:
        assert {"at", "kind", "actor", "message"} <= set(entry) and _z(entry["at"])
    assert detail["timeline"][0]["actor"] == f"integration:{hook.id}"
    assert [e["at"] for e in detail["timeline"]] == sorted(e["at"] for e in detail["timeline"])

    [page] = detail["notifications"]
    assert NOTIFICATION_FIELDS <= set(page)
    assert (page["channel"], page["user_id"], page["level"]) == ("pagerduty", inbound.user_id, 1)
    assert page["status"] in ("sent", "delivered") and _z(page["sent_at"])


def test_unknown_incident_is_404(inbound):
    for response in (inbound.api.get("/api/v1/incidents/999999"),
                     inbound.api.post("/api/v1/incidents/999999/acknowledge", {}),
                     inbound.api.post("/api/v1/incidents/999999/resolve", {})):
        assert response.status_code == 404
        assert response.get_json()["error"]


def test_incidents_need_a_token(inbound, client):
    assert client.get("/api/v1/incidents").status_code == 401
    assert client.get("/api/v1/incidents/1").status_code == 401
    assert client.post("/api/v1/incidents/1/acknowledge", json={}).status_code == 401


# ---- list: newest first, filters, pagination -------------------------------------------------

@pytest.fixture
def seven(inbound):
    """Seven incidents a minute apart: two teams, two sources, mixed severities and statuses."""
    other_team, other_policy = inbound.team_with_policy("IT")
    soc_generic = inbound.integration("generic", min_severity="low")
    it_events = inbound.integration("events_v2", team_id=other_team, policy_id=other_policy)
    ids = []
    with freeze_time(START) as frozen:
        for n, severity in enumerate(["critical", "high", "low", "critical"]):
            body = soc_generic.send({"id": f"T-{n}", "title": f"ticket {n}", "severity": severity}).get_json()
            ids += body["incident_ids"]
            frozen.tick(timedelta(minutes=1))
        for n, severity in enumerate(["critical", "error", "critical"]):
            it_events.send({"event_action": "trigger", "dedup_key": f"E-{n}",
                            "payload": {"summary": f"event {n}", "source": "x", "severity": severity}})
            ids.append(inbound.incidents(limit=1)[0]["id"])
            frozen.tick(timedelta(minutes=1))
    inbound.api.post(f"/api/v1/incidents/{ids[1]}/acknowledge", {})
    inbound.api.post(f"/api/v1/incidents/{ids[2]}/resolve", {})
    inbound.api.post(f"/api/v1/incidents/{ids[5]}/resolve", {})
    return {"ids": ids, "soc": inbound.team_id, "it": other_team}


def test_list_is_newest_first(inbound, seven):
    listed = inbound.incidents()
    assert [i["id"] for i in listed] == list(reversed(seven["ids"]))
    assert [i["created_at"] for i in listed] == sorted((i["created_at"] for i in listed), reverse=True)


@pytest.mark.parametrize("params, expected", [
    ({"status": "triggered"}, [0, 3, 4, 6]),
    ({"status": "acknowledged"}, [1]),
    ({"status": "resolved"}, [2, 5]),
    ({"team_id": "it"}, [4, 5, 6]),
    ({"team_id": "soc", "status": "triggered"}, [0, 3]),
    ({"severity": "critical"}, [0, 3, 4, 6]),
    ({"severity": "high"}, [1, 5]),
    ({"source": "events_v2"}, [4, 5, 6]),
    ({"source": "generic", "severity": "low"}, [2]),
    ({"source": "jira"}, []),
])
def test_list_filters(inbound, seven, params, expected):
    params = {k: seven[v] if k == "team_id" else v for k, v in params.items()}
    ids = [i["id"] for i in inbound.incidents(**params)]
    assert ids == [seven["ids"][n] for n in reversed(expected)]


def test_list_pagination(inbound, seven):
    pages = [[i["id"] for i in inbound.incidents(limit=3, offset=offset)] for offset in (0, 3, 6, 9)]
    assert pages[0] == list(reversed(seven["ids"]))[:3]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert sum(pages, []) == list(reversed(seven["ids"]))
    filtered = [i["id"] for i in inbound.incidents(status="triggered", limit=2, offset=1)]
    assert filtered == [seven["ids"][4], seven["ids"][3]]


def test_list_default_page_is_50(inbound):
    hook = inbound.integration("generic")
    for n in range(52):
        hook.send({"id": f"T-{n}", "title": "t", "severity": "critical"})
    assert len(inbound.incidents()) == 50
    assert len(inbound.incidents(offset=50)) == 2
    assert len(inbound.incidents(limit=500)) == 52


@pytest.mark.parametrize("params, field", [
    ({"status": "open"}, "status"), ({"severity": "urgent"}, "severity"), ({"team_id": "soc"}, "team_id"),
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset"), ({"limit": "ten"}, "limit"),
    ({"colour": "red"}, "colour"),
])
def test_bad_list_parameters_are_400_naming_them(inbound, params, field):
    response = inbound.api.get("/api/v1/incidents", query_string=params)
    assert response.status_code == 400, response.get_json()
    assert field in [d["field"] for d in response.get_json()["details"]]


# ---- acknowledge / resolve: idempotent -------------------------------------------------------

@pytest.fixture
def incident_id(inbound, payload):
    hook = inbound.integration("generic")
    with freeze_time(START):
        return hook.send(payload("generic", "trigger")).get_json()["incident_ids"][0]


def _timeline_kinds(inbound, incident_id):
    return [e["kind"] for e in inbound.incident(incident_id)["timeline"]]


def test_acknowledge_is_idempotent(inbound, incident_id):
    with freeze_time(START + timedelta(minutes=3)):
        first = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge",
                                 {"user_id": inbound.user_id, "note": "on it"})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert INCIDENT_FIELDS <= set(body)
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == inbound.user_id
    assert body["acknowledged_at"] == "2026-03-07T02:03:00Z"
    with freeze_time(START + timedelta(minutes=9)):
        again = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", {})
    assert again.status_code == 200
    assert again.get_json() == body
    assert _timeline_kinds(inbound, incident_id) == ["triggered", "acknowledged"]
    entry = inbound.incident(incident_id)["timeline"][1]
    assert entry["data"]["via"] == "api" and entry["data"]["note"] == "on it"


def test_resolve_is_idempotent_and_an_ack_after_it_changes_nothing(inbound, incident_id):
    with freeze_time(START + timedelta(minutes=5)):
        first = inbound.api.post(f"/api/v1/incidents/{incident_id}/resolve", {})
    assert first.status_code == 200
    body = first.get_json()
    assert body["status"] == "resolved" and body["resolved_at"] == "2026-03-07T02:05:00Z"
    assert body["acknowledged_at"] is None
    with freeze_time(START + timedelta(minutes=6)):
        again = inbound.api.post(f"/api/v1/incidents/{incident_id}/resolve", {})
        late_ack = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", {})
    assert again.get_json() == body and late_ack.status_code == 200 and late_ack.get_json() == body
    assert _timeline_kinds(inbound, incident_id) == ["triggered", "resolved"]


def test_acknowledge_then_resolve(inbound, incident_id):
    acked = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", {}).get_json()
    resolved = inbound.api.post(f"/api/v1/incidents/{incident_id}/resolve", {}).get_json()
    assert resolved["status"] == "resolved" and resolved["acknowledged_at"] == acked["acknowledged_at"]
    assert _timeline_kinds(inbound, incident_id) == ["triggered", "acknowledged", "resolved"]


def test_an_acknowledged_incident_stops_paging(inbound, app, incident_id):
    inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", {})
    with freeze_time(START + timedelta(hours=1)):
        app.extensions["oncall.escalation"].tick()
    assert inbound.incident(incident_id)["notifications"] == []


@pytest.mark.parametrize("body, field", [({"user_id": "me"}, "user_id"), ({"note": "n" * 1001}, "note"),
                                         ({"reason": "x"}, "reason")])
def test_bad_acknowledge_body_is_400_and_changes_nothing(inbound, incident_id, body, field):
    response = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert inbound.incident(incident_id)["status"] == "triggered"


def test_acknowledge_by_an_unknown_user_is_a_4xx_not_a_500(inbound, incident_id):
    response = inbound.api.post(f"/api/v1/incidents/{incident_id}/acknowledge", {"user_id": 999_999})
    assert 400 <= response.status_code < 500, response.get_json()
    assert "user" in response.get_json()["message"]
    assert inbound.incident(incident_id)["status"] == "triggered"
