"""A fake Twilio Messages API: ``POST /2010-04-01/Accounts/<sid>/Messages.json``.

Plain http by default (the notifier's API base is configurable); ``FakeTwilio(tls=True)``
serves https with a throwaway CA (``ca_path``, for ``REQUESTS_CA_BUNDLE``). Basic auth is
checked against the configured sid/token. Answers are Twilio's JSON: the Message resource
with 201, errors as ``{"code","message","more_info","status"}``.
"""

import base64
import re
import uuid
from email.utils import formatdate

from ._server import FakeServer, RecordedRequest

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
ERROR_MESSAGES = {
    400: (21602, "Message body is required."),
    401: (20003, "Authenticate"),
    404: (20404, "The requested resource was not found"),
    429: (20429, "Too Many Requests"),
    500: (20500, "An internal server error has occurred"),
    503: (20503, "Service Unavailable"),
}


def error(status: int, code: int | None = None, message: str | None = None) -> dict:
    default_code, default_message = ERROR_MESSAGES.get(status, (status, "Error"))
    code = code or default_code
    return {
        "code": code,
        "message": message or default_message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class FakeTwilio(FakeServer):
    def __init__(
        self, account_sid: str = "AC" + "0" * 32, auth_token: str = "fake-auth-token",
        tls: bool = False,
    ):
        super().__init__(tls=tls)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict] = []  # the Message resources created, in order

    def _reset_state(self) -> None:
        self.messages.clear()

    def error_body(self, status: int) -> dict:
        return error(status)

    def answer(self, request: RecordedRequest) -> tuple[int, dict]:
        match = MESSAGES_PATH.match(request.path)
        if request.method != "POST" or not match:
            return 404, error(404)
        if not self._authorized(request, match["sid"]):
            return 401, error(401)
        form = request.form()
        problem = self._invalid(form)
        if problem:
            return 400, problem
        message = self._resource(form)
        with self._lock:
            self.messages.append(message)
        return 201, message

    def _authorized(self, request: RecordedRequest, sid: str) -> bool:
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        header = request.headers.get("Authorization", "")
        return sid == self.account_sid and header == "Basic " + base64.b64encode(expected).decode()

    @staticmethod
    def _invalid(form: dict[str, str]) -> dict | None:
        if not form.get("To"):
            return error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(form["To"]):
            return error(400, 21211, f"Invalid 'To' Phone Number: {form['To']}")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return error(400, 21602, "Message body is required.")
        return None

    def _resource(self, form: dict[str, str]) -> dict:
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form["Body"],
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": form["To"],
            "uri": uri,
        }
