"""Overrides: "this person covers from A to B", over every layer (DESIGN §3).

Of overlapping overrides the one with the highest id, the newest, wins.
"""
import heapq
from dataclasses import dataclass
from datetime import datetime

from oncall.schedule.timeline import Steps, add_step
from oncall.schedule.wall import as_utc


@dataclass(frozen=True)
class Override:
    """``user_id`` covers [start, end); instants are aware and kept in UTC."""

    id: int
    user_id: int
    start: datetime
    end: datetime

    def __post_init__(self):
        object.__setattr__(self, "start", as_utc(self.start, "override start"))
        object.__setattr__(self, "end", as_utc(self.end, "override end"))
        if self.end <= self.start:
            raise ValueError("an override must end after it starts")


def override_at(overrides: tuple[Override, ...], at: datetime) -> Override | None:
    """The override in force at UTC instant ``at``, if any."""
    return max((o for o in overrides if o.start <= at < o.end), key=lambda o: o.id, default=None)


def override_steps(overrides: tuple[Override, ...], start: datetime, end: datetime) -> Steps:
    """The winning override's user across [start, end) as steps (None: no override in force):
    one sweep over the overrides' edges, the active ones in a heap with the newest on top."""
    relevant = sorted((o for o in overrides if o.start < end and o.end > start), key=lambda o: o.start)
    times = sorted({start} | {o.start for o in relevant if o.start > start} | {o.end for o in relevant if o.end < end})
    steps: Steps = []
    active: list[tuple[int, datetime, int]] = []  # (-id, end, user); ended ones leave when on top
    i = 0
    for at in times:
        while i < len(relevant) and relevant[i].start <= at:
            heapq.heappush(active, (-relevant[i].id, relevant[i].end, relevant[i].user_id))
            i += 1
        while active and active[0][1] <= at:
            heapq.heappop(active)
        add_step(steps, at, active[0][2] if active else None)
    return steps
