"""``oncall demo``: a small, realistic SOC setup to try the whole flow on a laptop."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select
from sqlmodel import Session

from oncall.schemas.people import TeamCreate, UserCreate
from oncall.services import teams, users
from oncall.store.models import Team

DEMO_TEAM = "SOC (demo)"
DEMO_USERS = [
    ("Alice Analyst", "alice@soc.example", "+14155550101", "America/New_York"),
    ("Bob Responder", "bob@soc.example", "+14155550102", "America/New_York"),
    ("Carol Lead", "carol@soc.example", "+14155550103", "Europe/London"),
]


def load(*, session: Session, base_url: str) -> Iterator[str]:
    """Create the demo data once; running it again only prints what exists."""
    team = session.execute(select(Team).where(Team.name == DEMO_TEAM)).scalar()
    if team is not None:
        yield f"demo team already loaded (team {team.id})"
        return
    people = []
    for name, email, phone, tz in DEMO_USERS:
        existing = users.by_email(session=session, email=email)
        people.append(existing or users.create(
            session=session, data=UserCreate(name=name, email=email, phone=phone, timezone=tz), actor="demo"))
    team = teams.create(session=session, actor="demo", data=TeamCreate(
        name=DEMO_TEAM, timezone="America/New_York", members=[p.id for p in people], managers=[people[2].id]))
    yield f"team {team.id}: {team.name} with {len(people)} users"
