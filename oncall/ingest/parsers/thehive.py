"""TheHive alert and case notifications, TheHive 5 and TheHive 4.

- TheHive 5 (StrangeBee) Audit bodies: `action` create | update | delete, `objectType`
  `Alert` | `Case`. TheHive 4 webhooks (endpoint `version: 0`): `operation` Creation |
  Update | Delete, `objectType` `alert` | `case`. Both are matched case-insensitively.
- Only alerts and cases are tickets: notifications about observables, tasks, logs… give [].
- ticket id `object._id`, else `objectId`; title `object.title`, else `details.title` (not
  needed on a resolve). Values are read from `object`, else from `details` (which holds only
  the changed fields on an update).
- severity `severity` 4 → critical, 3 → high, 2 → medium, 1 → low; otherwise medium
  (TheHive's own default).
- resolve on an update to a closed object: `stage` Closed (TheHive 5), or a closing `status`
  (TheHive 5 Indeterminate, FalsePositive, TruePositive, Duplicated, Ignored, Other; TheHive 4
  case Resolved, Deleted, Duplicated, alert Ignored); and on delete, which the DESIGN table does
  not name but which leaves nothing to page about. An alert `Imported` into a case does not
  resolve: the work goes on. Anything else → trigger.
- routing: `tags` → tags, an alert's `type` → category. No url (the body has no base URL).
  occurred_at: the notification's `_createdAt` (TheHive 5) or `startDate` (TheHive 4), epoch ms.
"""
from __future__ import annotations

from oncall.ingest.event import NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact, strings, text_or_none

SOURCE = "thehive"
DEFAULT_SEVERITY = "medium"
_SEVERITY = {"1": "low", "2": "medium", "3": "high", "4": "critical"}
_OPERATIONS = {"create": "create", "creation": "create", "update": "update", "delete": "delete"}
_CLOSED = {"closed", "resolved", "deleted", "duplicated", "truepositive", "falsepositive",
           "indeterminate", "ignored", "other"}
_DETAILS = ("status", "stage", "description", "source", "sourceRef", "tlp", "pap")


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    operation_key = "operation" if "operation" in body.data and "action" not in body.data else "action"
    operation = body.text(operation_key, required=True)
    kind = body.text("objectType", required=True)
    if operation is not None and operation.lower() not in _OPERATIONS:
        body.fail(operation_key, "is invalid (must be create, update or delete; "
                                 "TheHive 4: Creation, Update or Delete)")
    body.check()
    if kind.lower() not in ("alert", "case"):
        return []

    obj, changes = body.child("object"), body.child("details")

    def value(key: str) -> object:
        found = obj.data.get(key)
        return changes.data.get(key) if found is None else found

    ticket_id = text_or_none(obj.data.get("_id")) or text_or_none(body.data.get("objectId"))
    if ticket_id is None:
        obj.fail("_id", "is missing or blank (and so is 'objectId')")
    step = _OPERATIONS[operation.lower()]
    resolved = step == "delete" or (step == "update" and any(
        isinstance(state, str) and state.lower() in _CLOSED for state in (value("stage"), value("status"))))
    title = text_or_none(value("title"))
    if title is None and not resolved:
        obj.fail("title", "is missing or blank")
    body.check()

    extras = {"object_type": kind, "operation": operation, **{key: value(key) for key in _DETAILS}}
    when = next((t for t in (body.data.get("_createdAt"), body.data.get("startDate"))
                 if isinstance(t, int) and not isinstance(t, bool)), None)
    return [NormalizedEvent(
        action="resolve" if resolved else "trigger",
        dedup_key=ticket_id,
        title=title or "",
        severity=normalise_severity(value("severity"), _SEVERITY) or DEFAULT_SEVERITY,
        source=SOURCE,
        external_id=ticket_id,
        details=compact(extras),
        fields=routing_fields(category=text_or_none(value("type")), tags=strings(value("tags"))),
        occurred_at=None if when is None else str(when),
    )]
