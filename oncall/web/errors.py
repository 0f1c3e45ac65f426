"""Error answers: ``{"error","message","details"}`` JSON for machines, a page for people."""
from __future__ import annotations

import logging

from flask import Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from oncall.services.errors import ServiceError

log = logging.getLogger("oncall.web")

_MACHINE_PREFIXES = ("/api/", "/v2/", "/integrations", "/webhooks/", "/healthz", "/readyz", "/metrics")


def wants_json() -> bool:
    return request.path.startswith(_MACHINE_PREFIXES) or request.is_json


def error_response(status: int, code: str, message: str, details: list | None = None,
                   headers: dict | None = None) -> Response:
    if wants_json():
        response = jsonify({"error": code, "message": message, "details": details or []})
    else:
        # A server-side failure may be the database: that page must not look anyone up.
        response = Response(render_template("error.html", status=status, title=code.replace("_", " "),
                                            message=message, bare=status >= 500), mimetype="text/html")
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    message = exc.description or exc.name
    if exc.code == 413:
        message = "request body is larger than the 1 MiB limit"
    headers = dict(exc.get_headers()) if exc.code == 405 else {}
    headers.pop("Content-Type", None)
    return error_response(exc.code or 500, code, message, headers=headers)


def _service_error(exc: ServiceError):
    return error_response(exc.status, exc.code, exc.message, exc.details)


def _database_down(exc: Exception):
    log.error("database unavailable: %s", exc.__class__.__name__)
    return error_response(503, "database_unavailable", "the database is unavailable; retry later",
                          headers={"Retry-After": "5"})


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(PoolTimeout, _database_down)
    app.register_error_handler(Exception, _unexpected)
