"""The Flask application factory."""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Mapping

from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from oncall.config import Settings, from_env
from oncall.engine.pollers import ConnectorPoller
from oncall.engine.scheduler import EngineScheduler
from oncall.engine.tick import EscalationEngine
from oncall.engine.ticket_notifier import TicketNotifier
from oncall.notifiers.factory import build_notifiers
from oncall.services.secrets import stored_secret_key
from oncall.store.db import make_engine

# Blueprint modules are imported here, at import time, never lazily: their pydantic models
# must be built before a test freezes the clock (freezegun swaps module-level datetime).
from oncall.web import csrf, dbsession, errors, ical, inbound, ops, responses, urlids
from oncall.web.api import audit as api_audit
from oncall.web.api import connectors, incidents, integrations, openapi, people, policies, schedules
from oncall.web.api import reports as api_reports
from oncall.web.api import sla as api_sla
from oncall.web.ui import (dashboard, display, hours, incidents as ui_incidents, integrations as ui_integrations,
                           login, people as ui_people, policies as ui_policies, rotations, simulator, teams)
from oncall.web.ui import reports as ui_reports

log = logging.getLogger("oncall")


def create_app(config: Mapping[str, object] | Settings | None = None) -> Flask:
    """Build the app from the environment, with ``config`` (a dict or Settings) on top."""
    settings = config if isinstance(config, Settings) else from_env().with_overrides(config)
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    engine = make_engine(settings.database_url)
    app.extensions["oncall.settings"] = settings
    app.extensions["oncall.engine"] = engine
    app.config.update(
        SECRET_KEY=settings.secret_key or _secret_key_from_database(engine),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),  # one long shift; then sign in again
        JSON_SORT_KEYS=False,
        TESTING=bool(settings.extra.get("TESTING", False)),
    )
    notifiers = {"ticket": TicketNotifier(db=engine, secret_key=app.config["SECRET_KEY"]),
                 **(settings.extra.get("notifiers") or build_notifiers(settings))}
    app.extensions["oncall.escalation"] = EscalationEngine(
        db=engine, notifiers=notifiers,
        secret_key=app.config["SECRET_KEY"], base_url=settings.base_url, deadman_url=settings.deadman_url,
        heartbeat_seconds=settings.tick_seconds)
    app.extensions["oncall.poller"] = ConnectorPoller(db=engine, secret_key=app.config["SECRET_KEY"])
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,
                                x_host=settings.proxy_hops, x_prefix=settings.proxy_hops)
    urlids.init_app(app)  # before the blueprints: their <int:...> rules take the bounded converter
    _register(app)
    return app


def start_engine(app: Flask) -> EngineScheduler:
    """Start this process's tick (``oncall serve`` / ``oncall worker``; never at import)."""
    scheduler = EngineScheduler(app.extensions["oncall.escalation"], app.extensions["oncall.settings"].tick_seconds,
                                poller=app.extensions["oncall.poller"])
    scheduler.start()
    app.extensions["oncall.wake"] = scheduler.wake
    return scheduler


def _secret_key_from_database(engine) -> str:
    try:
        with Session(engine) as session:
            return stored_secret_key(session)
    except (OperationalError, ProgrammingError) as exc:
        raise RuntimeError(
            "the database has no oncall schema yet (or is unreachable): run `oncall db upgrade` first"
        ) from exc


def _register(app: Flask) -> None:
    dbsession.init_app(app)
    errors.init_app(app)
    ops.init_app(app)
    inbound.init_app(app)
    csrf.init_app(app, enabled=app.extensions["oncall.settings"].extra.get("WTF_CSRF_ENABLED", True))
    display.init_app(app)
    for blueprint in (ops.bp, openapi.bp, people.bp, schedules.bp, policies.bp, integrations.bp, incidents.bp, inbound.bp,
                      connectors.bp, responses.bp, ical.bp,
                      login.bp, dashboard.bp, rotations.bp, hours.bp, ui_policies.bp, ui_integrations.bp,
                      ui_incidents.bp, ui_people.bp, teams.bp, simulator.bp,
                      api_audit.bp, api_sla.bp, api_reports.bp, ui_reports.bp):
        app.register_blueprint(blueprint)
