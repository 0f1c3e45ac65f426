"""Rotations in the UI: create, the timeline, validation next to the fields, effective-dated
edits, overrides."""
import re

from freezegun import freeze_time

from oncall.services import rotations
from tests.ui.conftest import make_rotation, reread
from tests.ui.reading import field_errors

NOW = "2026-12-02T15:00:00Z"  # Wednesday 10:00 in New York


def _new(people, **fields):
    return {"team_id": people.team_a.id, "name": "SOC primary", "timezone": "America/New_York",
            "layers.0.name": "Weekdays", "layers.0.members": [people.manager.id, people.analyst.id],
            "layers.0.shift_count": "1", "layers.0.shift_unit": "days", "layers.0.handoff": "2026-11-30T09:00",
            "layers.0.restrictions.0.days": ["mon", "tue", "wed", "thu", "fri"],
            "layers.0.restrictions.0.start": "09:00", "layers.0.restrictions.0.end": "17:00", **fields}


def test_the_new_rotation_form_offers_the_managers_teams(signed_in, people):
    page = signed_in("manager").get("/rotations/new").get_data(as_text=True)
    assert "Team A" in page and "Team B" not in page
    assert 'name="layers.0.members"' in page and 'name="layers.1.name"' in page
    assert 'name="layers.0.restrictions.1.days"' in page


def test_create_a_rotation_and_see_it_on_the_timeline(signed_in, people, session):
    with freeze_time(NOW):
        manager = signed_in("manager")
        created = manager.post("/rotations/new", data=_new(people))
        assert created.status_code == 302
        page = manager.get(created.headers["Location"]).get_data(as_text=True)
    assert "Rotation “SOC primary” created." in page
    chart = page[page.index('class="rota"'):page.index('class="legend"')]
    assert chart.count('class="week"') == 3  # three weeks by default
    assert "Max Manager" in chart and "Ann Analyst" in chart
    assert 'class="bar gap"' in chart  # nights and weekends: nobody
    assert 'class="now"' in chart
    colours = set(re.findall(r'background: (#[0-9a-f]{6})', chart))
    assert len(colours) == 2  # one colour per person
    stored = rotations.to_out(session=session, rotation=rotations.list_(session=session)[0])
    assert stored.layers[0].current.members == [people.manager.id, people.analyst.id]
    assert stored.layers[0].current.restrictions[0].start == "09:00"


def test_the_timeline_moves_by_weeks(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager])
    client = signed_in("analyst")
    page = client.get(f"/rotations/{rotation.id}?weeks=1&from=2026-06-01").get_data(as_text=True)
    assert page.count('class="week"') == 1 and "Mon 01" in page and "EDT" in page
    assert client.get(f"/rotations/{rotation.id}?from=someday").status_code == 400


def test_a_second_layer_on_top(signed_in, people, session):
    data = _new(people, **{"layers.1.name": "Weekend", "layers.1.members": [people.admin.id],
                           "layers.1.shift_count": "1", "layers.1.shift_unit": "weeks",
                           "layers.1.handoff": "2026-11-28T00:00", "layers.1.restrictions.0.days": ["sat", "sun"],
                           "layers.1.restrictions.0.start": "00:00", "layers.1.restrictions.0.end": "00:00"})
    assert signed_in("admin").post("/rotations/new", data=data).status_code == 302
    stored = rotations.to_out(session=session, rotation=rotations.list_(session=session)[0])
    assert [layer.name for layer in stored.layers] == ["Weekdays", "Weekend"]


def test_validation_errors_are_shown_next_to_the_fields(signed_in, people, session):
    answer = signed_in("manager").post("/rotations/new", data=_new(people, **{
        "name": "", "timezone": "Mars/Olympus", "layers.0.members": [], "layers.0.shift_count": "0",
        "layers.0.handoff": "", "layers.0.restrictions.0.start": "25:00"}))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert field_errors(page, "name") == ["required"]
    assert field_errors(page, "timezone") == ["unknown IANA timezone 'Mars/Olympus'"]
    assert field_errors(page, "layers.0.members") == ["choose at least one"]
    assert field_errors(page, "layers.0.shift_count") == ["Input should be greater than 0"]
    assert field_errors(page, "layers.0.handoff") == ["required"]
    assert field_errors(page, "layers.0.restrictions.0.start") == ["'25:00' is not a time of day as HH:MM (00:00 to 23:59)"]
    assert 'value="Mars/Olympus"' in page  # what was typed stays
    assert rotations.list_(session=session) == []


def test_unknown_members_are_reported_on_the_members_field(signed_in, people):
    answer = signed_in("admin").post("/rotations/new", data=_new(people, **{"layers.0.members": ["999999"]}))
    assert answer.status_code == 400 and "unknown user ids [999999]" in answer.get_data(as_text=True)


def _edit_form(people, **fields):
    return {"name": "Primary", "effective": "now", "layers.0.name": "Day",
            "layers.0.members": [people.manager.id, people.analyst.id], "layers.0.shift_count": "1",
            "layers.0.shift_unit": "days", "layers.0.handoff": "2026-01-05T09:00", **fields}


def test_the_edit_form_shows_the_layers_as_they_are(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager, people.analyst])
    page = signed_in("manager").get(f"/rotations/{rotation.id}/edit").get_data(as_text=True)
    assert 'value="2026-01-05T09:00"' in page and "Layer 1: Day" in page and "Add a layer on top" in page
    assert re.search(rf'<option value="{people.analyst.id}" selected>', page)


def test_an_unchanged_layer_adds_no_version(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager, people.analyst])
    answer = signed_in("manager").post(f"/rotations/{rotation.id}/edit", data=_edit_form(people, name="Renamed"))
    assert answer.status_code == 302
    reread(session)
    stored = rotations.to_out(session=session, rotation=rotations.get(session=session, rotation_id=rotation.id))
    assert stored.name == "Renamed" and len(stored.layers[0].versions) == 1


def test_an_edit_at_the_next_hand_off_changes_only_what_was_edited(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager, people.analyst])
    with freeze_time(NOW):
        manager = signed_in("manager")
        answer = manager.post(f"/rotations/{rotation.id}/edit", data=_edit_form(people, **{
            "effective": "next_handoff", "layers.0.members": [people.manager.id, people.analyst.id, people.admin.id]}))
        assert answer.status_code == 302
        page = manager.get(f"/rotations/{rotation.id}").get_data(as_text=True)
    reread(session)
    stored = rotations.to_out(session=session, rotation=rotations.get(session=session, rotation_id=rotation.id))
    new = stored.layers[0].versions[-1]
    assert new.members == [people.manager.id, people.analyst.id, people.admin.id]
    assert new.effective_from.isoformat() == "2026-12-03T14:00:00+00:00"  # Thursday 09:00 in New York
    assert new.handoff == stored.layers[0].versions[0].handoff  # not restarted: the hand-off was not sent
    assert "Changes on Thu 03 Dec 09:00 EST." in page


def test_an_edit_in_the_past_is_refused_next_to_the_field(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager, people.analyst])
    with freeze_time(NOW):
        answer = signed_in("manager").post(f"/rotations/{rotation.id}/edit", data=_edit_form(people, **{
            "effective": "at", "effective_at": "2026-12-01T09:00", "layers.0.shift_count": "2"}))
    assert answer.status_code == 400
    assert "must not be in the past" in field_errors(answer.get_data(as_text=True), "effective_at")[0]
    reread(session)
    stored = rotations.to_out(session=session, rotation=rotations.get(session=session, rotation_id=rotation.id))
    assert len(stored.layers[0].versions) == 1


def test_a_layer_added_by_an_edit_reports_errors_on_its_own_fieldset(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager])
    answer = signed_in("manager").post(f"/rotations/{rotation.id}/edit", data=_edit_form(people, **{
        "layers.0.members": [people.manager.id], "layers.1.name": "Nights", "layers.1.members": [people.analyst.id],
        "layers.1.shift_count": "1", "layers.1.shift_unit": "weeks", "layers.1.handoff": "not a time"}))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert field_errors(page, "layers.1.handoff") == ["not a wall time like 2026-01-05T09:00"]
    assert field_errors(page, "layers.0.members") == []


def test_overrides_add_and_remove(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager])
    with freeze_time(NOW):
        manager = signed_in("manager")
        added = manager.post(f"/rotations/{rotation.id}/overrides", data={
            "user_id": people.analyst.id, "start": "2026-12-05T00:00", "end": "2026-12-06T00:00"})
        assert added.status_code == 302
        page = manager.get(f"/rotations/{rotation.id}").get_data(as_text=True)
        override = rotations.list_overrides(session=session, rotation_id=rotation.id)[0]
        assert manager.post(f"/rotations/{rotation.id}/overrides/{override.id}/delete").status_code == 302
    assert "Override added." in page and "Sat 05 Dec 00:00 EST → Sun 06 Dec 00:00 EST" in page
    assert 'class="bar override"' in page
    assert override.start.isoformat() == "2026-12-05T05:00:00+00:00"  # midnight in New York
    reread(session)
    assert rotations.list_overrides(session=session, rotation_id=rotation.id) == []


def test_an_override_that_ends_before_it_starts_is_refused(signed_in, people, session):
    rotation = make_rotation(session, people.team_a, [people.manager])
    answer = signed_in("manager").post(f"/rotations/{rotation.id}/overrides", data={
        "user_id": people.analyst.id, "start": "2026-12-06T00:00", "end": "2026-12-05T00:00"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "end must be after start" in page and 'value="2026-12-06T00:00"' in page
    missing = signed_in("manager").post(f"/rotations/{rotation.id}/overrides", data={"user_id": "", "start": ""})
    assert field_errors(missing.get_data(as_text=True), "start") == ["a date and time like 2026-12-05 02:14"]


def test_the_rotation_list_says_who_is_on_call(signed_in, people, session):
    make_rotation(session, people.team_a, [people.manager], name="Only Max")
    page = signed_in("analyst").get("/rotations").get_data(as_text=True)
    assert "Only Max" in page and "Max Manager" in page and "Team A" in page
