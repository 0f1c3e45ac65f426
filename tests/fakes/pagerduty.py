"""A fake PagerDuty Events API v2 (``POST /v2/enqueue``) over HTTPS with a throwaway CA.

The official client only talks https, so the fake does too: put ``ca_path`` in
``SSL_CERT_FILE`` before the client is created and use ``base_url`` as the events base.

Answers follow the Events API v2 docs: 202 ``{"status":"success","message":"Event
processed","dedup_key":…}`` and 400 ``{"status":"invalid event","message":"Event object is
invalid","errors":[…]}``. The error texts (and the 429/5xx bodies) are modelled on what
PagerDuty is commonly seen to send; the client only reads ``dedup_key``.
"""

import uuid

from ._server import FakeServer, RecordedRequest

ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")


class FakePagerDuty(FakeServer):
    def __init__(self):
        super().__init__(tls=True)

    @property
    def events(self) -> list[dict]:
        """The events accepted (answered 202), in arrival order."""
        return [r.json() for r in self.requests if r.status == 202]

    def answer(self, request: RecordedRequest) -> tuple[int, dict]:
        if (request.method, request.path) != ("POST", "/v2/enqueue"):
            return 404, {"status": "not found", "message": "No such endpoint"}
        try:
            event = request.json()
        except ValueError:
            return invalid(["Event object is not valid JSON"])
        errors = validate(event) if isinstance(event, dict) else ["Event must be a JSON object"]
        if errors:
            return invalid(errors)
        dedup_key = event.get("dedup_key") or uuid.uuid4().hex
        return 202, {"status": "success", "message": "Event processed", "dedup_key": dedup_key}

    def error_body(self, status: int) -> dict:
        if status == 429:
            return {"status": "throttle event", "message": "Requests for this service are "
                    "arriving too quickly. Please retry later."}
        return {"status": "error", "message": "Internal server error"}


def invalid(errors: list[str]) -> tuple[int, dict]:
    return 400, {"status": "invalid event", "message": "Event object is invalid", "errors": errors}


def validate(event: dict) -> list[str]:
    errors = []
    key = event.get("routing_key")
    if not isinstance(key, str) or len(key) != 32:
        errors.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    action = event.get("event_action")
    if action not in ACTIONS:
        errors.append("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
    dedup_key = event.get("dedup_key")
    if dedup_key is not None and (not isinstance(dedup_key, str) or len(dedup_key) > 255):
        errors.append("'dedup_key' must be a string of at most 255 characters")
    if action in ("acknowledge", "resolve") and not dedup_key:
        errors.append("'dedup_key' is missing or blank")
    if action == "trigger":
        payload = event.get("payload")
        if not isinstance(payload, dict):
            return errors + ["'payload' is missing or not an object"]
        summary = payload.get("summary")
        if not isinstance(summary, str) or not summary or len(summary) > 1024:
            errors.append("'payload.summary' is missing, blank or longer than 1024 characters")
        if not payload.get("source"):
            errors.append("'payload.source' is missing or blank")
        if payload.get("severity") not in SEVERITIES:
            errors.append("'payload.severity' is invalid (must be one of: critical, error, "
                          "warning, info)")
    return errors
