"""The dashboard: on call now and until when, next hand-offs, open incidents, coverage gaps."""
from freezegun import freeze_time

from tests.ui.conftest import make_integration, make_policy, make_rotation, trigger

SATURDAY_0214_NY = "2026-12-05T07:14:00Z"


def test_who_is_on_call_until_when_and_who_is_next(signed_in, people, session):
    make_rotation(session, people.team_a, [people.manager, people.analyst], handoff="2026-12-04T09:00")
    with freeze_time(SATURDAY_0214_NY):
        page = signed_in("analyst").get("/").get_data(as_text=True)
    on_call = page[page.index("On call now"):]
    assert "Team A" in on_call and "Primary" in on_call
    assert "Max Manager" in on_call and "until Sat 05 Dec 09:00 EST" in on_call and "(in 6 h 46 min)" in on_call
    assert "Ann Analyst from Sat 05 Dec 09:00 EST" in on_call
    assert "Every rotation has somebody on call for the next 14 days." in page


def test_a_coverage_gap_in_the_next_14_days_is_shown(signed_in, people, session):
    make_rotation(session, people.team_a, [people.manager], name="Weeknights",
                  restrictions=[{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "18:00", "end": "09:00"}])
    with freeze_time(SATURDAY_0214_NY):
        page = signed_in("manager").get("/").get_data(as_text=True)
    gaps = page[page.index("Coverage gaps"):]
    assert "Weeknights</a>:" in gaps
    assert "nobody on call Sat 05 Dec 09:00 EST → Mon 07 Dec 18:00 EST (2 d 9 h)" in gaps  # Friday night ran till 09:00


def test_open_incidents_by_age_and_level(signed_in, people, session, client, app):
    rotation = make_rotation(session, people.team_a, [people.manager])
    key = make_integration(session, people.team_a, make_policy(session, people.team_a, rotation)).key
    with freeze_time(SATURDAY_0214_NY) as frozen:
        trigger(client, key, "INC-OLD", "Beaconing from HR-LAPTOP-3")
        app.extensions["oncall.escalation"].tick()
        frozen.tick(3600)
        trigger(client, key, "INC-NEW", "Ransomware on FIN-WS-042")
        page = signed_in("analyst").get("/").get_data(as_text=True)
    incidents = page[page.index("Open incidents"):page.index("On call now")]
    assert "2 triggered · 0 acknowledged" in incidents
    assert incidents.index("INC-OLD") < incidents.index("INC-NEW")  # the oldest first
    assert "1 h" in incidents and "Beaconing from HR-LAPTOP-3" in incidents
    assert 'data-label="Level">1</td>' in incidents  # INC-OLD is at level 1


def test_no_teams_yet_invites_the_admin_to_create_one(signed_in, people, session):
    from oncall.services import teams

    for team in (people.team_a, people.team_b):
        teams.delete(session=session, team_id=team.id, actor="test")
    assert b"Create the first team" in signed_in("admin").get("/").data
