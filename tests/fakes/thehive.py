"""A fake TheHive 5 API: the query API over alerts and cases, comments, assignee updates.

``POST /api/v1/query`` runs ``listAlert`` / ``listCase`` then ``filter`` (``_and``, ``_gte``,
``_in`` in the ``{"_field", "_value(s)"}`` form), ``sort`` and ``page``; anything else is a
400 as TheHive answers a query it cannot parse.
"""
import itertools

from ._ticketing import TicketingFake


class FakeTheHive(TicketingFake):
    def __init__(self):
        super().__init__()
        self._ids = itertools.count(40993016)
        self._reset_state()

    def _reset_state(self) -> None:
        self.objects: dict[str, dict] = {}

    def add(self, *, kind: str = "Alert", severity: int = 4, created_ms: int = 1767603600000,
            title: str = "Ransomware detected on fin-ws-12") -> dict:
        obj = {"_id": f"~{next(self._ids)}", "_type": kind, "_createdAt": created_ms, "title": title,
               "severity": severity, "status": "New", "stage": "New", "tags": ["edr"], "tlp": 2, "pap": 2,
               "description": "EDR verdict: malicious"}
        if kind == "Alert":
            obj |= {"type": "edr", "source": "CrowdStrike", "sourceRef": f"cs-{obj['_id']}"}
        self.objects[obj["_id"]] = obj
        return obj

    def close(self, obj: dict) -> None:
        obj["stage"], obj["status"] = "Closed", "TruePositive"

    def routes(self):
        return [("POST", r"/api/v1/query", self._query),
                ("POST", r"/api/v1/(alert|case)/([^/]+)/comment", self._comment),
                ("PATCH", r"/api/v1/(alert|case)/([^/]+)", self._update)]

    def _query(self, request, params):
        steps = request.json().get("query", [])
        first = steps[0].get("_name") if steps else None
        if first not in ("listAlert", "listCase"):
            return 400, {"type": "BadRequest", "message": f"unknown query {first}"}
        kind = first.removeprefix("list")
        found = [o for o in self.objects.values() if o["_type"] == kind]
        for step in steps[1:]:
            name = step.get("_name")
            if name == "filter":
                conditions = step.get("_and", [])
                if any(set(c) - {"_gte", "_in"} for c in conditions):
                    return 400, {"type": "BadRequest", "message": f"cannot read filter {conditions}"}
                found = [o for o in found if all(_matches(o, c) for c in conditions)]
            elif name == "sort":
                for field in reversed(step["_fields"]):
                    (key, direction), = field.items()
                    found.sort(key=lambda o: o[key], reverse=direction == "desc")
            elif name == "page":
                found = found[step["from"]:step["to"]]
            else:
                return 400, {"type": "BadRequest", "message": f"unknown step {name}"}
        return 200, found

    def _comment(self, request, params, kind, object_id):
        if object_id not in self.objects:
            return 404, self.error_body(404)
        return 201, {"_id": f"~c{next(self._ids)}", "message": request.json()["message"]}

    def _update(self, request, params, kind, object_id):
        self.objects[object_id].update(request.json())
        return 204, None

    def error_body(self, status: int) -> dict:
        return {401: {"type": "AuthenticationError", "message": "Authentication failure"},
                404: {"type": "NotFoundError", "message": "not found"}}.get(
            status, {"type": "InternalError", "message": "Internal server error"})


def _matches(obj: dict, condition: dict) -> bool:
    (operator, spec), = condition.items()
    value = obj.get(spec["_field"])
    if operator == "_gte":
        return value is not None and value >= spec["_value"]
    return value in spec["_values"]  # _in
