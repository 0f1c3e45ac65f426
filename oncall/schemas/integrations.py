"""Integrations as the API reads and writes them."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import DbInt, Instant

Source = Literal["events_v2", "servicenow", "jira", "thehive", "splunk", "alertmanager", "generic"]
Severity = Literal["critical", "high", "medium", "low", "info"]


class RouteIn(RequestModel):
    team_id: DbInt
    policy_id: DbInt


class RuleMatch(RequestModel):
    category: str | None = None
    tags: str | list[str] | None = None
    labels: str | list[str] | None = None
    security_domain: str | None = None
    assignment_group: str | None = None
    rule_name: str | None = None
    title_pattern: str | None = Field(default=None, max_length=500)

    @field_validator("title_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class RuleIn(RequestModel):
    match: RuleMatch
    routes: list[RouteIn] = Field(min_length=1, max_length=10)
    continue_: bool = Field(default=False, alias="continue")


class IntegrationCreate(RequestModel):
    team_id: DbInt
    policy_id: DbInt
    source: Source
    name: str = Field(min_length=1, max_length=200)
    min_severity: Severity = "high"
    routing_rules: list[RuleIn] = Field(default_factory=list, max_length=50)
    signing_secret: str | None = Field(default=None, min_length=16, max_length=256)
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)


class IntegrationUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    policy_id: DbInt | None = None
    min_severity: Severity | None = None
    routing_rules: list[RuleIn] | None = Field(default=None, max_length=50)
    signing_secret: str | None = Field(default=None, min_length=16, max_length=256)
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)


class RotateKey(RequestModel):
    grace_seconds: int = Field(default=24 * 3600, ge=0, le=30 * 24 * 3600)


class IntegrationOut(ResponseModel):
    id: int
    team_id: int
    policy_id: int
    source: str
    name: str
    min_severity: str
    key_hint: str
    url: str
    routing_rules: list[dict]
    signed: bool
    rate_limit_per_minute: int | None
    created_at: Instant


class IntegrationCreated(IntegrationOut):
    key: str = Field(description="shown once; only its hash is stored")
