"""The simulator previews exactly what the engine then does."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from oncall.schemas.policies import PolicyCreate
from oncall.schemas.rotations import BusinessHoursIn, RotationCreate
from oncall.services import business_hours, policies, rotations, simulator


def test_simulation_matches_the_engine_level_by_level(session, make):
    ada, bob = make.user(name="Ada"), make.user(name="Bob")
    team = make.team(members=[ada.id, bob.id], timezone="America/New_York")
    rotation = rotations.create(session=session, actor="t", data=RotationCreate(
        team_id=team.id, name="R", timezone="America/New_York",
        layers=[{"name": "L", "members": [ada.id, bob.id], "shift_days": 1, "handoff": "2026-12-01T09:00"}]))
    policy = policies.create(session=session, actor="t", data=PolicyCreate(team_id=team.id, name="P", repeat=1, levels=[
        {"ack_timeout_seconds": 900, "channels": ["pagerduty", "sms"], "targets": [{"type": "rotation", "id": rotation.id}]},
        {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": bob.id}]}]))
    saturday_0214 = datetime(2026, 12, 5, 7, 14, tzinfo=timezone.utc)  # 02:14 in New York
    result = simulator.simulate(session=session, policy_id=policy.id, at=saturday_0214)
    assert result.business_hours is False and result.outcome == "exhausted"
    # Dec 4 09:00 -> Dec 5 09:00 is shift 3 (Bob); at 02:14 Saturday Bob is on call.
    assert [(p.at - saturday_0214, p.level, p.user_name, p.channel) for p in result.pages] == [
        (timedelta(0), 1, "Bob", "pagerduty"), (timedelta(minutes=15), 2, "Bob", "sms"),
        (timedelta(minutes=25), 1, "Bob", "pagerduty"), (timedelta(minutes=40), 2, "Bob", "sms")]
    assert result.pages[0].fallbacks == ("sms",)
    assert result.steps[-1].kind == "exhausted"


def test_simulation_inside_business_hours_pages_nobody(session, make):
    ada = make.user(name="Ada")
    team = make.team(members=[ada.id], timezone="America/New_York")
    with freeze_time("2026-12-01T00:00:00Z"):
        business_hours.put(session=session, team_id=team.id, actor="t", now=datetime.now(timezone.utc),
                           data=BusinessHoursIn(timezone="America/New_York", windows=[
                               {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]))
    policy = policies.create(session=session, actor="t", data=PolicyCreate(team_id=team.id, name="P", levels=[
        {"channels": ["sms"], "targets": [{"type": "user", "id": ada.id}]}]))
    thursday_10am = datetime(2026, 12, 3, 15, 0, tzinfo=timezone.utc)
    result = simulator.simulate(session=session, policy_id=policy.id, at=thursday_10am)
    assert result.business_hours is True and result.outcome == "suppressed" and result.pages == []
