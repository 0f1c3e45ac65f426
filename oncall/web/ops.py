"""Operations endpoints: liveness, readiness, metrics, and request metrics."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from sqlmodel import Session

from oncall import clock
from oncall.metrics import (CONNECTOR_FAILURES, CONNECTOR_LAST_SUCCESS, DUE_BACKLOG, ENGINE_LAST_TICK_AGE,
                            HTTP_LATENCY, HTTP_REQUESTS, NOTIFICATIONS, OUTBOX_BACKLOG, registry)
from oncall.schemas.types import format_instant
from oncall.services import connector_state, health
from oncall.store.db import reader

bp = Blueprint("ops", __name__)
log = logging.getLogger("oncall.web")


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Ready when the database answers and the engine (any process) ticked recently."""
    settings = current_app.extensions["oncall.settings"]
    try:
        with Session(reader(current_app.extensions["oncall.engine"])) as session:
            session.execute(text("SELECT 1"))
            engine = health.engine_status(session, now=clock.now(), tick_seconds=settings.tick_seconds)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return jsonify({"status": "unavailable", "database": f"unreachable ({exc.__class__.__name__})"}), 503
    body = {"status": "ok" if engine.state != "stalled" else "unavailable", "database": "ok",
            "engine": engine.state, "engine_last_tick_at": format_instant(engine.last_tick_at),
            "engine_workers": engine.workers}
    return jsonify(body), 503 if engine.state == "stalled" else 200


@bp.get("/metrics")
def metrics():
    """Process metrics plus figures read from the database at scrape time."""
    try:
        with Session(reader(current_app.extensions["oncall.engine"])) as session:
            now = clock.now()
            figures = health.backlog(session, now=now)
            DUE_BACKLOG.set(figures["due_incidents"])
            OUTBOX_BACKLOG.set(figures["outbox"])
            for channel, status, count in health.notifications_by_channel_status(session):
                NOTIFICATIONS.labels(channel, status).set(count)
            engine = health.engine_status(session, now=now, tick_seconds=1)
            if engine.last_tick_at is not None:
                ENGINE_LAST_TICK_AGE.set((now - engine.last_tick_at).total_seconds())
            for integration_id, source, failures, last_success in connector_state.overview(session):
                CONNECTOR_FAILURES.labels(integration_id, source).set(failures)
                if last_success is not None:
                    CONNECTOR_LAST_SUCCESS.labels(integration_id, source).set(last_success.timestamp())
    except Exception as exc:  # metrics must answer even when the database does not
        log.warning("metrics: database figures unavailable (%s: %s)", exc.__class__.__name__, exc)
    return Response(generate_latest(registry()), mimetype=CONTENT_TYPE_LATEST)


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
