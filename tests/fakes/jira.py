"""A fake Jira Cloud REST API: JQL search (v3 ``search/jql``), issues, comments, users, priorities.

JQL is evaluated for the clauses the connector sends, joined by ``AND``: ``project = "P"``,
``priority in (…)`` (a name the site does not have is a 400, as in Jira), ``statusCategory
!= Done`` and ``created >= "yyyy-MM-dd HH:mm"`` read in the service account's timezone
(``timezone``); ``ORDER BY created ASC``. Any other clause is a 400.
"""
import itertools
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from ._ticketing import TicketingFake

PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]
_STRING = r'"((?:[^"\\]|\\.)*)"'


class FakeJira(TicketingFake):
    def __init__(self, timezone_name: str = "Europe/Berlin"):
        super().__init__()
        self.timezone = timezone_name
        self._ids = itertools.count(10001)
        self._reset_state()

    def _reset_state(self) -> None:
        self.issues: dict[str, dict] = {}
        self.accounts: dict[str, str] = {}  # email -> accountId

    def add(self, *, key: str, priority: str = "Highest", created: str = "2026-01-05T10:00:00.000+0100",
            summary: str = "Ransomware beacon on host fin-ws-12", project: str = "SOC", done: bool = False) -> dict:
        issue_id = str(next(self._ids))
        issue = {"id": issue_id, "key": key, "self": f"{self.base_url}/rest/api/3/issue/{issue_id}", "fields": {
            "summary": summary, "priority": {"id": "1", "name": priority},
            "status": {"name": "To Do", "statusCategory": {"key": "new"}},
            "issuetype": {"name": "Incident"}, "project": {"key": project}, "labels": ["page-oncall"],
            "created": created, "updated": created}}
        self.issues[key] = issue
        if done:
            self.close(key)
        return issue

    def close(self, key: str) -> None:
        self.issues[key]["fields"]["status"] = {"name": "Done", "statusCategory": {"key": "done"}}

    def routes(self):
        return [("GET", r"/rest/api/3/search/jql", self._search),
                ("GET", r"/rest/api/2/priority", lambda *_: (200, [{"id": str(i), "name": n}
                                                                  for i, n in enumerate(PRIORITIES, 1)])),
                ("GET", r"/rest/api/2/myself", lambda *_: (200, {"accountId": "svc", "timeZone": self.timezone})),
                ("GET", r"/rest/api/2/issue/([^/]+)", self._issue),
                ("POST", r"/rest/api/2/issue/([^/]+)/comment", self._comment),
                ("PUT", r"/rest/api/2/issue/([^/]+)/assignee", self._assign),
                ("GET", r"/rest/api/2/user/search", self._users)]

    def _search(self, request, params):
        jql, _, order = params.get("jql", "").partition(" ORDER BY ")
        if order not in ("", "created ASC"):
            return 400, self._errors(f"cannot order by {order}")
        found = list(self.issues.values())
        for clause in jql.split(" AND "):
            if m := re.fullmatch(rf"project = {_STRING}", clause):
                found = [i for i in found if i["fields"]["project"]["key"] == m.group(1)]
            elif m := re.fullmatch(r"priority in \((.*)\)", clause):
                names = re.findall(_STRING, m.group(1))
                unknown = [n for n in names if n not in PRIORITIES]
                if unknown:
                    return 400, self._errors(f"The value '{unknown[0]}' does not exist for the field 'priority'.")
                found = [i for i in found if i["fields"]["priority"]["name"] in names]
            elif clause == "statusCategory != Done":
                found = [i for i in found if i["fields"]["status"]["statusCategory"]["key"] != "done"]
            elif m := re.fullmatch(rf"created >= {_STRING}", clause):
                since = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(self.timezone))
                found = [i for i in found if datetime.fromisoformat(i["fields"]["created"]) >= since]
            else:
                return 400, self._errors(f"Error in the JQL Query: cannot read {clause!r}")
        found.sort(key=lambda i: datetime.fromisoformat(i["fields"]["created"]).astimezone(timezone.utc))
        limit = int(params.get("maxResults", 50))
        return 200, {"issues": found[:limit], "isLast": len(found) <= limit}

    def _issue(self, request, params, key):
        issue = self.issues.get(key)
        return (200, issue) if issue else (404, self._errors("Issue does not exist or you do not have permission "
                                                            "to see it."))

    def _comment(self, request, params, key):
        if key not in self.issues:
            return 404, self._errors("Issue does not exist or you do not have permission to see it.")
        return 201, {"id": str(next(self._ids)), "body": request.json()["body"]}

    def _assign(self, request, params, key):
        self.issues[key]["fields"]["assignee"] = {"accountId": request.json()["accountId"]}
        return 204, None

    def _users(self, request, params):
        account = self.accounts.get(params.get("query", ""))
        return 200, [{"accountId": account, "emailAddress": params["query"]}] if account else []

    @staticmethod
    def _errors(message: str) -> dict:
        return {"errorMessages": [message], "errors": {}}

    def error_body(self, status: int) -> dict:
        return self._errors({401: "Client must be authenticated to access this resource."}.get(status,
                                                                                             "Internal server error"))
