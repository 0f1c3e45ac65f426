"""``/api/v1/teams/<id>/sla`` (targets per severity) and ``/api/v1/sla/breaches``."""
from __future__ import annotations

from flask import Blueprint

from oncall.schemas.sla import BreachOut, BreachQuery, SlaTargetsIn, SlaTargetsOut
from oncall.services import sla
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_sla", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


@endpoint(bp, "/teams/<int:team_id>/sla", "GET", summary="A team's SLA targets per severity",
          response=SlaTargetsOut)
def get_sla(team_id: int):
    return sla.targets(session=get_session(), team_id=team_id)


@endpoint(bp, "/teams/<int:team_id>/sla", "PUT", summary="Replace a team's SLA targets (audited)",
          body=SlaTargetsIn, response=SlaTargetsOut)
def put_sla(team_id: int, data: SlaTargetsIn):
    return sla.set_targets(session=get_session(), team_id=team_id, data=data, actor=actor())


@endpoint(bp, "/sla/breaches", "GET", summary="SLA breaches recorded by the engine, latest first",
          query=BreachQuery, response=list[BreachOut])
def list_breaches(params: BreachQuery):
    return sla.breaches(session=get_session(), query=params)
