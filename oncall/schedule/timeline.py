"""Step lists: piecewise-constant values over a half-open range of instants.

A step list ``[(t0, v0), (t1, v1), ...]`` means v0 from t0 until t1, v1 from t1 until the
next step, the last value until the range's end. Times strictly increase and neighbouring
values differ; :func:`add_step` keeps it so. Layers, restrictions and overrides each become
one, and :func:`merge` lines them up, so building the shifts of a window costs its number
of steps, never the age of the rotation.
"""
import heapq
from datetime import datetime
from typing import Any

Steps = list[tuple[datetime, Any]]


def add_step(steps: Steps, at: datetime, value: Any) -> None:
    """Append ``value`` from ``at`` on (a step at the same time is replaced)."""
    if steps and steps[-1][0] == at:
        steps.pop()
    if not steps or steps[-1][1] != value:
        steps.append((at, value))


def merge(*tracks: Steps) -> list[tuple[datetime, tuple]]:
    """The tracks side by side: at each time any of them steps, every track's value then.

    All tracks must start at the same instant.
    """
    current: list[Any] = [None] * len(tracks)
    merged: list[tuple[datetime, tuple]] = []
    for at, i, value in heapq.merge(*([(t, i, v) for t, v in track] for i, track in enumerate(tracks))):
        current[i] = value
        if merged and merged[-1][0] == at:
            merged.pop()
        merged.append((at, tuple(current)))
    return merged
