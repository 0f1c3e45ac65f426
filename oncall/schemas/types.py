"""Validated field types: e-mail, E.164 phone, IANA timezone, aware instants."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or len(value) > 320:
        raise ValueError("not a valid e-mail address")
    return value.lower()


def _phone(value: str) -> str:
    compact = re.sub(r"[\s\-().]", "", value)
    if not _E164.match(compact):
        raise ValueError("not an E.164 phone number (like +14155550100)")
    return compact


def check_timezone(value: str) -> str:
    """An IANA timezone name that this machine's tz database knows."""
    if not isinstance(value, str) or not value or value not in _zone_names():
        raise ValueError(f"unknown IANA timezone {value!r}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {value!r}") from exc
    return value


_ZONES: set[str] | None = None


def _zone_names() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    return _ZONES


def parse_instant(value: object) -> datetime:
    """An ISO 8601 instant that carries an offset; returned in UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 instant: {value!r}") from exc
    else:
        raise ValueError("must be an ISO 8601 string with an offset")
    if parsed.tzinfo is None:
        raise ValueError("needs a UTC offset (e.g. 2026-01-05T09:00:00Z)")
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before the first representable instant
        raise ValueError(f"out of the supported range of instants: {value!r}") from None


# An integer the database's INTEGER column holds (PostgreSQL ``integer``: 32 bits). Ids and
# offsets in requests use it: a bigger number is a 400 naming the field, not a driver overflow.
MAX_INT = 2**31 - 1
DbInt = Annotated[int, Field(ge=-(2**31), le=MAX_INT)]


def format_instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


Email = Annotated[str, AfterValidator(_email)]
Phone = Annotated[str, AfterValidator(_phone)]
TimeZoneName = Annotated[str, AfterValidator(check_timezone)]
Instant = Annotated[
    datetime,
    BeforeValidator(parse_instant),
    PlainSerializer(format_instant, return_type=str),
]
