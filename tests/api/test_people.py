"""Users and teams over the API: the contract, validation and auth."""
import pytest

NEW_USER = {"name": "Ada Analyst", "email": "Ada@Example.com", "phone": "+14155550100",
            "timezone": "America/New_York"}


def test_create_get_update_delete_user(api):
    created = api.post("/api/v1/users", NEW_USER)
    assert created.status_code == 201
    body = created.get_json()
    assert body["email"] == "ada@example.com"
    assert body["role"] == "analyst"
    assert body["created_at"].endswith("Z")
    user_id = body["id"]

    assert api.get(f"/api/v1/users/{user_id}").get_json()["name"] == "Ada Analyst"
    patched = api.patch(f"/api/v1/users/{user_id}", {"timezone": "Europe/Paris", "role": "manager"})
    assert patched.status_code == 200
    assert patched.get_json()["timezone"] == "Europe/Paris"
    assert [u["id"] for u in api.get("/api/v1/users").get_json()] == [user_id]

    assert api.delete(f"/api/v1/users/{user_id}").status_code == 204
    assert api.get(f"/api/v1/users/{user_id}").status_code == 404


@pytest.mark.parametrize("field, value", [
    ("email", "not-an-email"),
    ("phone", "555-0100"),
    ("phone", "+0123"),
    ("timezone", "Mars/Olympus_Mons"),
    ("role", "root"),
    ("name", ""),
])
def test_bad_user_field_is_400_naming_it_and_stores_nothing(api, field, value):
    response = api.post("/api/v1/users", {**NEW_USER, field: value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_request"
    assert [d["field"] for d in body["details"]] == [field]
    assert field in body["message"]
    assert api.get("/api/v1/users").get_json() == []


def test_unknown_field_and_wrong_type_are_named(api):
    response = api.post("/api/v1/users", {**NEW_USER, "emial": "x@y.org", "name": 5})
    fields = {d["field"] for d in response.get_json()["details"]}
    assert response.status_code == 400
    assert fields == {"emial", "name"}


def test_duplicate_email_is_409(api):
    assert api.post("/api/v1/users", NEW_USER).status_code == 201
    again = api.post("/api/v1/users", {**NEW_USER, "name": "Other"})
    assert again.status_code == 409
    assert "email" in again.get_json()["message"]


@pytest.mark.parametrize("body, expected", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
])
def test_malformed_bodies_are_400(api, body, expected):
    response = api.post("/api/v1/users", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert expected in response.get_json()["details"][0]["message"]


def test_body_over_one_mebibyte_is_413(api):
    response = api.post("/api/v1/users", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token", "Basic abc"])
def test_missing_or_wrong_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/users", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_team_with_members_and_managers(api, make):
    alice, bob = make.user(), make.user()
    created = api.post("/api/v1/teams", {"name": "SOC", "timezone": "Europe/Berlin",
                                         "members": [alice.id], "managers": [bob.id]})
    assert created.status_code == 201
    team = created.get_json()
    assert team["members"] == sorted([alice.id, bob.id])
    assert team["managers"] == [bob.id]

    renamed = api.patch(f"/api/v1/teams/{team['id']}", {"name": "SOC Tier 1", "members": [alice.id]})
    assert renamed.get_json()["name"] == "SOC Tier 1"
    assert renamed.get_json()["members"] == sorted([alice.id, bob.id])  # managers stay members

    assert api.delete(f"/api/v1/teams/{team['id']}").status_code == 204
    assert api.get(f"/api/v1/teams/{team['id']}").status_code == 404


def test_team_with_unknown_member_stores_nothing(api):
    response = api.post("/api/v1/teams", {"name": "SOC", "timezone": "UTC", "members": [999]})
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == "members"
    assert api.get("/api/v1/teams").get_json() == []


def test_every_change_is_audited(api, session):
    from oncall.services import audit
    from sqlmodel import select

    from oncall.store.models import AuditEntry

    user_id = api.post("/api/v1/users", NEW_USER).get_json()["id"]
    api.patch(f"/api/v1/users/{user_id}", {"name": "Ada L."})
    actions = list(session.exec(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["token.create", "user.create", "user.update"]
    assert audit.verify(session).ok


def test_unknown_path_and_method_are_json_errors(api):
    assert api.get("/api/v1/nothing-here").status_code == 404
    response = api.put("/api/v1/users", {})
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
