"""Escalation policies as the API reads and writes them."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import DbInt, Instant

Channel = Literal["pagerduty", "sms"]


class TargetIn(RequestModel):
    type: Literal["rotation", "user", "team"]
    id: DbInt


class LevelIn(RequestModel):
    ack_timeout_seconds: int = Field(default=600, ge=30, le=7 * 24 * 3600)
    channels: list[Channel] = Field(default_factory=lambda: ["pagerduty", "sms"], min_length=1)
    targets: list[TargetIn] = Field(min_length=1)
    pagerduty_routing_key: str | None = Field(default=None, min_length=20, max_length=64)

    @field_validator("channels")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each channel at most once")
        return value


class PolicyCreate(RequestModel):
    team_id: DbInt
    name: str = Field(min_length=1, max_length=200)
    repeat: int = Field(default=0, ge=0, le=10)
    page_during_business_hours: bool = False
    levels: list[LevelIn] = Field(min_length=1, max_length=20)


class PolicyUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    repeat: int | None = Field(default=None, ge=0, le=10)
    page_during_business_hours: bool | None = None
    levels: list[LevelIn] | None = Field(default=None, min_length=1, max_length=20)


class TargetOut(ResponseModel):
    type: str
    id: int


class LevelOut(ResponseModel):
    ack_timeout_seconds: int
    channels: list[str]
    targets: list[TargetOut]
    has_pagerduty_routing_key: bool


class PolicyOut(ResponseModel):
    id: int
    team_id: int
    name: str
    repeat: int
    page_during_business_hours: bool
    levels: list[LevelOut]
    created_at: Instant
