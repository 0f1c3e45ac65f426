"""Incidents, their timelines and notifications as the API shows them."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import MAX_INT, DbInt, Instant


class IncidentOut(ResponseModel):
    id: int
    team_id: int
    policy_id: int | None
    integration_id: int | None
    source: str
    external_id: str
    dedup_key: str
    title: str
    severity: str
    status: str
    urgency: str
    created_at: Instant
    acknowledged_at: Instant | None
    acknowledged_by: int | None
    resolved_at: Instant | None
    level: int
    link: str | None
    ticket_group: str | None = None


class TimelineOut(ResponseModel):
    id: int
    at: Instant
    kind: str
    actor: str
    message: str
    data: dict


class NotificationOut(ResponseModel):
    id: int
    kind: str
    channel: str
    user_id: int | None
    level: int
    loop: int
    status: str
    attempts: int
    provider_id: str | None
    error: str | None
    created_at: Instant
    sent_at: Instant | None
    delivered_at: Instant | None


class IncidentDetail(IncidentOut):
    details: dict
    timeline: list[TimelineOut]
    notifications: list[NotificationOut]


class IncidentQuery(RequestModel):
    status: Literal["triggered", "acknowledged", "resolved"] | None = None
    team_id: DbInt | None = None
    severity: Literal["critical", "high", "medium", "low", "info"] | None = None
    source: str | None = Field(default=None, max_length=32)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_INT)


class IncidentAction(RequestModel):
    user_id: DbInt | None = Field(default=None, description="who acknowledges/resolves; default: the token's user")
    note: str | None = Field(default=None, max_length=1000)
