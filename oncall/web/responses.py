"""Ack links and provider webhooks: ``/ack/<token>``, ``/webhooks/twilio/*``, ``/webhooks/pagerduty``."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse

from oncall import clock
from oncall.services import ack_tokens, responses
from oncall.services.errors import ServiceError
from oncall.web.dbsession import get_session
from oncall.web.errors import error_response

bp = Blueprint("responses", __name__)


def _settings():
    return current_app.extensions["oncall.settings"]


def _link():
    token = request.view_args["token"]
    notification_id = ack_tokens.read(current_app.secret_key, token)
    return responses.ack_link(get_session(), notification_id)


@bp.get("/ack/<token>")
def ack_page(token: str):
    """Shows what would be acknowledged and changes nothing (link previewers GET links)."""
    try:
        link = _link()
    except ServiceError as exc:
        return render_template("ack.html", error=exc.message), exc.status
    return render_template("ack.html", link=link, token=token, done=False)


@bp.post("/ack/<token>")
def ack_confirm(token: str):
    try:
        link = _link()
    except ServiceError as exc:
        return render_template("ack.html", error=exc.message), exc.status
    incident, changed = responses.acknowledge_by_link(
        get_session(), link, now=clock.now(), ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))
    return render_template("ack.html", link=link, incident=incident, done=True, changed=changed)


def _twilio_signed() -> bool:
    token = _settings().twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature")
    if not token or not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
    url = _settings().base_url + request.full_path.rstrip("?")
    return RequestValidator(token).validate(url, request.form, signature, algorithm=algorithm)


@bp.post("/webhooks/twilio/sms")
def twilio_sms():
    if not _twilio_signed():
        return error_response(403, "bad_signature", "missing or wrong X-Twilio-Signature")
    answer = responses.acknowledge_by_sms(get_session(), phone=request.form.get("From", ""),
                                          body=request.form.get("Body", ""), now=clock.now())
    reply = MessagingResponse()
    reply.message(answer)
    return Response(str(reply), mimetype="text/xml")


@bp.post("/webhooks/twilio/status")
def twilio_status():
    if not _twilio_signed():
        return error_response(403, "bad_signature", "missing or wrong X-Twilio-Signature")
    responses.delivery_receipt(get_session(), provider_id=request.form.get("MessageSid", ""),
                               status=request.form.get("MessageStatus", ""), error_code=request.form.get("ErrorCode"),
                               now=clock.now())
    return Response(str(MessagingResponse()), mimetype="text/xml")


@bp.post("/webhooks/pagerduty")
def pagerduty_webhook():
    raw = request.get_data(cache=True)
    secrets = [s.strip() for s in (_settings().pagerduty_webhook_secret or "").split(",") if s.strip()]
    if not responses.pagerduty_signature_valid(raw, request.headers.get("X-PagerDuty-Signature"), secrets):
        return error_response(401, "bad_signature", "missing or wrong X-PagerDuty-Signature")
    try:
        body = json.loads(raw)
        event = body["event"]
        if not isinstance(event, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return error_response(400, "invalid_payload", "expected a PagerDuty v3 webhook: {\"event\": {...}}",
                              [{"field": "event", "message": "missing or not an object"}])
    session = get_session()
    now = clock.now()
    if not responses.first_delivery(session, "pagerduty", request.headers.get("X-Webhook-Id"), now):
        session.commit()
        return jsonify({"status": "duplicate"}), 200
    matched = responses.pagerduty_event(session, event, now)
    return jsonify({"status": "ok", "incident_ids": matched}), 202
