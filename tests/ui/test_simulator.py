"""The escalation simulator: who would be paged, on which channel, when, level by level."""
from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

from oncall.schemas.policies import PolicyCreate
from oncall.schemas.rotations import BusinessHoursIn
from oncall.services import business_hours, policies
from oncall.web.ui.simulator import presets
from tests.ui.conftest import make_integration, make_rotation
from tests.ui.reading import visible_text


@pytest.fixture
def policy(session, people):
    rotation = make_rotation(session, people.team_a, [people.analyst], handoff="2026-12-01T09:00")
    return policies.create(session=session, actor="test", data=PolicyCreate(
        team_id=people.team_a.id, name="Critical", levels=[
            {"ack_timeout_seconds": 900, "channels": ["pagerduty", "sms"],
             "targets": [{"type": "rotation", "id": rotation.id}]},
            {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": people.manager.id}]}]))


def _rows(page: str) -> list[str]:
    table = page[page.index('id="pages"'):page.index("</table>", page.index('id="pages"'))]
    return [visible_text(row) for row in table.split("<tr>")[2:]]


def test_a_ticket_at_0214_next_saturday_level_by_level(signed_in, policy):
    page = signed_in("analyst").get(f"/simulator?target=policy:{policy.id}&at=2026-12-05T02:14").get_data(as_text=True)
    assert "Critical · ticket at Sat 05 Dec 02:14 EST" in visible_text(page)  # read in the team's timezone
    assert "Outside business hours: 2 pages over 15 min, then the escalation is exhausted." in visible_text(page)
    rows = _rows(page)
    assert "Sat 05 Dec 02:14 EST at once 1" in rows[0] and "Ann Analyst" in rows[0] and "pagerduty" in rows[0]
    assert "sms" in rows[0]  # the fall-back
    assert "Sat 05 Dec 02:29 EST +15 min 2" in rows[1] and "Max Manager" in rows[1]
    assert "All escalation levels exhausted: nobody acknowledged" in page


def test_business_hours_change_the_path(signed_in, policy, people, session):
    business_hours.put(session=session, team_id=people.team_a.id, actor="test",
                       now=datetime(2026, 12, 1, tzinfo=timezone.utc), data=BusinessHoursIn(
                           timezone="America/New_York",
                           windows=[{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]))
    page = signed_in("analyst").get(f"/simulator?target=policy:{policy.id}&at=2026-12-08T10:00").get_data(as_text=True)
    assert "Inside business hours: the incident is opened, but nobody is paged." in visible_text(page)
    assert 'id="pages"' not in page


def test_an_empty_level_is_skipped(signed_in, people, session):
    empty = make_rotation(session, people.team_a, [people.analyst], name="Not yet", handoff="2027-06-01T09:00")
    policy = policies.create(session=session, actor="test", data=PolicyCreate(team_id=people.team_a.id, name="Gappy",
                                                                              levels=[
        {"channels": ["sms"], "targets": [{"type": "rotation", "id": empty.id}]},
        {"channels": ["sms"], "targets": [{"type": "user", "id": people.manager.id}]}]))
    page = signed_in("analyst").get(f"/simulator?target=policy:{policy.id}&at=2026-12-05T02:14").get_data(as_text=True)
    assert "Level 1 has nobody on call: SKIPPED" in page
    assert "Max Manager" in _rows(page)[0] and "at once" in _rows(page)[0]


def test_an_integration_simulates_its_policy(signed_in, policy, people, session):
    integration = make_integration(session, people.team_a, policy, name="ServiceNow", source="servicenow")
    page = signed_in("analyst").get(f"/simulator?target=integration:{integration.id}&at=2026-12-05T02:14")
    assert "Critical · ticket at" in page.get_data(as_text=True)


def test_the_form_lists_policies_and_integrations_and_reports_bad_input(signed_in, policy):
    client = signed_in("analyst")
    form = client.get("/simulator").get_data(as_text=True)
    assert f'value="policy:{policy.id}"' in form and "Integrations (their policy)" in form
    bad_time = client.get(f"/simulator?target=policy:{policy.id}&at=yesterday")
    assert bad_time.status_code == 400
    assert "a date and time like" in bad_time.get_data(as_text=True)
    unknown = client.get("/simulator?target=policy:99999")
    assert unknown.status_code == 400 and "choose a policy or an integration" in unknown.get_data(as_text=True)


def test_without_a_time_it_simulates_now(signed_in, policy):
    with freeze_time("2026-12-05T07:14:00Z"):
        page = signed_in("analyst").get(f"/simulator?target=policy:{policy.id}").get_data(as_text=True)
    assert 'value="2026-12-05T02:14"' in page and "next Saturday 02:14" in page


def test_presets_are_in_the_teams_timezone():
    friday_night = datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)  # Fri 22:00 in New York
    assert presets(friday_night, "America/New_York") == [
        ("now", "2026-12-04T22:00"), ("next Saturday 02:14", "2026-12-05T02:14"),
        ("next weekday 10:00", "2026-12-07T10:00")]
