"""Teams and their membership."""
from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oncall.schemas.people import TeamCreate, TeamOut, TeamUpdate
from oncall.services import audit
from oncall.services.errors import Conflict, Invalid, NotFound, patch_changes
from oncall.store.models import Team, TeamMember, User


def get(*, session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} not found")
    return team


def list_(*, session: Session, limit: int = 100, offset: int = 0) -> list[Team]:
    return list(session.execute(select(Team).order_by(Team.id).limit(limit).offset(offset)).scalars())


def members(*, session: Session, team_id: int) -> list[TeamMember]:
    query = select(TeamMember).where(TeamMember.team_id == team_id).order_by(TeamMember.user_id)
    return list(session.execute(query).scalars())


def to_out(*, session: Session, team: Team) -> TeamOut:
    rows = members(session=session, team_id=team.id)
    return TeamOut(
        id=team.id, name=team.name, timezone=team.timezone, created_at=team.created_at,
        members=[m.user_id for m in rows], managers=[m.user_id for m in rows if m.is_manager],
    )


def _check_users_exist(session: Session, field: str, user_ids: list[int]) -> None:
    found = set(session.execute(select(User.id).where(User.id.in_(user_ids))).scalars()) if user_ids else set()
    missing = [uid for uid in user_ids if uid not in found]
    if missing:
        raise Invalid.field(field, f"unknown user ids {missing}")


def _set_members(session: Session, team_id: int, members_: list[int], managers: list[int]) -> None:
    _check_users_exist(session, "members", members_)
    _check_users_exist(session, "managers", managers)
    session.execute(sql_delete(TeamMember).where(TeamMember.team_id == team_id))
    for user_id in dict.fromkeys([*members_, *managers]):
        session.add(TeamMember(team_id=team_id, user_id=user_id, is_manager=user_id in managers))


def _check_name_free(session: Session, name: str, team_id: int | None = None) -> None:
    other = session.execute(select(Team).where(Team.name == name)).scalar()
    if other is not None and other.id != team_id:
        raise Conflict("name: a team with this name exists", [{"field": "name", "message": "already used"}])


def create(*, session: Session, data: TeamCreate, actor: str) -> Team:
    _check_name_free(session, data.name)
    team = Team(name=data.name, timezone=data.timezone)
    session.add(team)
    try:
        session.flush()
        _set_members(session, team.id, data.members, data.managers)
        session.flush()
        audit.record(session, actor=actor, action="team.create", object_type="team", object_id=team.id,
                     after=to_out(session=session, team=team).model_dump(mode="json"))
        session.commit()
    except (IntegrityError, Invalid):
        session.rollback()
        raise
    return team


def update(*, session: Session, team_id: int, data: TeamUpdate, actor: str) -> Team:
    team = get(session=session, team_id=team_id)
    before = to_out(session=session, team=team).model_dump(mode="json")
    changes = patch_changes(data, ("name", "timezone", "members", "managers"))
    if "name" in changes:
        _check_name_free(session, changes["name"], team_id)
    try:
        if "members" in changes or "managers" in changes:
            current = members(session=session, team_id=team_id)
            new_members = changes.get("members", [m.user_id for m in current])
            new_managers = changes.get("managers", [m.user_id for m in current if m.is_manager])
            _set_members(session, team_id, new_members, new_managers)
        for key in ("name", "timezone"):
            if key in changes:
                setattr(team, key, changes[key])
        session.flush()
        audit.record(session, actor=actor, action="team.update", object_type="team", object_id=team.id,
                     before=before, after=to_out(session=session, team=team).model_dump(mode="json"))
        session.commit()
    except Invalid:
        session.rollback()
        raise
    return team


def delete(*, session: Session, team_id: int, actor: str) -> None:
    team = get(session=session, team_id=team_id)
    before = to_out(session=session, team=team).model_dump(mode="json")
    audit.delete_row(session, team, actor=actor, action="team.delete", object_type="team", object_id=team_id,
                     before=before, in_use=f"team {team_id} still has integrations or policies in use")
