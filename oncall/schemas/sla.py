"""SLA targets and breaches as the API reads and writes them."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from oncall.schemas.base import RequestModel, ResponseModel
from oncall.schemas.period import PeriodQuery
from oncall.schemas.types import MAX_INT, DbInt, Instant

Severity = Literal["critical", "high", "medium", "low", "info"]
_LONGEST = 90 * 24 * 3600


class SlaTargetIn(RequestModel):
    severity: Severity
    acknowledge_seconds: int | None = Field(default=None, ge=1, le=_LONGEST, description="acknowledge within")
    resolve_seconds: int | None = Field(default=None, ge=1, le=_LONGEST, description="resolve within")

    @model_validator(mode="after")
    def _consistent(self) -> "SlaTargetIn":
        if self.acknowledge_seconds is None and self.resolve_seconds is None:
            raise ValueError("set acknowledge_seconds, resolve_seconds or both")
        if (self.acknowledge_seconds is not None and self.resolve_seconds is not None
                and self.resolve_seconds < self.acknowledge_seconds):
            raise ValueError("resolve_seconds may not be shorter than acknowledge_seconds")
        return self


class SlaTargetsIn(RequestModel):
    """The team's whole set of targets: severities left out have none."""

    targets: list[SlaTargetIn] = Field(max_length=5)

    @field_validator("targets")
    @classmethod
    def _one_per_severity(cls, value: list[SlaTargetIn]) -> list[SlaTargetIn]:
        severities = [t.severity for t in value]
        if len(set(severities)) != len(severities):
            raise ValueError("each severity at most once")
        return value


class SlaTargetOut(ResponseModel):
    severity: str
    acknowledge_seconds: int | None
    resolve_seconds: int | None


class SlaTargetsOut(ResponseModel):
    team_id: int
    targets: list[SlaTargetOut]


class BreachQuery(PeriodQuery):
    team_id: DbInt | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=MAX_INT)


class BreachOut(ResponseModel):
    id: int
    incident_id: int
    team_id: int
    severity: str
    kind: str = Field(description="acknowledge | resolve")
    target_seconds: int
    due_at: Instant = Field(description="when the target was missed")
    recorded_at: Instant
