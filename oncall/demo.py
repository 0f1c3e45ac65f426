"""``oncall demo``: a small, realistic SOC setup to try the whole flow on a laptop."""
from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Iterator

from sqlalchemy import select
from sqlmodel import Session

from oncall import clock
from oncall.schemas.integrations import IntegrationCreate
from oncall.schemas.people import TeamCreate, UserCreate
from oncall.schemas.policies import PolicyCreate
from oncall.schemas.rotations import BusinessHoursIn, RotationCreate
from oncall.services import business_hours, integrations, policies, rotations, teams, users
from oncall.store.models import Team

DEMO_TEAM = "SOC (demo)"
DEMO_ADMIN = ("Dana Admin", "admin@soc.example")
DEMO_USERS = [
    ("Alice Analyst", "alice@soc.example", "+14155550101", "America/New_York"),
    ("Bob Responder", "bob@soc.example", "+14155550102", "America/New_York"),
    ("Carol Lead", "carol@soc.example", "+14155550103", "Europe/London"),
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def load(*, session: Session, base_url: str, secret_key: str) -> Iterator[str]:
    """Create the demo data once; running it again only says it is there."""
    team = session.execute(select(Team).where(Team.name == DEMO_TEAM)).scalar()
    if team is not None:
        yield f"demo team already loaded (team {team.id}); rotate the integration key in the UI to get a new curl line"
        return
    now = clock.now()
    people = [users.by_email(session=session, email=email) or users.create(
        session=session, actor="demo", data=UserCreate(name=name, email=email, phone=phone, timezone=tz))
        for name, email, phone, tz in DEMO_USERS]
    alice, bob, carol = people
    team = teams.create(session=session, actor="demo", data=TeamCreate(
        name=DEMO_TEAM, timezone="America/New_York", members=[p.id for p in people], managers=[carol.id]))
    handoff = f"{(now.date() - timedelta(days=now.weekday())).isoformat()}T09:00"  # this week's Monday
    rotation = rotations.create(session=session, actor="demo", data=RotationCreate(
        team_id=team.id, name="Primary", timezone="America/New_York",
        layers=[{"name": "Weekly", "members": [alice.id, bob.id], "shift_weeks": 1, "handoff": handoff}]))
    business_hours.put(session=session, team_id=team.id, actor="demo", now=now, data=BusinessHoursIn(
        timezone="America/New_York", holiday_country="US",
        windows=[{"days": WEEKDAYS, "start": "09:00", "end": "17:00"}]))
    policy = policies.create(session=session, actor="demo", data=PolicyCreate(
        team_id=team.id, name="After-hours critical", repeat=1, levels=[
            {"ack_timeout_seconds": 300, "channels": ["pagerduty", "sms"],
             "targets": [{"type": "rotation", "id": rotation.id}]},
            {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": carol.id}]}]))
    created = integrations.create(session=session, actor="demo", secret_key=secret_key, base_url=base_url,
                                  data=IntegrationCreate(team_id=team.id, policy_id=policy.id, source="events_v2",
                                                         name="Splunk ES (demo)"))
    body = {"routing_key": created.key, "event_action": "trigger", "dedup_key": "NOTABLE-1001",
            "payload": {"summary": "Ransomware behaviour on FIN-LAPTOP-7", "source": "splunk-es",
                        "severity": "critical"}}
    password = secrets.token_urlsafe(12)
    admin = users.create(session=session, actor="demo", password=password,
                         data=UserCreate(name=DEMO_ADMIN[0], email=DEMO_ADMIN[1], role="admin", timezone="UTC"))
    yield f"team {team.id}: {team.name}, users {', '.join(p.name for p in people)}"
    yield f"sign in at {base_url}/login as {admin.email} with password {password} (shown once)"
    yield f"rotation {rotation.id}: weekly Alice/Bob, hand-off Mondays 09:00 New York"
    yield "business hours: Mon-Fri 09:00-17:00 America/New_York, US public holidays"
    yield f"policy {policy.id}: rotation (PagerDuty, then SMS) for 5 min, then Carol by SMS, repeated once"
    yield f"integration {created.id}: events_v2 at {created.url} (key shown once)"
    yield "trigger a page:"
    yield f"curl -sS -X POST {created.url} -H 'Content-Type: application/json' -d '{json.dumps(body)}'"
