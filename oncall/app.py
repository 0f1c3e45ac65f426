"""The Flask application factory."""
from __future__ import annotations

import logging
from typing import Mapping

from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from oncall.config import Settings, from_env
from oncall.engine.scheduler import EngineScheduler
from oncall.engine.tick import EscalationEngine
from oncall.notifiers.factory import build_notifiers
from oncall.services.secrets import stored_secret_key
from oncall.store.db import make_engine

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
        JSON_SORT_KEYS=False,
        TESTING=bool(settings.extra.get("TESTING", False)),
    )
    app.extensions["oncall.escalation"] = EscalationEngine(
        db=engine, notifiers=settings.extra.get("notifiers") or build_notifiers(settings),
        secret_key=app.config["SECRET_KEY"], base_url=settings.base_url, deadman_url=settings.deadman_url)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,
                                x_host=settings.proxy_hops, x_prefix=settings.proxy_hops)
    _register(app)
    return app


def start_engine(app: Flask) -> EngineScheduler:
    """Start this process's tick (``oncall serve`` / ``oncall worker``; never at import)."""
    scheduler = EngineScheduler(app.extensions["oncall.escalation"], app.extensions["oncall.settings"].tick_seconds)
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
    from oncall.web import dbsession, errors, ical, inbound, ops, responses
    from oncall.web.api import incidents, integrations, openapi, people, policies, schedules
    from oncall.web.ui import pages

    dbsession.init_app(app)
    errors.init_app(app)
    ops.init_app(app)
    inbound.init_app(app)
    for blueprint in (ops.bp, openapi.bp, people.bp, schedules.bp, policies.bp, integrations.bp, incidents.bp, inbound.bp,
                      responses.bp, ical.bp, pages.bp):
        app.register_blueprint(blueprint)
