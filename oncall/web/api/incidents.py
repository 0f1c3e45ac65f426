"""``/api/v1/incidents``: list, get with timeline and notifications, acknowledge, resolve."""
from __future__ import annotations

from flask import Blueprint, g

from oncall import clock
from oncall.schemas.incidents import IncidentAction, IncidentDetail, IncidentOut, IncidentQuery
from oncall.services import incidents
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_incidents", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


@endpoint(bp, "/incidents", "GET", summary="List incidents, newest first", query=IncidentQuery,
          response=list[IncidentOut])
def list_incidents(params: IncidentQuery):
    return incidents.list_(session=get_session(), query=params)


@endpoint(bp, "/incidents/<int:incident_id>", "GET", summary="An incident with its timeline and notifications",
          response=IncidentDetail)
def get_incident(incident_id: int):
    session = get_session()
    return incidents.detail(session=session, incident=incidents.get(session=session, incident_id=incident_id))


def _act(change, incident_id: int, data: IncidentAction):
    user_id = data.user_id if data.user_id is not None else g.get("token_user_id")
    incident, _ = change(session=get_session(), incident_id=incident_id, user_id=user_id, via="api", actor=actor(),
                         now=clock.now(), data={"note": data.note} if data.note else None)
    return incident


@endpoint(bp, "/incidents/<int:incident_id>/acknowledge", "POST", summary="Acknowledge (idempotent)",
          body=IncidentAction, response=IncidentOut)
def acknowledge_incident(incident_id: int, data: IncidentAction):
    return _act(incidents.acknowledge, incident_id, data)


@endpoint(bp, "/incidents/<int:incident_id>/resolve", "POST", summary="Resolve (idempotent)",
          body=IncidentAction, response=IncidentOut)
def resolve_incident(incident_id: int, data: IncidentAction):
    return _act(incidents.resolve, incident_id, data)
