"""Median and p90 of a duration per group — one function, picking the method by dialect.

PostgreSQL computes them itself (``percentile_cont``). SQLite has no percentile function,
so there a window query numbers each group's values in order and returns only the rows at
the positions the percentiles fall between (at most four per group); the interpolation is
done here. Both follow ``percentile_cont``: position p·(n−1), linear between neighbours.
"""
from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import Integer, Select, cast, func, or_, select
from sqlmodel import Session

from oncall.schemas.reports import Durations

PERCENTILES = (0.5, 0.9)


def durations(session: Session, query: Select, value, keys: tuple = ()) -> dict[tuple, Durations]:
    """``Durations`` of ``value`` (seconds) over the rows of ``query`` (its FROM and WHERE), per
    tuple of ``keys`` values; rows where ``value`` is NULL do not count."""
    query = query.where(value.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        statement = query.with_only_columns(*keys, *(func.percentile_cont(p).within_group(value) for p in PERCENTILES))
        rows = session.execute(statement.group_by(*keys) if keys else statement)
        return {tuple(row[:len(keys)]): _durations(row[len(keys):]) for row in rows if row[-1] is not None}
    return _ranked(session, query, value, keys)


def _ranked(session: Session, query: Select, value, keys: tuple) -> dict[tuple, Durations]:
    partition = list(keys) or None
    numbered = query.with_only_columns(
        *(k.label(f"k{i}") for i, k in enumerate(keys)), value.label("v"),
        (func.row_number().over(partition_by=partition, order_by=value) - 1).label("rn"),
        func.count().over(partition_by=partition).label("n")).subquery()
    lows = [cast(p * (numbered.c.n - 1), Integer) for p in PERCENTILES]  # floor: the values are >= 0
    statement = select(numbered).where(or_(*(numbered.c.rn == low + step for low in lows for step in (0, 1))))
    found: dict[tuple, dict[int, float]] = defaultdict(dict)
    counts: dict[tuple, int] = {}
    for *key, v, rn, n in session.execute(statement):
        found[tuple(key)][rn] = v
        counts[tuple(key)] = n
    return {key: _durations([_interpolate(at, counts[key], p) for p in PERCENTILES]) for key, at in found.items()}


def _interpolate(at: dict[int, float], n: int, p: float) -> float:
    position = p * (n - 1)
    low = math.floor(position)
    if low + 1 >= n or position == low:
        return at[low]
    return at[low] + (position - low) * (at[low + 1] - at[low])


def _durations(values) -> Durations:
    median, p90 = (None if v is None else round(float(v), 3) for v in values)
    return Durations(median=median, p90=p90)
