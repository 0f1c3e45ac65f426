"""``/api/v1/escalation-policies``."""
from __future__ import annotations

from flask import Blueprint
from pydantic import Field

from oncall.schemas.base import RequestModel
from oncall.schemas.types import DbInt
from oncall.schemas.policies import PolicyCreate, PolicyOut, PolicyUpdate
from oncall.services import policies
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_policies", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


class PolicyQuery(RequestModel):
    team_id: DbInt | None = Field(default=None)


@endpoint(bp, "/escalation-policies", "POST", summary="Create an escalation policy", body=PolicyCreate,
          response=PolicyOut, status=201)
def create_policy(data: PolicyCreate):
    session = get_session()
    return policies.to_out(session=session, policy=policies.create(session=session, data=data, actor=actor()))


@endpoint(bp, "/escalation-policies", "GET", summary="List escalation policies", query=PolicyQuery,
          response=list[PolicyOut])
def list_policies(params: PolicyQuery):
    session = get_session()
    return [policies.to_out(session=session, policy=p) for p in policies.list_(session=session, team_id=params.team_id)]


@endpoint(bp, "/escalation-policies/<int:policy_id>", "GET", summary="Get an escalation policy", response=PolicyOut)
def get_policy(policy_id: int):
    session = get_session()
    return policies.to_out(session=session, policy=policies.get(session=session, policy_id=policy_id))


@endpoint(bp, "/escalation-policies/<int:policy_id>", "PATCH", summary="Update an escalation policy (running "
          "incidents keep their snapshot)", body=PolicyUpdate, response=PolicyOut)
def update_policy(policy_id: int, data: PolicyUpdate):
    session = get_session()
    return policies.to_out(session=session, policy=policies.update(session=session, policy_id=policy_id, data=data,
                                                                   actor=actor()))


@endpoint(bp, "/escalation-policies/<int:policy_id>", "DELETE", summary="Delete an escalation policy", status=204)
def delete_policy(policy_id: int):
    policies.delete(session=get_session(), policy_id=policy_id, actor=actor())
