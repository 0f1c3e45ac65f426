"""Pages sent in a period, counted by group: after hours, in the recipient's sleep hours, by hour.

Business hours (weekly windows, holidays) and each recipient's timezone are Python
questions, so this streams the few columns it needs and counts on the way; nothing is kept
per page.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from oncall.schedule.hours import is_business_hours
from oncall.services import coverage
from oncall.services.reports.scope import Scope
from oncall.store.models import Incident, Notification, Team, User

SLEEP_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5, 6})  # 22:00 to 07:00, local
STREAM_BATCH = 10_000


@dataclass
class PageCounts:
    pages: Counter = field(default_factory=Counter)
    after_hours: Counter = field(default_factory=Counter)  # outside the team's business hours
    sleep_hours: Counter = field(default_factory=Counter)  # in the recipient's SLEEP_HOURS
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)  # hour of day in the team's timezone


def pages_statement(scope: Scope, *columns):
    """Pages (trigger notifications) sent in the period for incidents passing the filters."""
    return (select(*columns).select_from(Notification).join(Incident, Incident.id == Notification.incident_id)
            .where(Notification.kind == "trigger", Notification.sent_at >= scope.since,
                   Notification.sent_at < scope.until, *scope.filters()))


def count_pages(session: Session, scope: Scope, key) -> PageCounts:
    """Pages per value of ``key`` (a column of the incident or the notification).

    A team without business hours has none, so all its pages count as after hours (the
    engine pages such a team at any time, too).
    """
    statement = (pages_statement(scope, key, Incident.team_id, Team.timezone, User.timezone, Notification.sent_at)
                 .join(Team, Team.id == Incident.team_id).outerjoin(User, User.id == Notification.user_id))
    hours: dict[int, object] = {}
    counts = PageCounts()
    for value, team_id, team_tz, user_tz, sent_at in session.execute(statement.execution_options(
            yield_per=STREAM_BATCH)):
        if team_id not in hours:
            hours[team_id] = coverage.business_hours(session, team_id, scope.since)
        counts.pages[value] += 1
        if hours[team_id] is None or not is_business_hours(hours[team_id], sent_at):
            counts.after_hours[value] += 1
        if user_tz is not None and sent_at.astimezone(ZoneInfo(user_tz)).hour in SLEEP_HOURS:
            counts.sleep_hours[value] += 1
        counts.by_hour[sent_at.astimezone(ZoneInfo(team_tz)).hour] += 1
    return counts
