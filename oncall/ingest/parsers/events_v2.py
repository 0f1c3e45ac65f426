"""PagerDuty Events API v2 alert events (`POST /v2/enqueue`), PagerDuty's rules and limits.

- `event_action` trigger | acknowledge | resolve. A trigger needs `payload.summary` (at most
  1024 characters), `payload.source` and `payload.severity` (critical | error | warning |
  info; error → high, warning → medium). Acknowledge and resolve need only `dedup_key`.
- `dedup_key` (at most 255 characters) is optional on a trigger: without one the event's
  dedup_key is "" and the caller generates one, as PagerDuty does, and answers with it.
- `routing_key` is authenticated by the web layer; here it only has to be a string.
- `links[]` need `href`, `images[]` need `src`. Errors use PagerDuty's wording.
- Routing: `payload.class` → category, `payload.group` → assignment_group. Details keep
  `payload.source`, `component`, `custom_details`, `links`, `images`, `client`, `client_url`.
  The url is the first link's href, else `client_url`.
- An acknowledge/resolve usually has no payload; its severity is then "info" (informational).
"""
from __future__ import annotations

from oncall.ingest.event import ACTIONS, NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact

SOURCE = "events_v2"
MAX_SUMMARY = 1024
MAX_DEDUP_KEY = 255
_SEVERITIES = ("critical", "error", "warning", "info")
_NO_SEVERITY = "info"


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    body.text("routing_key")
    action = body.text("event_action", required=True)
    if action is not None and action not in ACTIONS:
        body.fail("event_action", "is invalid (must be one of the following: "
                                  "'trigger', 'acknowledge' or 'resolve')")
    trigger = action == "trigger"
    dedup_key = body.text("dedup_key", required=action in ("acknowledge", "resolve"),
                          max_length=MAX_DEDUP_KEY)
    event = body.child("payload", required=trigger)
    summary = event.text("summary", required=trigger, max_length=MAX_SUMMARY)
    origin = event.text("source", required=trigger)
    severity = event.text("severity", required=trigger)
    if severity is not None and severity not in _SEVERITIES:
        event.fail("severity", "is invalid (must be one of the following: "
                               "'critical', 'warning', 'error' or 'info')")
    timestamp = event.text("timestamp")
    component, group, category = (event.text(key) for key in ("component", "group", "class"))
    links = _references(body, "links", "href")
    images = _references(body, "images", "src")
    client, client_url = body.text("client"), body.text("client_url")
    body.check()

    extras = {"source": origin, "component": component, "client": client, "client_url": client_url,
              "custom_details": event.data.get("custom_details"), "links": links, "images": images}
    return [NormalizedEvent(
        action=action,
        dedup_key=dedup_key or "",
        title=summary or "",
        severity=normalise_severity(severity) if severity else _NO_SEVERITY,
        source=SOURCE,
        external_id=dedup_key or "",
        url=links[0]["href"] if links else client_url,
        details=compact(extras),
        fields=routing_fields(category=category, assignment_group=group),
        occurred_at=timestamp,
    )]


def _references(body: Reader, key: str, required: str) -> list[dict]:
    """`links` / `images`: a list of objects, each with a string ``required`` member."""
    items = body.children(key)
    for item in items:
        item.text(required, required=True)
    return [item.data for item in items]
