"""Bearer-token authentication for ``/api/v1``."""
from __future__ import annotations

from flask import g, request

from oncall.services import tokens
from oncall.services.errors import ServiceError
from oncall.web.dbsession import get_session


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"


def require_token() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    token = tokens.authenticate(session=get_session(), token=value.strip())
    if token is None:
        raise Unauthorized("unknown or revoked API token")
    g.actor = f"token:{token.id}"
    g.token_user_id = token.user_id


def actor() -> str:
    return g.get("actor", "anonymous")
