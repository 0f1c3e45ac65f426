"""``/api/v1/integrations/<id>/connector``: the integration's ticketing API access and poll status.

Credentials are accepted by PUT and never shown again; the answer carries the poll status
(cursor, last poll, last error, next attempt).
"""
from __future__ import annotations

from flask import Blueprint, current_app

from oncall import clock
from oncall.schemas.connectors import ConnectorIn, ConnectorOut
from oncall.services import connectors, integrations
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_connectors", __name__, url_prefix="/api/v1")
bp.before_request(require_token)
PATH = "/integrations/<int:integration_id>/connector"


def _out(row) -> ConnectorOut:
    integration = integrations.get(session=get_session(), integration_id=row.integration_id)
    return connectors.to_out(row, integration, clock.now())


@endpoint(bp, PATH, "PUT", summary="Save the integration's ticketing API connector (credentials are never shown "
                                   "again)", body=ConnectorIn, response=ConnectorOut)
def put_connector(integration_id: int, data: ConnectorIn):
    return _out(connectors.put(session=get_session(), integration_id=integration_id, data=data, actor=actor(),
                               secret_key=current_app.secret_key, now=clock.now()))


@endpoint(bp, PATH, "GET", summary="The integration's connector and its poll status", response=ConnectorOut)
def get_connector(integration_id: int):
    return _out(connectors.get(session=get_session(), integration_id=integration_id))


@endpoint(bp, PATH, "DELETE", summary="Remove the integration's connector (stops polling and write-back)",
          status=204)
def delete_connector(integration_id: int):
    connectors.delete(session=get_session(), integration_id=integration_id, actor=actor())
