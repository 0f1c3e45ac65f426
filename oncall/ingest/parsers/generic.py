"""The generic webhook: one flat JSON object, for any tool that can POST one.

    {"id": "T-1", "title": "…", "severity": "critical", "action": "trigger",
     "url": "…", "timestamp": "…", "tags": ["…"], …anything else}

- ticket id `id`, else `dedup_key`, a string or an integer. When both are given, `dedup_key`
  is the dedup key and `id` the external id.
- title `title`, else `summary`; severity `severity`: both needed on a trigger. Severity is one
  of the five levels or a word of the shared vocabulary (error, warning, p1, sev2…); an
  acknowledge/resolve without one is "info" (informational).
- `action` trigger (the default) | acknowledge | resolve.
- routing: `category`, `security_domain`, `assignment_group`, `rule_name` (strings), `tags`
  (strings), `labels` ("name=value" strings, or an object of name → value).
- url `url`; occurred_at `timestamp`, else `occurred_at`. Every other key goes to details.
"""
from __future__ import annotations

from oncall.ingest.event import ACTIONS, SEVERITIES, NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, label_pairs, strings, text_or_none

SOURCE = "generic"
_NO_SEVERITY = "info"
_ROUTING_TEXT = ("category", "security_domain", "assignment_group", "rule_name")
_KNOWN = {"id", "dedup_key", "title", "summary", "severity", "action", "url", "timestamp",
          "occurred_at", "tags", "labels", *_ROUTING_TEXT}


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    action = body.text("action") or "trigger"
    if action not in ACTIONS:
        body.fail("action", "is invalid (must be one of the following: "
                            "'trigger', 'acknowledge' or 'resolve')")
    trigger = action == "trigger"
    ticket_id, dedup_key = _identifier(body, "id"), _identifier(body, "dedup_key")
    if ticket_id is None and dedup_key is None and not body.problems:
        body.fail("id", "is missing or blank (and so is 'dedup_key')")
    title = body.text("title") or body.text("summary")
    if title is None and trigger and not body.problems:
        body.fail("title", "is missing or blank (and so is 'summary')")
    raw_severity = body.text("severity", required=trigger)
    severity = normalise_severity(raw_severity)
    if raw_severity is not None and severity is None:
        body.fail("severity", f"is invalid (must be one of: {', '.join(SEVERITIES)}, or a synonym)")
    body.check()

    labels = body.data.get("labels")
    return [NormalizedEvent(
        action=action,
        dedup_key=dedup_key or ticket_id,
        title=title or "",
        severity=severity or _NO_SEVERITY,
        source=SOURCE,
        external_id=ticket_id or dedup_key,
        url=text_or_none(body.data.get("url")),
        details={key: value for key, value in body.data.items() if key not in _KNOWN},
        fields=routing_fields(tags=strings(body.data.get("tags")), labels=label_pairs(labels) if isinstance(labels, dict) else strings(labels),
                              **{key: text_or_none(body.data.get(key)) for key in _ROUTING_TEXT}),
        occurred_at=text_or_none(body.data.get("timestamp")) or text_or_none(body.data.get("occurred_at")),
    )]


def _identifier(body: Reader, key: str) -> str | None:
    """A string id, or an integer one as its decimal text."""
    value = body.data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return body.text(key)
