"""Date arithmetic that SQLite and PostgreSQL spell differently, as portable SQL expressions.

SQLite keeps instants as UTC text (``UTCDateTime``) and has no interval type; PostgreSQL
keeps ``timestamptz``. These constructs compile to each dialect's own spelling, so a query
that uses them is written once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel.sql.sqltypes import UTCDateTime


def instant(value):
    """A Python datetime bound as the columns' own type (UTC text on SQLite), else as is."""
    return literal(value, UTCDateTime()) if isinstance(value, datetime) else value


class _SecondsBetween(FunctionElement):
    type = Float()
    inherit_cache = True
    name = "seconds_between"


def seconds_between(start, end) -> _SecondsBetween:
    """``end - start`` in seconds (a float; on SQLite rounded to the millisecond it keeps)."""
    return _SecondsBetween(instant(start), instant(end))


@compiles(_SecondsBetween, "postgresql")
def _seconds_pg(element, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)"


@compiles(_SecondsBetween, "sqlite")
def _seconds_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # julianday is a double of days: round so that whole seconds compare exactly.
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


class _UtcDay(FunctionElement):
    type = String()
    inherit_cache = True
    name = "utc_day"
    unit = "day"


class _UtcWeek(_UtcDay):
    inherit_cache = True
    name = "utc_week"
    unit = "week"


def utc_day(instant) -> _UtcDay:
    """The UTC date of an instant, as 'YYYY-MM-DD'."""
    return _UtcDay(instant)


def utc_week(instant) -> _UtcWeek:
    """The Monday (UTC) that starts an instant's ISO week, as 'YYYY-MM-DD'."""
    return _UtcWeek(instant)


@compiles(_UtcDay, "postgresql")
@compiles(_UtcWeek, "postgresql")
def _bucket_pg(element, compiler, **kw) -> str:
    instant = compiler.process(next(iter(element.clauses)), **kw)
    return f"to_char(date_trunc('{element.unit}', {instant} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"


@compiles(_UtcDay, "sqlite")
@compiles(_UtcWeek, "sqlite")
def _bucket_sqlite(element, compiler, **kw) -> str:
    instant = compiler.process(next(iter(element.clauses)), **kw)
    if element.unit == "week":
        return f"date({instant}, 'weekday 0', '-6 days')"
    return f"date({instant})"


class _EpochSeconds(FunctionElement):
    type = BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


def epoch_seconds(instant) -> _EpochSeconds:
    """Whole seconds since 1970-01-01 UTC (floored), exact on both databases: local wall-clock
    parts are then integer arithmetic on ``epoch_seconds + offset``."""
    return _EpochSeconds(instant)


@compiles(_EpochSeconds, "postgresql")
def _epoch_pg(element, compiler, **kw) -> str:
    return f"CAST(floor(EXTRACT(EPOCH FROM {compiler.process(next(iter(element.clauses)), **kw)})) AS BIGINT)"


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    # Cut the stored text ('YYYY-MM-DD HH:MM:SS.ffffff') to whole seconds first: SQLite would
    # round the fraction to milliseconds, putting 08:59:59.9999 at 09:00.
    return f"CAST(strftime('%s', substr({compiler.process(next(iter(element.clauses)), **kw)}, 1, 19)) AS INTEGER)"
