"""A fake ServiceNow Table API: ``incident`` and ``sys_user``, with ``sysparm_display_value=all``.

Records are kept as the Table API returns them with ``sysparm_display_value=all``: every
field ``{"value", "display_value"}``, date-times UTC ``YYYY-MM-DD HH:MM:SS`` in ``value``.
The encoded-query terms the connector sends are evaluated (``active=true``, ``priority<=N``,
``sys_created_on>=T``, ``numberIN…``, ``ORDERBY…``); any other term is a 400, as an
instance answers a query it cannot read.
"""
import itertools
import uuid

from ._ticketing import TicketingFake

PRIORITIES = {"1": "1 - Critical", "2": "2 - High", "3": "3 - Moderate", "4": "4 - Low", "5": "5 - Planning"}
STATES = {"1": "New", "2": "In Progress", "6": "Resolved", "7": "Closed", "8": "Canceled"}


def _field(value: str, display: str | None = None) -> dict:
    return {"value": value, "display_value": display if display is not None else value}


class FakeServiceNow(TicketingFake):
    def __init__(self):
        super().__init__()
        self._numbers = itertools.count(10001)
        self._reset_state()

    def _reset_state(self) -> None:
        self.incidents: list[dict] = []
        self.users: dict[str, str] = {}  # email -> sys_id

    def add(self, *, priority: str = "1", created: str = "2026-01-05 09:00:00", title: str = "Ransomware on fin-ws-12",
            state: str = "1", number: str | None = None) -> dict:
        record = {
            "sys_id": _field(uuid.uuid4().hex), "number": _field(number or f"INC00{next(self._numbers)}"),
            "short_description": _field(title), "priority": _field(priority, PRIORITIES[priority]),
            "state": _field(state, STATES[state]), "active": _field("true" if state in ("1", "2") else "false"),
            "sys_created_on": _field(created), "opened_at": _field(created),
            "assignment_group": _field("287ebd7da9fe198100f92cc8d1d2154e", "SOC"), "work_notes": _field(""),
            "assigned_to": _field(""),
        }
        self.incidents.append(record)
        return record

    def set_state(self, record: dict, state: str) -> None:
        record["state"] = _field(state, STATES[state])
        record["active"] = _field("true" if state in ("1", "2") else "false")

    def routes(self):
        return [("GET", r"/api/now/table/incident", self._list),
                ("PATCH", r"/api/now/table/incident/(\w+)", self._patch),
                ("GET", r"/api/now/table/sys_user", self._users)]

    def _list(self, request, params):
        if params.get("sysparm_display_value") != "all":
            return 400, self.error_body(400)
        found, order = list(self.incidents), None
        for term in params.get("sysparm_query", "").split("^"):
            if term == "active=true":
                found = [r for r in found if r["active"]["value"] == "true"]
            elif term.startswith("priority<="):
                found = [r for r in found if int(r["priority"]["value"]) <= int(term.removeprefix("priority<="))]
            elif term.startswith("sys_created_on>="):
                found = [r for r in found if r["sys_created_on"]["value"] >= term.removeprefix("sys_created_on>=")]
            elif term.startswith("numberIN"):
                found = [r for r in found if r["number"]["value"] in term.removeprefix("numberIN").split(",")]
            elif term.startswith("ORDERBY"):
                order = term.removeprefix("ORDERBY")
            else:
                return 400, {"error": {"message": f"Invalid query term {term}", "detail": ""}, "status": "failure"}
        if order:
            found.sort(key=lambda r: r[order]["value"])
        limit = int(params.get("sysparm_limit", 10000))
        fields = params.get("sysparm_fields")
        keep = fields.split(",") if fields else None
        return 200, {"result": [{k: v for k, v in r.items() if keep is None or k in keep} for r in found[:limit]]}

    def _patch(self, request, params, sys_id):
        record = next((r for r in self.incidents if r["sys_id"]["value"] == sys_id), None)
        if record is None:
            return 404, {"error": {"message": "No Record found", "detail": "Record doesn't exist"}, "status": "failure"}
        for key, value in request.json().items():
            record[key] = _field(value)
        return 200, {"result": record}

    def _users(self, request, params):
        email = params.get("sysparm_query", "").removeprefix("email=")
        sys_id = self.users.get(email)
        return 200, {"result": [{"sys_id": sys_id}] if sys_id else []}

    def error_body(self, status: int) -> dict:
        messages = {401: "User Not Authenticated", 404: "Requested URI does not represent any resource"}
        return {"error": {"message": messages.get(status, "Internal server error"), "detail": ""}, "status": "failure"}
