"""A period in a query string: ``since`` / ``until`` ISO instants with offsets, half-open."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, ValidationInfo, field_validator

from oncall.schemas.base import RequestModel
from oncall.schemas.types import format_instant, parse_instant

_MANGLED_PLUS = re.compile(r" (\d\d(?::?\d\d)?)$")


def _query_instant(value: object) -> datetime:
    """Like ``Instant``, forgiving the "+" of an offset that a query string turned into a space."""
    if isinstance(value, str):
        value = _MANGLED_PLUS.sub(r"+\1", value.strip())
    return parse_instant(value)


QueryInstant = Annotated[datetime, BeforeValidator(_query_instant), PlainSerializer(format_instant, return_type=str)]


class PeriodQuery(RequestModel):
    """``[since, until)``; either end may be left open."""

    since: QueryInstant | None = Field(default=None, description="ISO 8601 instant with an offset (inclusive)")
    until: QueryInstant | None = Field(default=None, description="ISO 8601 instant with an offset (exclusive)")

    @field_validator("until")
    @classmethod
    def _after_since(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        since = info.data.get("since")
        if value is not None and since is not None and value <= since:
            raise ValueError("must be later than since")
        return value
