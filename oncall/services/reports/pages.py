"""Pages sent in a period, counted by group: all, after hours, in the recipient's sleep hours, by hour.

One GROUP BY query over the period's pages (the ``(kind, sent_at)`` index) answers it all;
each team's business hours and each zone's offsets enter them as SQL (``localtime``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlmodel import Session

from oncall.services import coverage
from oncall.services.reports.localtime import in_business_hours, local_hour, offset_of
from oncall.services.reports.scope import Scope
from oncall.store.models import BusinessHours, Incident, Notification, Team, User

SLEEP_HOURS = (22, 23, 0, 1, 2, 3, 4, 5, 6)  # 22:00 to 07:00, local


@dataclass
class PageCounts:
    pages: Counter
    after_hours: Counter  # outside the team's business hours
    sleep_hours: Counter  # in the recipient's SLEEP_HOURS
    by_hour: list[int]  # 24 counts: hour of day in the team's timezone


def pages_statement(scope: Scope):
    """Pages (trigger notifications) sent in the period, for incidents passing the filters."""
    return (select().select_from(Notification).join(Incident, Incident.id == Notification.incident_id)
            .join(Team, Team.id == Incident.team_id).outerjoin(User, User.id == Notification.user_id)
            .where(Notification.kind == "trigger", Notification.sent_at >= scope.since,
                   Notification.sent_at < scope.until, *scope.filters()))


def _after_hours(session: Session, scope: Scope):
    """SQL: 1 for a page outside its team's business hours. A team without business hours has
    none, so all its pages count (the engine pages such a team at any time, too)."""
    teams = select(BusinessHours.team_id)
    if scope.team_id is not None:
        teams = teams.where(BusinessHours.team_id == scope.team_id)
    inside = [(Incident.team_id == team_id,
               in_business_hours(coverage.business_hours(session, team_id, scope.since), Notification.sent_at,
                                 scope.since, scope.until))
              for team_id in session.execute(teams).scalars()]
    return case((case(*inside, else_=False), 0), else_=1) if inside else 1


def count_pages(session: Session, scope: Scope, key) -> PageCounts:
    """Pages per value of ``key`` (a column of the incident or the notification); a page to
    nobody (a service) has no sleep hours."""
    zones = list(session.execute(select(User.timezone).union(select(Team.timezone))).scalars())
    user_hour = local_hour(Notification.sent_at, offset_of(User.timezone, zones, Notification.sent_at,
                                                           scope.since, scope.until))
    team_hour = local_hour(Notification.sent_at, offset_of(Team.timezone, zones, Notification.sent_at,
                                                           scope.since, scope.until))
    asleep = case((User.id.is_not(None) & user_hour.in_(SLEEP_HOURS), 1), else_=0)
    statement = (pages_statement(scope)
                 .with_only_columns(key, team_hour, func.count(), func.sum(_after_hours(session, scope)),
                                    func.sum(asleep))
                 .group_by(key, team_hour))
    counts = PageCounts(Counter(), Counter(), Counter(), [0] * 24)
    for value, hour, pages, after_hours, sleep in session.execute(statement):
        counts.pages[value] += pages
        counts.after_hours[value] += after_hours
        counts.sleep_hours[value] += sleep
        counts.by_hour[hour] += pages
    return counts
