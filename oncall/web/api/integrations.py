"""``/api/v1/integrations``: create (key shown once), list, get, update, delete, rotate key."""
from __future__ import annotations

from flask import Blueprint, current_app
from pydantic import Field

from oncall.schemas.base import RequestModel
from oncall.schemas.types import DbInt
from oncall.schemas.integrations import (IntegrationCreate, IntegrationCreated, IntegrationOut, IntegrationUpdate,
                                         RotateKey)
from oncall.services import integrations
from oncall.web.api.auth import actor, require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.dbsession import get_session

bp = Blueprint("api_integrations", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


class IntegrationQuery(RequestModel):
    team_id: DbInt | None = Field(default=None)


def _base_url() -> str:
    return current_app.extensions["oncall.settings"].base_url


@endpoint(bp, "/integrations", "POST", summary="Create an integration; the key is shown only in this answer",
          body=IntegrationCreate, response=IntegrationCreated, status=201)
def create_integration(data: IntegrationCreate):
    return integrations.create(session=get_session(), data=data, actor=actor(), secret_key=current_app.secret_key,
                               base_url=_base_url())


@endpoint(bp, "/integrations", "GET", summary="List integrations", query=IntegrationQuery,
          response=list[IntegrationOut])
def list_integrations(params: IntegrationQuery):
    return [integrations.to_out(i, _base_url())
            for i in integrations.list_(session=get_session(), team_id=params.team_id)]


@endpoint(bp, "/integrations/<int:integration_id>", "GET", summary="Get an integration", response=IntegrationOut)
def get_integration(integration_id: int):
    return integrations.to_out(integrations.get(session=get_session(), integration_id=integration_id), _base_url())


@endpoint(bp, "/integrations/<int:integration_id>", "PATCH", summary="Update an integration",
          body=IntegrationUpdate, response=IntegrationOut)
def update_integration(integration_id: int, data: IntegrationUpdate):
    updated = integrations.update(session=get_session(), integration_id=integration_id, data=data, actor=actor(),
                                  secret_key=current_app.secret_key)
    return integrations.to_out(updated, _base_url())


@endpoint(bp, "/integrations/<int:integration_id>", "DELETE", summary="Delete an integration", status=204)
def delete_integration(integration_id: int):
    integrations.delete(session=get_session(), integration_id=integration_id, actor=actor())


@endpoint(bp, "/integrations/<int:integration_id>/rotate-key", "POST",
          summary="New key; the old one stays valid for grace_seconds", body=RotateKey, response=IntegrationCreated)
def rotate_integration_key(integration_id: int, data: RotateKey):
    return integrations.rotate_key(session=get_session(), integration_id=integration_id,
                                   grace_seconds=data.grace_seconds, actor=actor(), base_url=_base_url())
