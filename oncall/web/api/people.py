"""``/api/v1/users`` and ``/api/v1/teams``."""
from __future__ import annotations

from flask import Blueprint

from oncall.schemas.people import TeamCreate, TeamOut, TeamUpdate, UserCreate, UserOut, UserUpdate
from oncall.services import teams, users
from oncall.web.api.auth import actor, require_token
from oncall.web.api.common import Page
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_people", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


@endpoint(bp, "/users", "POST", summary="Create a user", body=UserCreate, response=UserOut, status=201)
def create_user(data: UserCreate):
    return users.create(session=get_session(), data=data, actor=actor())


@endpoint(bp, "/users", "GET", summary="List users", query=Page, response=list[UserOut])
def list_users(params: Page):
    return users.list_(session=get_session(), limit=params.limit, offset=params.offset)


@endpoint(bp, "/users/<int:user_id>", "GET", summary="Get a user", response=UserOut)
def get_user(user_id: int):
    return users.get(session=get_session(), user_id=user_id)


@endpoint(bp, "/users/<int:user_id>", "PATCH", summary="Update a user", body=UserUpdate, response=UserOut)
def update_user(user_id: int, data: UserUpdate):
    return users.update(session=get_session(), user_id=user_id, data=data, actor=actor())


@endpoint(bp, "/users/<int:user_id>", "DELETE", summary="Delete a user", status=204)
def delete_user(user_id: int):
    users.delete(session=get_session(), user_id=user_id, actor=actor())


@endpoint(bp, "/teams", "POST", summary="Create a team", body=TeamCreate, response=TeamOut, status=201)
def create_team(data: TeamCreate):
    session = get_session()
    return teams.to_out(session=session, team=teams.create(session=session, data=data, actor=actor()))


@endpoint(bp, "/teams", "GET", summary="List teams", query=Page, response=list[TeamOut])
def list_teams(params: Page):
    session = get_session()
    return [teams.to_out(session=session, team=t)
            for t in teams.list_(session=session, limit=params.limit, offset=params.offset)]


@endpoint(bp, "/teams/<int:team_id>", "GET", summary="Get a team", response=TeamOut)
def get_team(team_id: int):
    session = get_session()
    return teams.to_out(session=session, team=teams.get(session=session, team_id=team_id))


@endpoint(bp, "/teams/<int:team_id>", "PATCH", summary="Update a team", body=TeamUpdate, response=TeamOut)
def update_team(team_id: int, data: TeamUpdate):
    session = get_session()
    return teams.to_out(session=session, team=teams.update(session=session, team_id=team_id, data=data,
                                                           actor=actor()))


@endpoint(bp, "/teams/<int:team_id>", "DELETE", summary="Delete a team", status=204)
def delete_team(team_id: int):
    teams.delete(session=get_session(), team_id=team_id, actor=actor())
