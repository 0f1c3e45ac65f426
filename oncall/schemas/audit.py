"""The audit log as the API reads it."""
from __future__ import annotations

from pydantic import Field

from oncall.schemas.base import ResponseModel
from oncall.schemas.period import PeriodQuery
from oncall.schemas.types import MAX_INT, Instant


class AuditQuery(PeriodQuery):
    actor: str | None = Field(default=None, max_length=200, description="exact actor, e.g. token:3 or user:7")
    action: str | None = Field(default=None, max_length=64, description="exact action, or a prefix ending in '.' "
                                                                        "(e.g. 'incident.')")
    object_type: str | None = Field(default=None, max_length=32)
    object_id: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=MAX_INT)


class AuditEntryOut(ResponseModel):
    id: int
    at: Instant
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before: dict | None
    after: dict | None
    prev_hash: str
    hash: str


class VerificationOut(ResponseModel):
    ok: bool
    entries: int = Field(description="entries verified before the first break (all of them when ok)")
    first_broken_id: int | None = Field(description="the first entry whose link or content is wrong; None when "
                                                    "the break is at the end of the chain (deleted last entries)")
    last_good_id: int | None
    reason: str | None
