"""Per analyst: pages received, after hours and in their own sleep hours — the fairness of the rotation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oncall.schemas.reports import AnalystReport, AnalystRow, Durations, ReportQuery
from oncall.services.reports.pages import count_pages
from oncall.services.reports.scope import DIMENSIONS, scope
from oncall.services.reports.summary import figures
from oncall.store.models import Notification, User


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def analysts(*, session: Session, query: ReportQuery, now: datetime) -> AnalystReport:
    sc = scope(query, now)
    paged = count_pages(session, sc, Notification.user_id)
    acked = {key[0]: values for key, values in figures(session, sc, (DIMENSIONS["analyst"],)).items()}
    ids = {k for k in (*paged.pages, *acked) if k is not None}
    people = session.execute(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)).scalars() if ids else []
    pages = sum(n for k, n in paged.pages.items() if k is not None)
    sleep = sum(n for k, n in paged.sleep_hours.items() if k is not None)
    rows = [AnalystRow(user_id=user.id, name=user.name, timezone=user.timezone, pages=paged.pages[user.id],
                       share_of_pages=_share(paged.pages[user.id], pages),
                       share_of_sleep_hour_pages=_share(paged.sleep_hours[user.id], sleep),
                       after_hours_pages=paged.after_hours[user.id], sleep_hour_pages=paged.sleep_hours[user.id],
                       acknowledged=acked.get(user.id, {}).get("acknowledged", 0),
                       mtta=acked.get(user.id, {}).get("mtta", Durations()))
            for user in people]
    return AnalystReport(since=sc.since, until=sc.until,
                         analysts=sorted(rows, key=lambda r: (-r.pages, -r.acknowledged, r.name)))
