"""iCalendar feeds of shifts at secret URLs, so analysts see their shifts in any calendar app."""
from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule import rotation as core
from oncall.services import coverage
from oncall.services.errors import NotFound
from oncall.services.secrets import hash_secret, random_key
from oncall.store.models import Rotation, TeamMember, User

PAST = timedelta(days=30)
AHEAD = timedelta(days=120)


def new_link(session: Session, row: Rotation | User, base_url: str, kind: str) -> str:
    """A new secret feed URL; the previous one stops working."""
    token = random_key(40)
    row.ical_token_hash = hash_secret(token)
    session.commit()
    return f"{base_url}/ical/{kind}/{token}.ics"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//oncall//shifts//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _events(session: Session, rotations: list[Rotation], now: datetime, only_user: int | None) -> list[Event]:
    names = dict(session.execute(select(User.id, User.name)).all())
    loaded = coverage.load_rotations(session, [r.id for r in rotations])
    events = []
    for rotation in rotations:
        start, end = now - PAST, now + AHEAD
        overrides = coverage.overrides(session, rotation.id, start, end)
        for shift in core.shifts(loaded[rotation.id], overrides, start, end):
            if shift.user_id is None or (only_user is not None and shift.user_id != only_user):
                continue
            event = Event()
            event.add("uid", f"oncall-{rotation.id}-{shift.user_id}-{int(shift.start.timestamp())}@oncall")
            event.add("summary", f"On call: {rotation.name} ({names.get(shift.user_id, shift.user_id)})")
            event.add("dtstart", shift.start)
            event.add("dtend", shift.end)
            event.add("dtstamp", now)
            event.add("description", f"source: {shift.source}")
            events.append(event)
    return events


def rotation_feed(session: Session, token: str, now: datetime) -> bytes:
    rotation = session.execute(select(Rotation).where(Rotation.ical_token_hash == hash_secret(token))).scalar()
    if rotation is None:
        raise NotFound("no calendar feed at this address")
    calendar = _calendar(f"oncall: {rotation.name}")
    for event in _events(session, [rotation], now, None):
        calendar.add_component(event)
    return calendar.to_ical()


def user_feed(session: Session, token: str, now: datetime) -> bytes:
    user = session.execute(select(User).where(User.ical_token_hash == hash_secret(token))).scalar()
    if user is None:
        raise NotFound("no calendar feed at this address")
    team_ids = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    rotations = list(session.execute(select(Rotation).where(Rotation.team_id.in_(team_ids))).scalars())
    calendar = _calendar(f"oncall: {user.name}")
    for event in _events(session, rotations, now, user.id):
        calendar.add_component(event)
    return calendar.to_ical()
