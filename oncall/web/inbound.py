"""Inbound events: ``POST /v2/enqueue`` (PagerDuty Events v2) and ``POST /integrations/<key>``.

Each accepted event is committed before the 202 is sent; a database failure is a 503 with
``Retry-After`` (from the error handlers), never a 202.
"""
from __future__ import annotations

import json
import math

from flask import Blueprint, current_app, jsonify, request

from oncall import clock
from oncall.metrics import INGESTED
from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import parse
from oncall.services import ingest, integrations
from oncall.services.errors import ServiceError
from oncall.web.dbsession import get_session
from oncall.web.errors import error_response
from oncall.web.ratelimit import RateLimiter

bp = Blueprint("inbound", __name__)
EVENTS_V2_MAX_BYTES = 512 * 1024
MAX_DEPTH = 64
MAX_DEDUP_KEY = 255  # the incident's dedup_key column


class TooManyEvents(ServiceError):
    status = 429
    code = "rate_limited"
    retry_after = 60  # seconds, for the Retry-After header


BAD_SIGNATURE = "missing or wrong X-Hub-Signature / X-Oncall-Signature (HMAC-SHA256 of the body)"


def _decode(raw: bytes) -> object:
    if not raw.strip():
        raise PayloadError([{"field": "", "message": "the request body is empty"}])
    try:
        payload = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except UnicodeDecodeError:
        raise PayloadError([{"field": "", "message": "the body is not UTF-8 text"}]) from None
    except RecursionError:
        raise PayloadError([{"field": "", "message": "the JSON is nested too deeply"}]) from None
    except ValueError as exc:
        raise PayloadError([{"field": "", "message": f"the body is not valid JSON ({exc})"}]) from None
    if _depth(payload) > MAX_DEPTH:
        raise PayloadError([{"field": "", "message": f"the JSON is nested deeper than {MAX_DEPTH} levels"}])
    return _scrub(payload)


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _scrub(value: object) -> object:
    """Valid JSON the database cannot store as text: NUL characters and lone surrogates become U+FFFD."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
        return value
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _parse(source: str, payload: object):
    events = parse(source, payload)
    for event in events:
        if len(event.dedup_key) > MAX_DEDUP_KEY:
            raise PayloadError([{"field": "", "message": f"the ticket id (dedup key) {event.dedup_key[:40]!r}… is "
                                                         f"longer than {MAX_DEDUP_KEY} characters"}])
    return events


def _depth(value: object, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _rate_limit(integration) -> None:
    limiter: RateLimiter = current_app.extensions["oncall.ratelimiter"]
    settings = current_app.extensions["oncall.settings"]
    wait = limiter.take(integration.key_hash, integration.rate_limit_per_minute or settings.ingest_rate_per_minute)
    if wait is not None:
        seconds = max(1, math.ceil(wait - 1e-6))
        exc = TooManyEvents(f"more than the allowed events per minute for this integration key; retry in {seconds} s",
                            [{"field": "routing_key", "message": "rate limited"}])
        exc.retry_after = seconds
        raise exc


def _accept(integration, events, raw: bytes):
    result = ingest.ingest(session=get_session(), integration=integration, events=events,
                           raw_body=raw.decode("utf-8", "replace"), now=clock.now())
    INGESTED.labels(integration.source).inc(len(events))
    if result.opened:
        wake = current_app.extensions.get("oncall.wake")
        if wake is not None:
            wake()
    return result


def _pd_invalid(message: str, errors: list[str], status: int = 400):
    return jsonify({"status": "invalid event", "message": message, "errors": errors}), status


@bp.post("/v2/enqueue")
def enqueue():
    raw = request.get_data(cache=True)
    if len(raw) > EVENTS_V2_MAX_BYTES:
        return _pd_invalid("Event object is invalid", ["payload: larger than the 512 KB limit"])
    try:
        payload = _decode(raw)
        if not isinstance(payload, dict):
            return _pd_invalid("Event object is invalid", ["the payload must be a JSON object"])
        key = payload.get("routing_key")
        if not isinstance(key, str) or not key:
            return _pd_invalid("Event object is invalid", ["'routing_key' is missing or blank"])
        integration = integrations.by_key(session=get_session(), key=key)
        if integration is None or integration.source != "events_v2":
            return _pd_invalid("Event object is invalid", ["'routing_key' is not a known integration key"])
        if not integrations.signature_valid(integration, secret_key=current_app.secret_key, raw_body=raw,
                                            headers=request.headers):
            return error_response(401, "bad_signature", BAD_SIGNATURE)
        _rate_limit(integration)
        events = _parse("events_v2", payload)
    except PayloadError as exc:
        return _pd_invalid("Event object is invalid", [d["message"] for d in exc.details])
    except TooManyEvents as exc:
        response = error_response(429, exc.code, exc.message, exc.details)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    result = _accept(integration, events, raw)
    return jsonify({"status": "success", "message": "Event processed",
                    "dedup_key": result.dedup_keys[0] if result.dedup_keys else None}), 202


def _webhook(key: str | None):
    raw = request.get_data(cache=True)
    session = get_session()
    integration = integrations.by_key(session=session, key=key or "")
    if integration is None or integration.source == "events_v2":
        return error_response(404, "unknown_integration", "no webhook integration has this key")
    if not integrations.signature_valid(integration, secret_key=current_app.secret_key, raw_body=raw,
                                        headers=request.headers):
        return error_response(401, "bad_signature", BAD_SIGNATURE)
    try:
        _rate_limit(integration)
    except TooManyEvents as exc:
        return error_response(429, exc.code, exc.message, exc.details, headers={"Retry-After": str(exc.retry_after)})
    try:
        events = _parse(integration.source, _decode(raw))
    except PayloadError as exc:
        return error_response(400, "invalid_payload", exc.message, exc.details)
    result = _accept(integration, events, raw)
    return jsonify({"incident_ids": list(dict.fromkeys(result.incident_ids)), "dedup_keys": result.dedup_keys}), 202


@bp.post("/integrations/<key>")
def webhook_with_key(key: str):
    return _webhook(key)


@bp.post("/integrations")
def webhook_with_bearer():
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return _webhook(value.strip() if scheme.lower() == "bearer" else None)


def init_app(app) -> None:
    app.extensions["oncall.ratelimiter"] = RateLimiter()
