"""Users and teams as the API reads and writes them."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import DbInt, Email, Instant, Phone, TimeZoneName

RoleName = Literal["admin", "manager", "analyst"]


class UserCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: Phone | None = None
    timezone: TimeZoneName = "UTC"
    pagerduty_user_id: str | None = Field(default=None, max_length=64)
    role: RoleName = "analyst"


class UserUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    timezone: TimeZoneName | None = None
    pagerduty_user_id: str | None = Field(default=None, max_length=64)
    role: RoleName | None = None


class UserOut(ResponseModel):
    id: int
    name: str
    email: str
    phone: str | None
    timezone: str
    pagerduty_user_id: str | None
    role: str
    created_at: Instant


class TeamCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    timezone: TimeZoneName = "UTC"
    members: list[DbInt] = Field(default_factory=list, description="user ids")
    managers: list[DbInt] = Field(default_factory=list, description="user ids who manage the team")


class TeamUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: TimeZoneName | None = None
    members: list[DbInt] | None = None
    managers: list[DbInt] | None = None


class TeamOut(ResponseModel):
    id: int
    name: str
    timezone: str
    members: list[int]
    managers: list[int]
    created_at: Instant


