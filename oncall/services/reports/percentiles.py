"""Median and p90 of a duration per group — one function, picking the method by dialect.

PostgreSQL computes them itself (``percentile_cont``). SQLite has no percentile function,
so there the groups are counted in SQL and the one needed column is streamed in sorted
order, keeping only the two values around each percentile: memory stays constant however
many incidents the period holds. Both interpolate linearly (``percentile_cont``'s rule).
"""
from __future__ import annotations

import itertools
import math

from sqlalchemy import Select, func
from sqlmodel import Session

from oncall.schemas.reports import Durations

PERCENTILES = (0.5, 0.9)
STREAM_BATCH = 10_000


def durations(session: Session, query: Select, value, keys: tuple = ()) -> dict[tuple, Durations]:
    """``Durations`` of ``value`` (seconds) over the rows of ``query`` (its FROM and WHERE), per
    tuple of ``keys`` values; rows where ``value`` is NULL do not count."""
    query = query.where(value.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        statement = query.with_only_columns(*keys, *(func.percentile_cont(p).within_group(value) for p in PERCENTILES))
        rows = session.execute(statement.group_by(*keys) if keys else statement)
        return {tuple(row[:len(keys)]): _durations(row[len(keys):]) for row in rows if row[-1] is not None}
    counted = query.with_only_columns(*keys, func.count())
    counts = {tuple(row[:-1]): row[-1] for row in session.execute(counted.group_by(*keys) if keys else counted)}
    stream = session.execute(query.with_only_columns(*keys, value).order_by(*keys, value)
                             .execution_options(yield_per=STREAM_BATCH))
    result = {}
    for group, rows in itertools.groupby(stream, key=lambda row: tuple(row[:-1])):
        result[group] = _durations(_streamed_percentiles((row[-1] for row in rows), counts[group]))
    return result


def _streamed_percentiles(values, n: int) -> list[float]:
    """The PERCENTILES of ``n`` values arriving in ascending order."""
    positions = [p * (n - 1) for p in PERCENTILES]
    needed = {i for pos in positions for i in (math.floor(pos), math.ceil(pos))}
    seen = {}
    for index, value in enumerate(values):
        if index in needed:
            seen[index] = value
        if index >= max(needed):
            break
    return [seen[math.floor(pos)] + (pos - math.floor(pos)) * (seen[math.ceil(pos)] - seen[math.floor(pos)])
            for pos in positions]


def _durations(values) -> Durations:
    median, p90 = (None if v is None else round(float(v), 3) for v in values)
    return Durations(median=median, p90=p90)
