"""A team's business hours: weekly windows in its timezone, holidays, a country calendar."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule.hours import is_business_hours, next_change
from oncall.schemas.rotations import BusinessHoursCheck, BusinessHoursIn, BusinessHoursOut, RestrictionOut
from oncall.services import audit, coverage, teams
from oncall.services.errors import Invalid, NotFound
from oncall.store.models import BusinessHours, BusinessWindow, Holiday


def get(*, session: Session, team_id: int) -> BusinessHoursOut:
    teams.get(session=session, team_id=team_id)
    row = session.get(BusinessHours, team_id)
    if row is None:
        raise NotFound(f"team {team_id} has no business hours set")
    windows = session.execute(select(BusinessWindow).where(BusinessWindow.team_id == team_id)
                              .order_by(BusinessWindow.id)).scalars()
    days = session.execute(select(Holiday.day).where(Holiday.team_id == team_id).order_by(Holiday.day)).scalars()
    return BusinessHoursOut(team_id=team_id, timezone=row.timezone, holiday_country=row.holiday_country,
                            holiday_subdivision=row.holiday_subdivision, holidays=[d.isoformat() for d in days],
                            windows=[RestrictionOut(days=w.days.split(","), start=w.start, end=w.end) for w in windows])


def put(*, session: Session, team_id: int, data: BusinessHoursIn, actor: str, now: datetime) -> BusinessHoursOut:
    """Replace the team's business hours as a whole (PUT semantics)."""
    teams.get(session=session, team_id=team_id)
    existing = session.get(BusinessHours, team_id)
    before = get(session=session, team_id=team_id).model_dump(mode="json") if existing else None
    if data.holiday_country:
        try:
            coverage.country_holidays(data.holiday_country, data.holiday_subdivision, now.year)
        except NotImplementedError:
            raise Invalid.field("holiday_subdivision",
                                f"{data.holiday_country} has no subdivision {data.holiday_subdivision!r}") from None
    if existing is None:
        existing = BusinessHours(team_id=team_id, timezone=data.timezone)
        session.add(existing)
    existing.timezone, existing.updated_at = data.timezone, now
    existing.holiday_country, existing.holiday_subdivision = data.holiday_country, data.holiday_subdivision
    session.flush()
    session.execute(sql_delete(BusinessWindow).where(BusinessWindow.team_id == team_id))
    session.execute(sql_delete(Holiday).where(Holiday.team_id == team_id))
    for window in data.windows:
        session.add(BusinessWindow(team_id=team_id, days=",".join(window.days), start=window.start, end=window.end))
    for day in data.holidays:
        session.add(Holiday(team_id=team_id, day=date.fromisoformat(day)))
    session.flush()
    after = get(session=session, team_id=team_id)
    audit.record(session, actor=actor, action="business_hours.put", object_type="team", object_id=team_id,
                 before=before, after=after.model_dump(mode="json"))
    session.commit()
    return after


def check(*, session: Session, team_id: int, at: datetime) -> BusinessHoursCheck:
    teams.get(session=session, team_id=team_id)
    hours = coverage.business_hours(session, team_id, at)
    if hours is None:
        return BusinessHoursCheck(at=at, business_hours=False, next_change=None)
    return BusinessHoursCheck(at=at, business_hours=is_business_hours(hours, at), next_change=next_change(hours, at))
