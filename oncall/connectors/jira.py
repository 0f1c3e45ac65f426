"""Jira Cloud REST: search issues with JQL, read issues, comment and assign.

- New tickets: ``GET /rest/api/3/search/jql`` (Jira Cloud's search; the older
  ``/rest/api/2/search`` is gone from Cloud) with ``project = P AND priority in (…) AND
  statusCategory != Done AND created >= "<cursor>" ORDER BY created ASC``. JQL names only
  priorities that exist on the site (an unknown name is a JQL error), so the site's
  priorities (``GET /rest/api/2/priority``) at or above the threshold are listed, each
  mapped by the webhook parser's own ``severity_of``. JQL dates are minutes in the service
  account's own timezone (``GET /rest/api/2/myself``), so the cursor is converted and
  floored; the poller drops what it has already read.
- Current state: ``GET /rest/api/2/issue/<key>`` per open incident; a 404 is a deleted issue.
- Write-back: ``POST /rest/api/2/issue/<key>/comment`` (v2 takes plain text); the assignee
  is the account ``GET /rest/api/2/user/search?query=<email>`` finds, set with
  ``PUT /rest/api/2/issue/<key>/assignee``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oncall.connectors.base import PAGE, ConnectorError, Ticket
from oncall.connectors.http import HttpConnector, unexpected
from oncall.ingest.event import severity_at_least
from oncall.ingest.parsers.jira import severity_of

SEARCH = "/rest/api/3/search/jql"
FIELDS = "summary,description,priority,status,issuetype,project,labels,reporter,created,updated"


def jql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Jira(HttpConnector):
    source = "jira"

    def new_tickets(self, *, since: datetime, min_severity: str) -> list[Ticket]:
        if not self.project:
            raise ConnectorError("no Jira project configured", retryable=False)
        priorities = self._priorities_at_least(min_severity)
        if not priorities:
            return []
        local = since.astimezone(self._account_zone()).strftime("%Y-%m-%d %H:%M")
        jql = (f"project = {jql_string(self.project)} AND priority in ({', '.join(map(jql_string, priorities))})"
               f" AND statusCategory != Done AND created >= {jql_string(local)} ORDER BY created ASC")
        answer = self.api.call("GET", SEARCH, params={"jql": jql, "fields": FIELDS, "maxResults": PAGE})
        issues = answer.get("issues") if isinstance(answer, dict) else None
        if not isinstance(issues, list):
            raise unexpected(f"GET {SEARCH}", '{"issues": [...]}')
        return [self._ticket(issue) for issue in issues]

    def current(self, ticket_ids: list[str]) -> list[dict]:
        payloads = []
        for key in ticket_ids:
            issue = self.api.call("GET", self._issue(key), params={"fields": FIELDS}, missing_ok=True)
            if issue is None:
                payloads.append({"webhookEvent": "jira:issue_deleted", "issue": {"key": key, "fields": {}}})
            elif isinstance(issue, dict):
                payloads.append({"webhookEvent": "jira:issue_updated", "issue": issue})
        return payloads

    def add_note(self, ticket_id: str, details: dict, note: str, assignee_email: str | None) -> None:
        self.api.call("POST", self._issue(ticket_id) + "/comment", json={"body": note})
        if assignee_email:
            users = self.api.call("GET", "/rest/api/2/user/search", params={"query": assignee_email})
            first = users[0] if isinstance(users, list) and users else None
            account = first.get("accountId") if isinstance(first, dict) else None
            if account:
                self.api.call("PUT", self._issue(ticket_id) + "/assignee", json={"accountId": account})

    @staticmethod
    def _issue(key: str) -> str:
        return f"/rest/api/2/issue/{quote(key, safe='')}"

    def _priorities_at_least(self, min_severity: str) -> list[str]:
        answer = self.api.call("GET", "/rest/api/2/priority")
        if not isinstance(answer, list):
            raise unexpected("GET /rest/api/2/priority", "a list of priorities")
        names = [p.get("name") for p in answer if isinstance(p, dict) and isinstance(p.get("name"), str)]
        return [n for n in names if severity_at_least(severity_of(n), min_severity)]

    def _account_zone(self):
        me = self.api.call("GET", "/rest/api/2/myself")
        try:
            return ZoneInfo(me.get("timeZone")) if isinstance(me, dict) and me.get("timeZone") else timezone.utc
        except (ZoneInfoNotFoundError, ValueError):
            return timezone.utc

    def _ticket(self, issue: object) -> Ticket:
        try:
            key, created_at = issue["key"], datetime.fromisoformat(issue["fields"]["created"])
        except (TypeError, KeyError, ValueError):
            raise unexpected(f"GET {SEARCH}", "key and fields.created on every issue") from None
        return Ticket(id=str(key), created_at=created_at.astimezone(timezone.utc),
                      payload={"webhookEvent": "jira:issue_created", "issue": issue})
