"""The HTTP shared by the connectors: JSON over ``requests``, credentials, errors as ConnectorError.

Credentials go in the ``Authorization`` header only (basic auth, or a bearer token), never in
a URL or an error message, so nothing we log or store can carry them.
"""
from __future__ import annotations

from typing import Any

import requests

from oncall.connectors.base import ConnectorError
from oncall.notifiers.base import is_retryable_status

TIMEOUT = (5, 20)  # seconds: connect, read
DETAIL_MAX_CHARS = 300


class ApiClient:
    def __init__(self, base_url: str, auth: dict, *, timeout: tuple[float, float] = TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "oncall-connector"})
        if auth["type"] == "basic":
            self.session.auth = (auth["username"], auth["password"])
        else:
            self.session.headers["Authorization"] = f"Bearer {auth['token']}"

    def call(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
             missing_ok: bool = False) -> Any:
        """The JSON answer (None for an empty body, or for a 404 when ``missing_ok``)."""
        where = f"{method} {path}"
        try:
            response = self.session.request(method, self.base_url + path, params=params, json=json,
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise ConnectorError(f"{where}: {type(exc).__name__}: {exc}", retryable=True) from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:DETAIL_MAX_CHARS]
            raise ConnectorError(f"{where}: HTTP {response.status_code}: {detail}",
                                 retryable=is_retryable_status(response.status_code))
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(f"{where}: the answer is not JSON", retryable=True) from None

    def close(self) -> None:
        self.session.close()


class HttpConnector:
    """Base of the three connectors: holds the client and the settings they share."""

    source: str

    def __init__(self, *, base_url: str, auth: dict, project: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.project = project
        self.api = ApiClient(base_url, auth)

    def close(self) -> None:
        self.api.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def unexpected(where: str, expected: str) -> ConnectorError:
    """An answer of the wrong shape: another product, a proxy's page, an API change."""
    return ConnectorError(f"{where}: unexpected answer (expected {expected})", retryable=True)
