"""The escalation simulator: what would happen to a ticket arriving at a given instant.

It asks the same pure core (``schedule.escalation.plan``) with the same recipients and
business-hours answers the engine uses, so the preview and reality cannot differ.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule.escalation import plan
from oncall.services import coverage, policies
from oncall.store.models import User


@dataclass(frozen=True)
class SimulatedPage:
    at: datetime
    level: int
    loop: int
    user_id: int
    user_name: str
    channel: str
    fallbacks: tuple[str, ...]


@dataclass(frozen=True)
class SimulatedStep:
    at: datetime
    kind: str
    message: str
    level: int | None


@dataclass(frozen=True)
class Simulation:
    start: datetime
    business_hours: bool
    outcome: str  # running (still paging at max steps) | exhausted | suppressed
    pages: list[SimulatedPage]
    steps: list[SimulatedStep]


def simulate(*, session: Session, policy_id: int, at: datetime) -> Simulation:
    """Nobody acknowledges: every level, who it pages, on which channel, and when."""
    policy = policies.get(session=session, policy_id=policy_id)
    snapshot = policies.snapshot(session=session, policy_id=policy_id)
    spec = policies.spec_from_snapshot(snapshot)
    in_hours = coverage.in_business_hours(session, policy.team_id, at)
    timeline = plan(spec, lambda level, when: coverage.recipients(session, level.targets, when), at,
                    in_business_hours=in_hours and not spec.page_during_business_hours)
    user_ids = {page.user_id for _, decision in timeline for page in decision.pages}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    pages, steps = [], []
    for when, decision in timeline:
        steps += [SimulatedStep(when, s.kind, s.message, s.level) for s in decision.steps]
        for page in decision.pages:
            channels = spec.levels[page.level - 1].channels
            pages.append(SimulatedPage(when, page.level, page.loop, page.user_id, names.get(page.user_id, "?"),
                                       page.channel, tuple(channels[1:])))
    outcome = timeline[-1][1].outcome if timeline else "exhausted"
    return Simulation(at, in_hours, outcome, pages, steps)
