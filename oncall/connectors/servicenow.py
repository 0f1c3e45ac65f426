"""ServiceNow Table API: read incidents, write work notes.

- New tickets: ``GET /api/now/table/incident`` with ``sysparm_query`` ``active=true``,
  ``priority<=N`` (1 Critical … 5 Planning, so "at or above" is "at most N"),
  ``sys_created_on>=<cursor>`` and ``ORDERBYsys_created_on``, ``sysparm_display_value=all``
  (every field ``{"value","display_value"}``: the shape the webhook parser reads). Date-time
  values in an encoded query and in ``value`` are UTC.
- Current state: the same table, ``numberIN<n1>,<n2>…`` (resolved and closed ones included).
- Write-back: ``PATCH /api/now/table/incident/<sys_id>`` with ``work_notes``; the assignee
  (``assigned_to``) is the ``sys_user`` whose ``email`` matches.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from oncall.connectors.base import PAGE, ConnectorError, Ticket
from oncall.connectors.http import HttpConnector, unexpected
from oncall.ingest.event import SEVERITIES

TABLE = "incident"
PATH = f"/api/now/table/{TABLE}"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
FIELDS = ("sys_id,number,short_description,description,priority,state,urgency,impact,category,"
          "assignment_group,caller_id,opened_at,resolved_at,closed_at,sys_created_on")
_NUMBER = re.compile(r"^[A-Za-z0-9_.-]+$")  # safe inside an encoded query


def highest_priority_number(min_severity: str) -> int:
    """The largest ServiceNow priority at or above ``min_severity``: critical 1 … info 5."""
    return len(SEVERITIES) - SEVERITIES.index(min_severity)


def _value(record: dict, key: str) -> str | None:
    field = record.get(key)
    value = field.get("value") if isinstance(field, dict) else field
    return value if isinstance(value, str) and value else None


class ServiceNow(HttpConnector):
    source = "servicenow"

    def new_tickets(self, *, since: datetime, min_severity: str) -> list[Ticket]:
        query = (f"active=true^priority<={highest_priority_number(min_severity)}"
                 f"^sys_created_on>={since.astimezone(timezone.utc).strftime(TIME_FORMAT)}^ORDERBYsys_created_on")
        return [self._ticket(record) for record in self._records(query, PAGE)]

    def current(self, ticket_ids: list[str]) -> list[dict]:
        numbers = [n for n in ticket_ids if _NUMBER.match(n)]
        if not numbers:
            return []
        return [self._payload(record) for record in self._records("numberIN" + ",".join(numbers), len(numbers))]

    def add_note(self, ticket_id: str, details: dict, note: str, assignee_email: str | None) -> None:
        sys_id = details.get("sys_id")
        if not sys_id:
            raise ConnectorError(f"incident {ticket_id} has no sys_id to write to", retryable=False)
        body = {"work_notes": note}
        if assignee_email and "^" not in assignee_email:  # "^" would extend the encoded query
            user = self._user_sys_id(assignee_email)
            if user:
                body["assigned_to"] = user
        self.api.call("PATCH", f"{PATH}/{sys_id}", json=body)

    def _records(self, query: str, limit: int) -> list[dict]:
        answer = self.api.call("GET", PATH, params={
            "sysparm_query": query, "sysparm_display_value": "all", "sysparm_exclude_reference_link": "true",
            "sysparm_fields": FIELDS, "sysparm_limit": limit})
        records = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(records, list):
            raise unexpected(f"GET {PATH}", '{"result": [...]}')
        return [r for r in records if isinstance(r, dict)]

    def _payload(self, record: dict) -> dict:
        return {**record, "table": TABLE, "instance": self.base_url}

    def _ticket(self, record: dict) -> Ticket:
        number = _value(record, "number")
        try:
            created_at = datetime.strptime(_value(record, "sys_created_on") or "", TIME_FORMAT)
        except ValueError:
            number = None
        if number is None:
            raise unexpected(f"GET {PATH}", "number and sys_created_on on every record")
        return Ticket(id=number, created_at=created_at.replace(tzinfo=timezone.utc), payload=self._payload(record))

    def _user_sys_id(self, email: str) -> str | None:
        answer = self.api.call("GET", "/api/now/table/sys_user", params={
            "sysparm_query": f"email={email}", "sysparm_fields": "sys_id", "sysparm_limit": 1})
        users = answer.get("result") if isinstance(answer, dict) else None
        return _value(users[0], "sys_id") if users and isinstance(users[0], dict) else None
