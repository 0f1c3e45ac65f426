"""Who may do what: admins everything, managers their teams' configuration, analysts read,
acknowledge and resolve. Everything else is 403."""
import pytest

from tests.ui.conftest import make_policy, make_rotation

EDIT_LAYER = {"name": "Primary", "effective": "now", "layers.0.name": "Day", "layers.0.shift_count": "2",
              "layers.0.shift_unit": "days", "layers.0.handoff": "2026-01-05T09:00"}


@pytest.fixture
def rotations(session, people):
    a = make_rotation(session, people.team_a, [people.manager, people.analyst], name="A primary")
    b = make_rotation(session, people.team_b, [people.analyst], name="B primary")
    return a, b


def _edit(client, rotation, members):
    return client.post(f"/rotations/{rotation.id}/edit",
                       data={**EDIT_LAYER, "layers.0.members": [str(m.id) for m in members]})


def test_an_analyst_cannot_edit_a_rotation(signed_in, rotations, people):
    analyst, (a, _) = signed_in("analyst"), rotations
    assert analyst.get(f"/rotations/{a.id}").status_code == 200  # reading is fine
    assert analyst.get(f"/rotations/{a.id}/edit").status_code == 403
    refused = _edit(analyst, a, [people.analyst])
    assert refused.status_code == 403
    assert b"403" in refused.data and b"manager" in refused.data
    assert analyst.post(f"/rotations/{a.id}/overrides", data={"user_id": people.analyst.id}).status_code == 403
    assert analyst.get("/rotations/new").status_code == 403
    assert b"Edit layers" not in analyst.get(f"/rotations/{a.id}").data


def test_a_manager_of_team_a_cannot_edit_team_bs_rotation(signed_in, rotations, people):
    manager, (a, b) = signed_in("manager"), rotations
    assert manager.get(f"/rotations/{b.id}/edit").status_code == 403
    assert _edit(manager, b, [people.manager]).status_code == 403
    assert manager.post(f"/rotations/{b.id}/overrides", data={"user_id": people.manager.id}).status_code == 403
    assert _edit(manager, a, [people.manager, people.analyst]).status_code == 302  # their own team: fine


def test_a_manager_cannot_create_in_another_team(signed_in, people):
    answer = signed_in("manager").post("/rotations/new", data={
        "team_id": people.team_b.id, "name": "Sneaky", "timezone": "UTC", "layers.0.name": "L",
        "layers.0.members": [people.manager.id], "layers.0.shift_count": "1", "layers.0.shift_unit": "days",
        "layers.0.handoff": "2026-01-05T09:00"})
    assert answer.status_code == 403


def test_configuration_of_another_team_is_403_everywhere(signed_in, rotations, people, session):
    policy_b = make_policy(session, people.team_b, rotations[1])
    manager = signed_in("manager")
    assert manager.get(f"/policies/{policy_b.id}/edit").status_code == 403
    assert manager.post(f"/teams/{people.team_b.id}/hours", data={"timezone": "UTC"}).status_code == 403
    assert manager.post("/sources/new", data={"team_id": people.team_b.id, "policy_id": policy_b.id,
                                              "source": "generic", "name": "x", "min_severity": "high"}).status_code == 403


def test_only_admins_manage_people_and_teams(signed_in, people):
    for who in ("manager", "analyst"):
        client = signed_in(who)
        assert client.get("/people").status_code == 403
        assert client.post("/people/new", data={"name": "X", "email": "x@example.com"}).status_code == 403
        assert client.get("/teams/new").status_code == 403
        assert client.get("/teams").status_code == 200  # everyone may see the teams
        assert b'href="/people"' not in client.get("/").data
    admin = signed_in("admin")
    assert admin.get("/people").status_code == 200
    created = admin.post("/people/new", data={"name": "Nia New", "email": "nia@example.com", "timezone": "UTC",
                                              "role": "analyst", "password": "long enough password"})
    assert created.status_code == 302
    assert b"Nia New" in admin.get("/people").data


def test_an_admin_may_edit_any_teams_rotation(signed_in, rotations, people):
    assert _edit(signed_in("admin"), rotations[1], [people.analyst, people.manager]).status_code == 302


def test_the_audit_and_report_pages_need_a_sign_in(client, signed_in):
    for path in ("/audit", "/reports", "/incidents/1/report"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")
    assert signed_in("analyst").get("/audit").status_code == 200
