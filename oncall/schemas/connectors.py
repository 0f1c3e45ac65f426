"""Ticketing connectors as the API reads and writes them: secrets go in, never come out."""
from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import Instant


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL like https://acme.service-now.com")
    if parts.username or parts.password:
        raise ValueError("must not carry credentials: put them in auth")
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return value.rstrip("/")


BaseUrl = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(_base_url)]


class BasicAuth(RequestModel):
    type: Literal["basic"]
    username: str = Field(min_length=1, max_length=320)
    password: SecretStr = Field(min_length=1, max_length=1024)


class TokenAuth(RequestModel):
    type: Literal["token"]
    token: SecretStr = Field(min_length=1, max_length=4096)


class ConnectorIn(RequestModel):
    base_url: BaseUrl
    auth: Annotated[BasicAuth | TokenAuth, Field(discriminator="type")] | None = Field(
        default=None, description="required the first time; omitted later, the stored credentials are kept")
    poll: bool = True
    interval_seconds: int = Field(default=60, ge=10, le=24 * 3600)
    project: str | None = Field(default=None, min_length=1, max_length=255, description="Jira project key")
    write_back: bool = True
    assign_on_ack: bool = False


class ConnectorStatus(ResponseModel):
    cursor: Instant | None
    last_poll_at: Instant | None
    last_success_at: Instant | None
    last_error: str | None
    last_error_at: Instant | None
    consecutive_failures: int
    next_poll_at: Instant | None = Field(description="the next attempt (after a failure: the retry)")
    polling: bool = Field(description="a poll holds the lease right now")


class ConnectorOut(ResponseModel):
    integration_id: int
    source: str
    base_url: str
    auth_type: str
    poll: bool
    interval_seconds: int
    project: str | None
    write_back: bool
    assign_on_ack: bool
    updated_at: Instant
    status: ConnectorStatus
