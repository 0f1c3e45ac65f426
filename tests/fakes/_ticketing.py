"""Base of the fake ticketing APIs (ServiceNow, Jira, TheHive): credentials, routes, a gate.

- Every request must carry the fake's credentials (basic auth or bearer token), else 401.
- ``routes()`` lists ``(method, path regex, handler)``; a handler gets the request, the
  query parameters and the path groups, and returns ``(status, json_body)``.
- ``gate``: while it is a cleared ``threading.Event``, requests wait for it (a poll held
  mid-flight); ``arrived`` is set by the first request that reaches the fake.
"""
import base64
import re
import threading
from urllib.parse import parse_qsl, urlsplit

from ._server import FakeServer, RecordedRequest

USERNAME = "svc-oncall@example.com"
PASSWORD = "Pa55-not-in-any-log-7f3a"
TOKEN = "tok-not-in-any-log-91c2e8"


class TicketingFake(FakeServer):
    def __init__(self):
        super().__init__(tls=False)
        basic = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        self.accepted = {f"Basic {basic}", f"Bearer {TOKEN}"}
        self.gate: threading.Event | None = None
        self.arrived = threading.Event()

    def routes(self):
        raise NotImplementedError

    def answer(self, request: RecordedRequest) -> tuple[int, object]:
        self.arrived.set()
        if self.gate is not None:
            self.gate.wait(10)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if headers.get("authorization") not in self.accepted:
            return 401, self.error_body(401)
        url = urlsplit(request.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        for method, pattern, handler in self.routes():
            match = re.fullmatch(pattern, url.path)
            if match and method == request.method:
                return handler(request, params, *match.groups())
        return 404, self.error_body(404)

    # what the tests read ------------------------------------------------------------------
    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def params(self, request: RecordedRequest) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True))
