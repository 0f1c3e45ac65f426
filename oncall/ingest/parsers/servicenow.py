"""ServiceNow incidents sent by a Business Rule or Flow outbound REST message.

ServiceNow has no fixed webhook schema. Accepted: the Table API `sysparm_display_value=all`
shape (each field `{"value", "display_value"}`) and plain strings as `getDisplayValue()` gives
them (`"1 - Critical"`), mixed freely.

- ticket id `number` (external_id and dedup_key); `sys_id` kept in details and used for the
  link `{instance}/nav_to.do?uri={table}.do?sys_id={sys_id}` (table defaults to incident).
- title `short_description` (not needed on a resolve).
- severity `priority` 1 → critical, 2 → high, 3 → medium, 4 → low, 5 → info, from the value
  (a number, or text starting with one); a bare name ("Critical", "Moderate",
  "Planning") also works; missing or unknown → medium.
- resolve when `state` is 6 Resolved, 7 Closed or 8 Canceled (number or name); else trigger.
- routing: `assignment_group` and `category` (display values).
- occurred_at: on a resolve `resolved_at`/`closed_at`, else `opened_at` (the value: UTC).
"""
from __future__ import annotations

import re

from oncall.ingest.event import NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact, text_or_none

SOURCE = "servicenow"
DEFAULT_SEVERITY = "medium"
_PRIORITY = {"1": "critical", "2": "high", "3": "medium", "4": "low", "5": "info", "planning": "info"}
_RESOLVED_STATES = {"6", "7", "8", "resolved", "closed", "canceled", "cancelled"}
_DETAILS = ("sys_id", "description", "priority", "state", "urgency", "impact", "caller_id",
            "table", "event")


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    number = _required(body, "number")
    resolved = _choice(body.data.get("state")) in _RESOLVED_STATES
    title = _field(body.data.get("short_description")) if resolved else _required(body, "short_description")
    body.check()

    when = ("resolved_at", "closed_at", "opened_at") if resolved else ("opened_at",)
    return [NormalizedEvent(
        action="resolve" if resolved else "trigger",
        dedup_key=number,
        title=title or "",
        severity=normalise_severity(_choice(body.data.get("priority")), _PRIORITY) or DEFAULT_SEVERITY,
        source=SOURCE,
        external_id=number,
        url=_link(body.data),
        details=compact({key: _field(body.data.get(key), display=True) for key in _DETAILS}),
        fields=routing_fields(category=_field(body.data.get("category"), display=True),
                              assignment_group=_field(body.data.get("assignment_group"), display=True)),
        occurred_at=next(filter(None, (_field(body.data.get(key)) for key in when)), None),
    )]


def _field(value: object, *, display: bool = False) -> str | None:
    """A plain string field, or the value (or display value) of a `{value, display_value}` one."""
    if isinstance(value, dict):
        order = ("display_value", "value") if display else ("value", "display_value")
        return next(filter(None, (text_or_none(value.get(key)) for key in order)), None)
    return text_or_none(value)


def _required(body: Reader, key: str) -> str | None:
    value = body.data.get(key)
    text = _field(value)
    if text is None:
        body.fail(key, "is missing or blank" if isinstance(value, (str, dict, type(None)))
                  else "is invalid (must be a string or a {value, display_value} object)")
    return text


def _choice(value: object) -> str | None:
    """A choice field's code: "1" from 1, "1" or "1 - Critical", else its lower-case name."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = _field(value)
    if text is None:
        return None
    number = re.match(r"\s*(\d+)", text)
    return number.group(1) if number else text.strip().lower()


def _link(data: dict) -> str | None:
    instance, sys_id = _field(data.get("instance")), _field(data.get("sys_id"))
    if not (instance and sys_id):
        return None
    base = instance.rstrip("/") if "://" in instance else f"https://{instance.rstrip('/')}"
    return f"{base}/nav_to.do?uri={_field(data.get('table')) or 'incident'}.do?sys_id={sys_id}"
