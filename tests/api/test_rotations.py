"""Rotations, overrides, on-call, shifts, gaps, business hours and iCal over the API."""
import pytest
from freezegun import freeze_time
from icalendar import Calendar


@pytest.fixture
def people(make):
    return [make.user(name=n) for n in ("Ada", "Bob", "Cyd")]


@pytest.fixture
def team(make, people):
    return make.team(name="SOC", timezone="America/New_York", members=[p.id for p in people])


def weekly(api, team, people, **layer):
    body = {"team_id": team.id, "name": "Primary", "timezone": "America/New_York",
            "layers": [{"name": "L1", "members": [p.id for p in people], "shift_weeks": 1,
                        "handoff": "2026-03-02T09:00", **layer}]}
    response = api.post("/api/v1/rotations", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def who(api, rotation_id, at):
    return [u["name"] for u in api.get(f"/api/v1/rotations/{rotation_id}/oncall?at={at}").get_json()["users"]]


def test_weekly_rotation_keeps_its_wall_clock_handoff_across_dst(api, team, people):
    rotation = weekly(api, team, people)
    # New York springs forward on 2026-03-08: the 09:00 hand-off moves from 14:00Z to 13:00Z.
    assert who(api, rotation["id"], "2026-03-02T13:59:00Z") == []
    assert who(api, rotation["id"], "2026-03-02T14:00:00Z") == ["Ada"]
    assert who(api, rotation["id"], "2026-03-09T12:59:00Z") == ["Ada"]
    assert who(api, rotation["id"], "2026-03-09T13:00:00Z") == ["Bob"]
    assert who(api, rotation["id"], "2026-03-16T13:00:00Z") == ["Cyd"]


def test_shifts_and_gaps_partition_the_window(api, team, people):
    rotation = weekly(api, team, people, restrictions=[{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                          "start": "18:00", "end": "09:00"}])
    shifts = api.get(f"/api/v1/rotations/{rotation['id']}/shifts?start=2026-03-02T00:00:00Z"
                     f"&end=2026-03-04T00:00:00Z").get_json()
    assert shifts[0]["start"] == "2026-03-02T00:00:00Z" and shifts[-1]["end"] == "2026-03-04T00:00:00Z"
    assert all(a["end"] == b["start"] for a, b in zip(shifts, shifts[1:]))
    covered = [s for s in shifts if s["user_id"]]
    assert covered[0] == {"user_id": people[0].id, "start": "2026-03-02T23:00:00Z", "end": "2026-03-03T14:00:00Z",
                          "source": "layer:L1"}
    gaps = api.get(f"/api/v1/rotations/{rotation['id']}/gaps?start=2026-03-02T00:00:00Z"
                   f"&end=2026-03-04T00:00:00Z").get_json()
    assert gaps[0] == {"start": "2026-03-02T00:00:00Z", "end": "2026-03-02T23:00:00Z"}
    assert len(gaps) == len([s for s in shifts if s["user_id"] is None])


def test_override_beats_the_layer_and_can_be_deleted(api, team, people):
    rotation = weekly(api, team, people)
    created = api.post(f"/api/v1/rotations/{rotation['id']}/overrides",
                       {"user_id": people[2].id, "start": "2026-03-03T00:00:00Z", "end": "2026-03-04T00:00:00Z"})
    assert created.status_code == 201
    assert who(api, rotation["id"], "2026-03-03T00:00:00Z") == ["Cyd"]
    assert who(api, rotation["id"], "2026-03-04T00:00:00Z") == ["Ada"]
    listed = api.get(f"/api/v1/rotations/{rotation['id']}/overrides").get_json()
    assert [o["id"] for o in listed] == [created.get_json()["id"]]
    assert api.delete(f"/api/v1/rotations/{rotation['id']}/overrides/{listed[0]['id']}").status_code == 204
    assert who(api, rotation["id"], "2026-03-03T12:00:00Z") == ["Ada"]


def test_oncall_defaults_to_now(api, team, people):
    rotation = weekly(api, team, people)
    with freeze_time("2026-03-10T12:00:00Z"):
        body = api.get(f"/api/v1/rotations/{rotation['id']}/oncall").get_json()
    assert body["at"] == "2026-03-10T12:00:00Z" and [u["name"] for u in body["users"]] == ["Bob"]


def test_adding_a_member_mid_shift_keeps_the_person_on_call(api, team, people, make):
    rotation = weekly(api, team, people[:2])
    newcomer = make.user(name="Dee")
    with freeze_time("2026-03-10T12:00:00Z"):  # Bob's week
        changed = api.patch(f"/api/v1/rotations/{rotation['id']}", {"layers": [
            {"name": "L1", "members": [people[0].id, newcomer.id, people[1].id]}]})
    assert changed.status_code == 200, changed.get_json()
    assert len(changed.get_json()["layers"][0]["versions"]) == 2
    assert who(api, rotation["id"], "2026-03-10T12:00:00Z") == ["Bob"]  # the shift in progress stays
    assert who(api, rotation["id"], "2026-03-03T12:00:00Z") == ["Ada"]  # the past stays
    assert who(api, rotation["id"], "2026-03-17T12:00:00Z") == ["Ada"]  # then the new order, after Bob
    assert who(api, rotation["id"], "2026-03-24T12:00:00Z") == ["Dee"]


def test_edit_at_next_handoff_and_refusing_the_past(api, team, people):
    rotation = weekly(api, team, people)
    with freeze_time("2026-03-10T12:00:00Z"):
        past = api.patch(f"/api/v1/rotations/{rotation['id']}",
                         {"effective_at": "2026-03-01T00:00:00Z", "layers": [{"name": "L1", "shift_days": 1}]})
        assert past.status_code == 400 and past.get_json()["details"][0]["field"] == "effective_at"
        rounded = api.patch(f"/api/v1/rotations/{rotation['id']}",
                            {"at_next_handoff": True, "layers": [{"name": "L1", "shift_days": 1}]})
    version = rounded.get_json()["layers"][0]["current"]
    assert version["effective_from"] == "2026-03-16T13:00:00Z"
    assert who(api, rotation["id"], "2026-03-16T12:59:00Z") == ["Bob"]


@pytest.mark.parametrize("change, field", [
    ({"timezone": "Atlantis/Capital"}, "timezone"),
    ({"layers": [{"name": "L1", "members": [], "shift_weeks": 1, "handoff": "2026-03-02T09:00"}]}, "layers.0.members"),
    ({"layers": [{"name": "L1", "members": [999], "shift_weeks": 1, "handoff": "2026-03-02T09:00"}]}, "layers.0.members"),
    ({"layers": [{"name": "L1", "members": [1], "shift_hours": 0, "handoff": "2026-03-02T09:00"}]}, "layers.0.shift_hours"),
    ({"layers": [{"name": "L1", "members": [1], "shift_weeks": 1, "handoff": "next monday"}]}, "layers.0.handoff"),
    ({"layers": [{"name": "L1", "members": [1], "shift_weeks": 1, "handoff": "2026-03-02T09:00",
                  "restrictions": [{"days": ["mon"], "start": "25:00", "end": "09:00"}]}]}, "layers.0.restrictions.0.start"),
    ({"layers": [{"name": "L1", "members": [1], "handoff": "2026-03-02T09:00"}]}, "layers.0"),
])
def test_bad_rotations_are_400_naming_the_field_and_store_nothing(api, team, people, change, field):
    body = {"team_id": team.id, "name": "R", "timezone": "UTC",
            "layers": [{"name": "L1", "members": [people[0].id], "shift_weeks": 1, "handoff": "2026-03-02T09:00"}],
            **change}
    response = api.post("/api/v1/rotations", body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert api.get("/api/v1/rotations").get_json() == []


def test_bad_override_and_window_queries(api, team, people):
    rotation = weekly(api, team, people)
    base = f"/api/v1/rotations/{rotation['id']}"
    backwards = api.post(f"{base}/overrides", {"user_id": people[0].id, "start": "2026-03-04T00:00:00Z",
                                               "end": "2026-03-03T00:00:00Z"})
    assert backwards.status_code == 400 and "end must be after start" in backwards.get_json()["message"]
    naive = api.post(f"{base}/overrides", {"user_id": people[0].id, "start": "2026-03-03T00:00",
                                           "end": "2026-03-04T00:00:00Z"})
    assert naive.get_json()["details"][0]["field"] == "start"
    too_long = api.get(f"{base}/shifts?start=2026-01-01T00:00:00Z&end=2027-03-01T00:00:00Z")
    assert too_long.status_code == 400 and "400 days" in too_long.get_json()["message"]
    assert api.get(f"{base}/oncall?at=yesterday").status_code == 400
    assert api.get("/api/v1/rotations/999/oncall").status_code == 404


def test_team_oncall_lists_each_rotation(api, team, people):
    rotation = weekly(api, team, people)
    body = api.get(f"/api/v1/teams/{team.id}/oncall?at=2026-03-03T12:00:00Z").get_json()
    assert body["rotations"] == [{"rotation_id": rotation["id"], "rotation_name": "Primary",
                                  "at": "2026-03-03T12:00:00Z", "users": [{"id": people[0].id, "name": "Ada"}]}]


def test_business_hours_with_windows_holidays_and_a_country(api, team):
    put = api.put(f"/api/v1/teams/{team.id}/business-hours", {
        "timezone": "America/New_York", "holiday_country": "US", "holidays": ["2026-12-24"],
        "windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "12:00"},
                    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "13:00", "end": "17:00"}]})
    assert put.status_code == 200, put.get_json()
    assert api.get(f"/api/v1/teams/{team.id}/business-hours").get_json()["holidays"] == ["2026-12-24"]

    def check(at):
        return api.get(f"/api/v1/teams/{team.id}/business-hours/check?at={at}").get_json()

    assert check("2026-12-03T15:00:00Z")["business_hours"] is True  # Thursday 10:00 EST
    lunch = check("2026-12-03T17:30:00Z")  # 12:30: between the windows
    assert lunch["business_hours"] is False and lunch["next_change"] == "2026-12-03T18:00:00Z"
    assert check("2026-12-24T15:00:00Z")["business_hours"] is False  # explicit holiday
    assert check("2026-12-25T15:00:00Z")["business_hours"] is False  # US Christmas
    assert check("2026-11-26T15:00:00Z")["business_hours"] is False  # US Thanksgiving


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Nowhere/Else"}, "timezone"),
    ({"timezone": "UTC", "holidays": ["2026-13-01"]}, "holidays"),
    ({"timezone": "UTC", "holiday_country": "XX"}, "holiday_country"),
    ({"timezone": "UTC", "holiday_country": "US", "holiday_subdivision": "ZZ"}, "holiday_subdivision"),
    ({"timezone": "UTC", "windows": [{"days": ["mon"], "start": "9am", "end": "17:00"}]}, "windows.0.start"),
    ({"timezone": "UTC", "windows": [{"days": ["funday"], "start": "09:00", "end": "17:00"}]}, "windows.0.days.0"),
])
def test_bad_business_hours_are_400(api, team, body, field):
    response = api.put(f"/api/v1/teams/{team.id}/business-hours", body)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.get_json()["details"]]
    assert api.get(f"/api/v1/teams/{team.id}/business-hours").status_code == 404


def test_ical_feeds_at_secret_urls(api, client, team, people):
    rotation = weekly(api, team, people)
    link = api.post(f"/api/v1/rotations/{rotation['id']}/ical-link").get_json()["url"]
    with freeze_time("2026-03-10T12:00:00Z"):
        feed = client.get(link.removeprefix("http://oncall.test"))
        user_link = api.post(f"/api/v1/users/{people[1].id}/ical-link").get_json()["url"]
        mine = client.get(user_link.removeprefix("http://oncall.test"))
    assert feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert any("Bob" in str(e["summary"]) for e in events)
    own = [c for c in Calendar.from_ical(mine.data).walk("VEVENT")]
    assert own and all("Bob" in str(e["summary"]) for e in own)
    assert client.get("/ical/rotations/not-a-token.ics").status_code == 404
