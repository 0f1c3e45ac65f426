"""Escalation policies over the API."""
import pytest


@pytest.fixture
def setup(make):
    ada = make.user(name="Ada")
    team = make.team(members=[ada.id])
    return ada, team


def level(target_type, target_id, **extra):
    return {"ack_timeout_seconds": 600, "channels": ["pagerduty", "sms"],
            "targets": [{"type": target_type, "id": target_id}], **extra}


def test_create_read_update_delete(api, setup):
    ada, team = setup
    created = api.post("/api/v1/escalation-policies", {
        "team_id": team.id, "name": "Critical", "repeat": 2, "levels": [
            level("user", ada.id, pagerduty_routing_key="R" * 32), level("team", team.id, channels=["sms"])]})
    assert created.status_code == 201, created.get_json()
    policy = created.get_json()
    assert policy["repeat"] == 2 and policy["page_during_business_hours"] is False
    assert [lv["channels"] for lv in policy["levels"]] == [["pagerduty", "sms"], ["sms"]]
    assert policy["levels"][0]["has_pagerduty_routing_key"] is True
    assert "R" * 32 not in created.get_data(as_text=True)

    updated = api.patch(f"/api/v1/escalation-policies/{policy['id']}",
                        {"page_during_business_hours": True, "levels": [level("user", ada.id)]})
    assert updated.status_code == 200
    assert len(updated.get_json()["levels"]) == 1 and updated.get_json()["page_during_business_hours"] is True
    assert [p["id"] for p in api.get(f"/api/v1/escalation-policies?team_id={team.id}").get_json()] == [policy["id"]]
    assert api.delete(f"/api/v1/escalation-policies/{policy['id']}").status_code == 204
    assert api.get(f"/api/v1/escalation-policies/{policy['id']}").status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"levels": []}, "levels"),
    ({"levels": [{"targets": []}]}, "levels.0.targets"),
    ({"levels": [{"targets": [{"type": "robot", "id": 1}]}]}, "levels.0.targets.0.type"),
    ({"levels": [{"targets": [{"type": "user", "id": 999}]}]}, "levels.0.targets.0.id"),
    ({"levels": [{"channels": ["fax"], "targets": [{"type": "user", "id": 1}]}]}, "levels.0.channels.0"),
    ({"levels": [{"channels": ["sms", "sms"], "targets": [{"type": "user", "id": 1}]}]}, "levels.0.channels"),
    ({"levels": [{"ack_timeout_seconds": 0, "targets": [{"type": "user", "id": 1}]}]}, "levels.0.ack_timeout_seconds"),
    ({"repeat": -1}, "repeat"),
])
def test_bad_policies_are_400_and_store_nothing(api, setup, change, field):
    ada, team = setup
    body = {"team_id": team.id, "name": "P", "levels": [level("user", ada.id)], **change}
    response = api.post("/api/v1/escalation-policies", body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert api.get("/api/v1/escalation-policies").get_json() == []


def test_unknown_team_is_404(api, setup):
    ada, _ = setup
    response = api.post("/api/v1/escalation-policies", {"team_id": 999, "name": "P", "levels": [level("user", ada.id)]})
    assert response.status_code == 404
