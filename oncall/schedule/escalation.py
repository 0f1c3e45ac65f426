"""Escalation decisions: a pure function of (state, policy snapshot, who is on call, now).

The engine gathers the incident's state and the recipients of each level, calls
:func:`decide` when the incident's deadline is due, and applies the result: new state,
outbox rows for the pages, timeline entries for the steps. Nothing here reads a clock,
a database or Flask, so the simulator and the engine cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Sequence


@dataclass(frozen=True)
class Target:
    type: str  # rotation | user | team
    id: int


@dataclass(frozen=True)
class LevelSpec:
    ack_timeout_seconds: int
    channels: tuple[str, ...]
    targets: tuple[Target, ...]
    routing_key: str | None = None


@dataclass(frozen=True)
class PolicySpec:
    levels: tuple[LevelSpec, ...]
    repeat: int = 0
    page_during_business_hours: bool = False


@dataclass(frozen=True)
class State:
    level: int = 0  # 1-based level last fired; 0 = nothing fired yet
    loop: int = 0  # 0 = first run through the levels


@dataclass(frozen=True)
class Page:
    """One person to notify on a level's first channel (later channels are fall-backs)."""

    level: int
    loop: int
    user_id: int
    channel: str


@dataclass(frozen=True)
class Step:
    """A timeline entry the engine writes: ``kind`` is a stable word, ``message`` for people."""

    kind: str
    message: str
    level: int | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    state: State
    outcome: str  # running | exhausted | suppressed
    next_deadline: datetime | None
    pages: tuple[Page, ...] = ()
    steps: tuple[Step, ...] = ()


Recipients = Callable[[LevelSpec], Sequence[int]]


def decide(policy: PolicySpec, state: State, recipients: Recipients, now: datetime, *,
           in_business_hours: bool = False) -> Decision:
    """What happens when an incident's deadline comes (or when it is new).

    A new incident (level 0) during business hours with ``page_during_business_hours``
    off is suppressed. Otherwise the next level fires; a level whose targets resolve to
    nobody is skipped at once (and said so); after the last level the list runs again
    ``repeat`` times; then the escalation is exhausted.
    """
    if state.level == 0 and in_business_hours and not policy.page_during_business_hours:
        return Decision(state, "suppressed", None, steps=(
            Step("business_hours", "Inside business hours: the incident is open but nobody is paged"),))
    steps: list[Step] = []
    level, loop = state.level, state.loop
    for _ in range(len(policy.levels) * (policy.repeat + 1)):
        level, loop = _next_position(policy, level, loop)
        if level == 0:
            break
        spec = policy.levels[level - 1]
        users = list(dict.fromkeys(recipients(spec)))
        if not users:
            steps.append(Step("level_skipped", f"Level {level} has nobody on call: SKIPPED", level,
                              {"loop": loop}))
            continue
        channel = spec.channels[0]
        steps.append(Step("level_started", f"Level {level} started" + (f" (repeat {loop})" if loop else ""),
                          level, {"loop": loop, "users": users, "channel": channel}))
        pages = tuple(Page(level, loop, user_id, channel) for user_id in users)
        deadline = now + timedelta(seconds=spec.ack_timeout_seconds)
        return Decision(State(level, loop), "running", deadline, pages, tuple(steps))
    steps.append(Step("exhausted", "All escalation levels exhausted: nobody acknowledged", None,
                      {"levels": len(policy.levels), "repeat": policy.repeat}))
    return Decision(State(state.level, state.loop), "exhausted", None, steps=tuple(steps))


def _next_position(policy: PolicySpec, level: int, loop: int) -> tuple[int, int]:
    """The level after ``level``; ``(0, loop)`` when the levels and repeats are used up."""
    if level < len(policy.levels):
        return level + 1, loop
    if loop < policy.repeat and policy.levels:
        return 1, loop + 1
    return 0, loop


def next_channel(spec: LevelSpec, failed_channel: str) -> str | None:
    """The channel to fall through to after ``failed_channel`` failed for good."""
    channels = list(spec.channels)
    if failed_channel not in channels:
        return None
    index = channels.index(failed_channel) + 1
    return channels[index] if index < len(channels) else None


def plan(policy: PolicySpec, recipients_at: Callable[[LevelSpec, datetime], Sequence[int]], start: datetime, *,
         in_business_hours: bool = False, max_steps: int = 100) -> list[tuple[datetime, Decision]]:
    """The whole escalation if nobody acknowledges: the simulator's answer, step by step."""
    timeline: list[tuple[datetime, Decision]] = []
    state, at = State(), start
    for _ in range(max_steps):
        decision = decide(policy, state, lambda spec: recipients_at(spec, at), at,
                          in_business_hours=in_business_hours and state.level == 0)
        timeline.append((at, decision))
        if decision.outcome != "running":
            break
        state, at = decision.state, decision.next_deadline
    return timeline
