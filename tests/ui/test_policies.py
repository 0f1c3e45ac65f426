"""Escalation policies in the UI: levels with targets, channels and timeouts; errors by field."""
from oncall.services import policies
from tests.ui.conftest import make_policy, make_rotation, reread
from tests.ui.reading import field_errors


def _form(people, rotation, **fields):
    return {"team_id": people.team_a.id, "name": "Critical after hours", "repeat": "1",
            "levels.0.targets": [f"rotation:{rotation.id}"], "levels.0.channels": "pagerduty,sms",
            "levels.0.timeout_minutes": "5",
            "levels.1.targets": [f"user:{people.manager.id}", f"team:{people.team_a.id}"],
            "levels.1.channels": "sms", "levels.1.timeout_minutes": "10", **fields}


def test_create_a_policy_with_two_levels(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.analyst])
    manager = signed_in("manager")
    answer = manager.post("/policies/new", data=_form(people, rotation))
    assert answer.status_code == 302
    policy = policies.list_(session=session)[0]
    out = policies.to_out(session=session, policy=policy)
    assert [(lv.ack_timeout_seconds, lv.channels, [(t.type, t.id) for t in lv.targets]) for lv in out.levels] == [
        (300, ["pagerduty", "sms"], [("rotation", rotation.id)]),
        (600, ["sms"], [("user", people.manager.id), ("team", people.team_a.id)])]
    assert out.repeat == 1 and out.page_during_business_hours is False
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert "on call in Primary" in page and "PagerDuty, then SMS" in page and "everyone in Team A" in page
    assert "Inside business hours nobody is paged" in page and "Then the levels run again 1 time." in page


def test_policy_errors_are_shown_by_their_level(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.analyst])
    answer = signed_in("manager").post("/policies/new", data=_form(people, rotation, **{
        "name": "", "repeat": "11", "levels.0.targets": [], "levels.1.timeout_minutes": "0"}))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert field_errors(page, "levels.1.timeout_minutes") == ["minutes from 0.5 to 10080"]
    assert field_errors(page, "name") == ["required"]
    assert field_errors(page, "repeat") == ["Input should be less than or equal to 10"]
    assert field_errors(page, "levels.0.targets") == ["choose at least one"]  # an empty row before a used one
    assert policies.list_(session=session) == []


def test_a_policy_needs_a_level(signed_in, people):
    answer = signed_in("manager").post("/policies/new", data={"team_id": people.team_a.id, "name": "Empty",
                                                               "repeat": "0"})
    assert answer.status_code == 400 and "Levels: choose at least one" in answer.get_data(as_text=True)


def test_unknown_targets_are_refused(signed_in, people):
    answer = signed_in("manager").post("/policies/new", data={
        "team_id": people.team_a.id, "name": "Ghost", "levels.0.targets": ["rotation:9999"],
        "levels.0.channels": "sms", "levels.0.timeout_minutes": "5"})
    assert answer.status_code == 400
    assert field_errors(answer.get_data(as_text=True), "levels.0.targets") == ["unknown rotation 9999"]


def test_edit_a_policy(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.analyst])
    policy = make_policy(session, people.team_a, rotation)
    manager = signed_in("manager")
    form = manager.get(f"/policies/{policy.id}/edit").get_data(as_text=True)
    assert f'value="rotation:{rotation.id}" selected' in form and 'value="10"' in form
    answer = manager.post(f"/policies/{policy.id}/edit", data={
        "name": "Renamed", "repeat": "2", "page_during_business_hours": "on",
        "levels.0.targets": [f"rotation:{rotation.id}"], "levels.0.channels": "sms", "levels.0.timeout_minutes": "1.5"})
    assert answer.status_code == 302
    reread(session)
    out = policies.to_out(session=session, policy=policies.get(session=session, policy_id=policy.id))
    assert (out.name, out.repeat, out.page_during_business_hours) == ("Renamed", 2, True)
    assert out.levels[0].ack_timeout_seconds == 90 and out.levels[0].channels == ["sms"]


def test_the_policy_list(signed_in, people, session):
    make_policy(session, people.team_a, make_rotation(session, people.team_a, [people.analyst]))
    page = signed_in("analyst").get("/policies").get_data(as_text=True)
    assert "After hours" in page and "Team A" in page and "New policy" not in page
