"""Rotations, layers, overrides and business hours as the API reads and writes them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import holidays
from pydantic import Field, field_validator, model_validator

from oncall.schedule.windows import parse_hhmm
from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.types import DbInt, Instant, TimeZoneName

DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_WINDOW_DAYS = 400


class WindowIn(RequestModel):
    """A weekly window: ``days`` name the day it starts; ``end <= start`` runs past midnight."""

    days: list[DayName] = Field(min_length=1)
    start: str
    end: str

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        parse_hhmm(value, end=True)
        return value


def _wall_time(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError("not a wall time like 2026-01-05T09:00") from None
    if parsed.tzinfo is not None:
        raise ValueError("a wall time in the rotation's timezone, without an offset")
    return parsed.isoformat(timespec="seconds")


class LayerIn(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    members: list[DbInt] = Field(min_length=1, max_length=200)
    shift_hours: int | None = Field(default=None, gt=0, le=24 * 366)
    shift_days: int | None = Field(default=None, gt=0, le=366)
    shift_weeks: int | None = Field(default=None, gt=0, le=52)
    handoff: str
    restrictions: list[WindowIn] = Field(default_factory=list, max_length=50)

    @field_validator("handoff")
    @classmethod
    def _handoff(cls, value: str) -> str:
        return _wall_time(value)

    @model_validator(mode="after")
    def _one_length(self) -> "LayerIn":
        given = [n for n in ("shift_hours", "shift_days", "shift_weeks") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of shift_hours, shift_days, shift_weeks")
        return self

    @property
    def shift(self) -> tuple[str, int]:
        for unit in ("hours", "days", "weeks"):
            value = getattr(self, f"shift_{unit}")
            if value is not None:
                return unit, value
        raise AssertionError("validated above")


class LayerChange(RequestModel):
    """An effective-dated edit of a layer (matched by name); omitted fields stay as they are."""

    name: str = Field(min_length=1, max_length=200)
    members: list[DbInt] | None = Field(default=None, min_length=1, max_length=200)
    shift_hours: int | None = Field(default=None, gt=0, le=24 * 366)
    shift_days: int | None = Field(default=None, gt=0, le=366)
    shift_weeks: int | None = Field(default=None, gt=0, le=52)
    handoff: str | None = None
    restrictions: list[WindowIn] | None = Field(default=None, max_length=50)

    @field_validator("handoff")
    @classmethod
    def _handoff(cls, value: str | None) -> str | None:
        return None if value is None else _wall_time(value)

    @model_validator(mode="after")
    def _at_most_one_length(self) -> "LayerChange":
        given = [n for n in ("shift_hours", "shift_days", "shift_weeks") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError("give at most one of shift_hours, shift_days, shift_weeks")
        return self

    @property
    def shift(self) -> tuple[str | None, int | None]:
        for unit in ("hours", "days", "weeks"):
            value = getattr(self, f"shift_{unit}")
            if value is not None:
                return unit, value
        return None, None


class RotationCreate(RequestModel):
    team_id: DbInt
    name: str = Field(min_length=1, max_length=200)
    timezone: TimeZoneName
    layers: list[LayerIn] = Field(min_length=1, max_length=20)

    @field_validator("layers")
    @classmethod
    def _distinct_names(cls, layers: list[LayerIn]) -> list[LayerIn]:
        if len({layer.name for layer in layers}) != len(layers):
            raise ValueError("layer names must be distinct")
        return layers


class RotationUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    layers: list[LayerChange] | None = Field(default=None, max_length=20)
    effective_at: Instant | None = Field(default=None, description="default: now")
    at_next_handoff: bool = Field(default=False, description="round effective_at up to each layer's next hand-off")


class RestrictionOut(ResponseModel):
    days: list[str]
    start: str
    end: str


class LayerVersionOut(ResponseModel):
    effective_from: Instant | None
    members: list[int]
    shift_unit: str
    shift_count: int
    handoff: str
    member_offset: int
    restrictions: list[RestrictionOut]


class LayerOut(ResponseModel):
    id: int
    name: str
    position: int
    current: LayerVersionOut
    versions: list[LayerVersionOut]


class RotationOut(ResponseModel):
    id: int
    team_id: int
    name: str
    timezone: str
    layers: list[LayerOut]
    created_at: Instant


class OverrideCreate(RequestModel):
    user_id: DbInt
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _ordered(self) -> "OverrideCreate":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class OverrideOut(ResponseModel):
    id: int
    rotation_id: int
    user_id: int
    start: Instant
    end: Instant
    created_at: Instant


class AtQuery(RequestModel):
    at: Instant | None = None


class WindowQuery(RequestModel):
    start: Instant
    end: Instant

    @model_validator(mode="after")
    def _bounded(self) -> "WindowQuery":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.end - self.start).days > MAX_WINDOW_DAYS:
            raise ValueError(f"the window may span at most {MAX_WINDOW_DAYS} days")
        return self


class OnCallUser(ResponseModel):
    id: int
    name: str


class OnCallOut(ResponseModel):
    at: Instant
    users: list[OnCallUser]


class RotationOnCall(OnCallOut):
    rotation_id: int
    rotation_name: str


class TeamOnCallOut(ResponseModel):
    at: Instant
    team_id: int
    rotations: list[RotationOnCall]


class ShiftOut(ResponseModel):
    user_id: int | None
    start: Instant
    end: Instant
    source: str


class GapOut(ResponseModel):
    start: Instant
    end: Instant


class BusinessHoursIn(RequestModel):
    timezone: TimeZoneName
    windows: list[WindowIn] = Field(default_factory=list, max_length=100)
    holidays: list[str] = Field(default_factory=list, max_length=1000, description="ISO dates")
    holiday_country: str | None = Field(default=None, min_length=2, max_length=3)
    holiday_subdivision: str | None = Field(default=None, max_length=10)

    @field_validator("holidays")
    @classmethod
    def _dates(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date like 2026-12-25") from None
        return sorted(set(values))

    @field_validator("holiday_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"no holiday calendar for country {value!r}")
        return value.upper() if value else None


class BusinessHoursOut(ResponseModel):
    team_id: int
    timezone: str
    windows: list[RestrictionOut]
    holidays: list[str]
    holiday_country: str | None
    holiday_subdivision: str | None


class BusinessHoursCheck(ResponseModel):
    at: Instant
    business_hours: bool
    next_change: Instant | None


class IcalLink(ResponseModel):
    url: str
