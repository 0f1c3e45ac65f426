"""TheHive 5 query API: read alerts and cases, comment and assign.

- New tickets: ``POST /api/v1/query`` with ``listAlert`` (then ``listCase``), a ``filter``
  ``_createdAt >= cursor`` (epoch ms) and ``severity >= N`` (1 low … 4 critical), sorted by
  ``_createdAt`` ascending, one ``page``. Each object is wrapped as the TheHive 5 webhook
  (Audit) body the parser reads, as an ``update`` so a closed object reads as a resolve.
- Current state: the same queries filtered on ``_id`` ``_in`` the open incidents' ids.
- Write-back: ``POST /api/v1/{alert|case}/<id>/comment`` ``{"message"}``; the assignee is
  the user login (the e-mail), set with ``PATCH /api/v1/{alert|case}/<id>``.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from oncall.connectors.base import PAGE, ConnectorError, Ticket
from oncall.connectors.http import HttpConnector, unexpected
from oncall.ingest.event import SEVERITIES

QUERY = "/api/v1/query"
KINDS = ("Alert", "Case")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MS = timedelta(milliseconds=1)


def lowest_severity_number(min_severity: str) -> int:
    """TheHive's severity number for ``min_severity``: low 1 … critical 4 (info: every alert)."""
    return max(SEVERITIES.index(min_severity), 1)


class TheHive(HttpConnector):
    source = "thehive"

    def new_tickets(self, *, since: datetime, min_severity: str) -> list[Ticket]:
        since_ms = (since - EPOCH) // MS  # exact: TheHive times are epoch milliseconds
        conditions = [{"_gte": {"_field": "_createdAt", "_value": since_ms}},
                      {"_gte": {"_field": "severity", "_value": lowest_severity_number(min_severity)}}]
        tickets = [self._ticket(kind, obj) for kind in KINDS for obj in self._query(kind, conditions)]
        return sorted(tickets, key=lambda t: t.created_at)

    def current(self, ticket_ids: list[str]) -> list[dict]:
        condition = [{"_in": {"_field": "_id", "_values": ticket_ids}}]
        return [_payload(kind, obj) for kind in KINDS for obj in self._query(kind, condition)]

    def add_note(self, ticket_id: str, details: dict, note: str, assignee_email: str | None) -> None:
        kind = str(details.get("object_type") or "").lower()
        if kind not in ("alert", "case"):
            raise ConnectorError(f"{ticket_id} is neither an alert nor a case", retryable=False)
        path = f"/api/v1/{kind}/{quote(ticket_id, safe='~')}"
        self.api.call("POST", path + "/comment", json={"message": note})
        if assignee_email:
            self.api.call("PATCH", path, json={"assignee": assignee_email})

    def _query(self, kind: str, conditions: list[dict]) -> list[dict]:
        answer = self.api.call("POST", QUERY, params={"name": f"oncall-{kind.lower()}s"}, json={"query": [
            {"_name": f"list{kind}"},
            {"_name": "filter", "_and": conditions},
            {"_name": "sort", "_fields": [{"_createdAt": "asc"}]},
            {"_name": "page", "from": 0, "to": PAGE},
        ]})
        if not isinstance(answer, list):
            raise unexpected(f"POST {QUERY} list{kind}", "a list of objects")
        return [obj for obj in answer if isinstance(obj, dict)]

    def _ticket(self, kind: str, obj: dict) -> Ticket:
        ticket_id, created = obj.get("_id"), obj.get("_createdAt")
        if not isinstance(ticket_id, str) or not isinstance(created, int):
            raise unexpected(f"POST {QUERY} list{kind}", "_id and _createdAt on every object")
        return Ticket(id=ticket_id, created_at=EPOCH + created * MS,
                      payload=_payload(kind, obj))


def _payload(kind: str, obj: dict) -> dict:
    return {"action": "update", "objectType": kind, "objectId": obj.get("_id"), "object": obj}
