"""``/api/v1/rotations`` (layers, overrides, on-call, shifts, gaps) and team on-call/business hours."""
from __future__ import annotations

from flask import Blueprint, current_app
from pydantic import Field
from sqlalchemy import select

from oncall import clock
from oncall.schemas.base import RequestModel
from oncall.schemas.types import DbInt
from oncall.schemas.rotations import (AtQuery, BusinessHoursCheck, BusinessHoursIn, BusinessHoursOut, GapOut, IcalLink,
                                      OnCallOut, OnCallUser, OverrideCreate, OverrideOut, RotationCreate, RotationOut,
                                      RotationUpdate, ShiftOut, TeamOnCallOut, WindowQuery)
from oncall.services import business_hours, coverage, ical, rotations, teams, users
from oncall.store.models import User
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_schedules", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


class RotationQuery(RequestModel):
    team_id: DbInt | None = Field(default=None)


def _users(ids: list[int]) -> list[OnCallUser]:
    if not ids:
        return []
    names = dict(get_session().execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return [OnCallUser(id=i, name=names.get(i, f"user {i}")) for i in ids]


def _out(rotation) -> RotationOut:
    return rotations.to_out(session=get_session(), rotation=rotation)


@endpoint(bp, "/rotations", "POST", summary="Create a rotation", body=RotationCreate, response=RotationOut, status=201)
def create_rotation(data: RotationCreate):
    return _out(rotations.create(session=get_session(), data=data, actor=actor()))


@endpoint(bp, "/rotations", "GET", summary="List rotations", query=RotationQuery, response=list[RotationOut])
def list_rotations(params: RotationQuery):
    return [_out(r) for r in rotations.list_(session=get_session(), team_id=params.team_id)]


@endpoint(bp, "/rotations/<int:rotation_id>", "GET", summary="Get a rotation with its layer versions",
          response=RotationOut)
def get_rotation(rotation_id: int):
    return _out(rotations.get(session=get_session(), rotation_id=rotation_id))


@endpoint(bp, "/rotations/<int:rotation_id>", "PATCH", summary="Edit layers from effective_at without reshuffling",
          body=RotationUpdate, response=RotationOut)
def update_rotation(rotation_id: int, data: RotationUpdate):
    return _out(rotations.update(session=get_session(), rotation_id=rotation_id, data=data, actor=actor(),
                                 now=clock.now()))


@endpoint(bp, "/rotations/<int:rotation_id>", "DELETE", summary="Delete a rotation", status=204)
def delete_rotation(rotation_id: int):
    rotations.delete(session=get_session(), rotation_id=rotation_id, actor=actor())


@endpoint(bp, "/rotations/<int:rotation_id>/overrides", "POST", summary="Add an override", body=OverrideCreate,
          response=OverrideOut, status=201)
def create_override(rotation_id: int, data: OverrideCreate):
    return rotations.add_override(session=get_session(), rotation_id=rotation_id, data=data, actor=actor(),
                                  now=clock.now())


@endpoint(bp, "/rotations/<int:rotation_id>/overrides", "GET", summary="List overrides", response=list[OverrideOut])
def list_overrides(rotation_id: int):
    return rotations.list_overrides(session=get_session(), rotation_id=rotation_id)


@endpoint(bp, "/rotations/<int:rotation_id>/overrides/<int:override_id>", "DELETE", summary="Delete an override",
          status=204)
def delete_override(rotation_id: int, override_id: int):
    rotations.delete_override(session=get_session(), rotation_id=rotation_id, override_id=override_id, actor=actor())


@endpoint(bp, "/rotations/<int:rotation_id>/oncall", "GET", summary="Who is on call at an instant (default now)",
          query=AtQuery, response=OnCallOut)
def rotation_oncall(rotation_id: int, params: AtQuery):
    session = get_session()
    rotations.get(session=session, rotation_id=rotation_id)
    at = params.at or clock.now()
    return OnCallOut(at=at, users=_users(coverage.on_call(session, rotation_id, at)))


@endpoint(bp, "/rotations/<int:rotation_id>/shifts", "GET", summary="The final schedule in [start, end)",
          query=WindowQuery, response=list[ShiftOut])
def rotation_shifts(rotation_id: int, params: WindowQuery):
    found = rotations.shifts(session=get_session(), rotation_id=rotation_id, start=params.start, end=params.end)
    return [ShiftOut(user_id=s.user_id, start=s.start, end=s.end, source=s.source) for s in found]


@endpoint(bp, "/rotations/<int:rotation_id>/gaps", "GET", summary="Intervals in [start, end) with nobody on call",
          query=WindowQuery, response=list[GapOut])
def rotation_gaps(rotation_id: int, params: WindowQuery):
    found = rotations.shifts(session=get_session(), rotation_id=rotation_id, start=params.start, end=params.end)
    return [GapOut(start=s.start, end=s.end) for s in found if s.user_id is None]


@endpoint(bp, "/rotations/<int:rotation_id>/ical-link", "POST", summary="A new secret iCal feed URL for the rotation",
          response=IcalLink, status=201)
def rotation_ical_link(rotation_id: int):
    session = get_session()
    rotation = rotations.get(session=session, rotation_id=rotation_id)
    return IcalLink(url=ical.new_link(session, rotation, current_app.extensions["oncall.settings"].base_url,
                                      "rotations"))


@endpoint(bp, "/users/<int:user_id>/ical-link", "POST", summary="A new secret iCal feed URL of a user's shifts",
          response=IcalLink, status=201)
def user_ical_link(user_id: int):
    session = get_session()
    user = users.get(session=session, user_id=user_id)
    return IcalLink(url=ical.new_link(session, user, current_app.extensions["oncall.settings"].base_url, "users"))


@endpoint(bp, "/teams/<int:team_id>/oncall", "GET", summary="Who each of the team's rotations puts on call",
          query=AtQuery, response=TeamOnCallOut)
def team_oncall(team_id: int, params: AtQuery):
    session = get_session()
    teams.get(session=session, team_id=team_id)
    at = params.at or clock.now()
    found = rotations.list_(session=session, team_id=team_id)
    on_call = coverage.on_call_many(session, [r.id for r in found], at)
    return TeamOnCallOut(at=at, team_id=team_id, rotations=[
        {"rotation_id": r.id, "rotation_name": r.name, "at": at, "users": _users(on_call[r.id])} for r in found])


@endpoint(bp, "/teams/<int:team_id>/business-hours", "PUT", summary="Set the team's business hours and holidays",
          body=BusinessHoursIn, response=BusinessHoursOut)
def put_business_hours(team_id: int, data: BusinessHoursIn):
    return business_hours.put(session=get_session(), team_id=team_id, data=data, actor=actor(), now=clock.now())


@endpoint(bp, "/teams/<int:team_id>/business-hours", "GET", summary="The team's business hours",
          response=BusinessHoursOut)
def get_business_hours(team_id: int):
    return business_hours.get(session=get_session(), team_id=team_id)


@endpoint(bp, "/teams/<int:team_id>/business-hours/check", "GET",
          summary="Whether an instant (default now) is inside business hours", query=AtQuery,
          response=BusinessHoursCheck)
def check_business_hours(team_id: int, params: AtQuery):
    return business_hours.check(session=get_session(), team_id=team_id, at=params.at or clock.now())
