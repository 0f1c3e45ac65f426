"""Operations endpoints: liveness, readiness, metrics, and request metrics."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from oncall import clock
from oncall.metrics import HTTP_LATENCY, HTTP_REQUESTS

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    try:
        with current_app.extensions["oncall.engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means "not ready"
        return jsonify({"status": "unavailable", "database": f"unreachable ({exc.__class__.__name__})"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.request_started = clock.monotonic()


def _record(response):
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    HTTP_REQUESTS.labels(request.method, endpoint, response.status_code).inc()
    if "request_started" in g:
        HTTP_LATENCY.labels(endpoint).observe(clock.monotonic() - g.request_started)
    return response


def init_app(app) -> None:
    app.before_request(_start_timer)
    app.after_request(_record)
