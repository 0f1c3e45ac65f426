"""Configuration read from the environment (DESIGN §3); the defaults run the embedded setup."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

DEFAULT_DATABASE_URL = "sqlite:///oncall.db"


def _env(environ: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know; built once by :func:`from_env`."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8080"
    tick_seconds: float = 5.0
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_api_base: str = "https://api.twilio.com"
    pagerduty_routing_key: str | None = None
    pagerduty_events_base: str = "https://events.pagerduty.com"
    pagerduty_api_token: str | None = None
    pagerduty_api_base: str = "https://api.pagerduty.com"
    pagerduty_webhook_secret: str | None = None
    ingest_rate_per_minute: int = 600
    deadman_url: str | None = None
    proxy_hops: int = 0  # trusted reverse proxies in front (X-Forwarded-* honoured from that many)
    max_body_bytes: int = 1024 * 1024
    extra: dict = field(default_factory=dict)

    def with_overrides(self, overrides: Mapping[str, object] | None) -> "Settings":
        """Apply a dict of overrides (``create_app(config=...)``); unknown keys go to ``extra``."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        direct = {k: v for k, v in overrides.items() if k in known}
        extra = {**self.extra, **{k: v for k, v in overrides.items() if k not in known}}
        return replace(self, **direct, extra=extra)


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    return Settings(
        database_url=_env(env, "ONCALL_DATABASE_URL", DEFAULT_DATABASE_URL),
        secret_key=_env(env, "ONCALL_SECRET_KEY"),
        base_url=_env(env, "ONCALL_BASE_URL", "http://127.0.0.1:8080").rstrip("/"),
        tick_seconds=float(_env(env, "ONCALL_TICK_SECONDS", "5")),
        twilio_account_sid=_env(env, "ONCALL_TWILIO_ACCOUNT_SID"),
        twilio_auth_token=_env(env, "ONCALL_TWILIO_AUTH_TOKEN"),
        twilio_from=_env(env, "ONCALL_TWILIO_FROM"),
        twilio_api_base=_env(env, "ONCALL_TWILIO_API_BASE", "https://api.twilio.com").rstrip("/"),
        pagerduty_routing_key=_env(env, "ONCALL_PAGERDUTY_ROUTING_KEY"),
        pagerduty_events_base=_env(
            env, "ONCALL_PAGERDUTY_EVENTS_BASE", "https://events.pagerduty.com"
        ).rstrip("/"),
        pagerduty_api_token=_env(env, "ONCALL_PAGERDUTY_API_TOKEN"),
        pagerduty_api_base=_env(env, "ONCALL_PAGERDUTY_API_BASE", "https://api.pagerduty.com").rstrip("/"),
        pagerduty_webhook_secret=_env(env, "ONCALL_PAGERDUTY_WEBHOOK_SECRET"),
        ingest_rate_per_minute=int(_env(env, "ONCALL_INGEST_RATE_PER_MINUTE", "600")),
        deadman_url=_env(env, "ONCALL_DEADMAN_URL"),
        proxy_hops=int(_env(env, "ONCALL_PROXY_HOPS", "0")),
    )
