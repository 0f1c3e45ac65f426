"""MTTA per UTC day or ISO week."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from oncall.schemas.reports import Durations, TrendPoint, TrendQuery
from oncall.services.reports.percentiles import durations
from oncall.services.reports.scope import scope
from oncall.services.reports.summary import MTTA
from oncall.store.models import Incident
from oncall.store.sql import utc_day, utc_week


def trend(*, session: Session, query: TrendQuery, now: datetime) -> list[TrendPoint]:
    """Buckets that had incidents, in order (a bucket without any is left out)."""
    sc = scope(query, now)
    bucket = (utc_week if query.bucket == "week" else utc_day)(Incident.created_at)
    base = select().select_from(Incident).where(*sc.incidents())
    mtta = durations(session, base, MTTA, (bucket,))
    counts = session.execute(base.with_only_columns(bucket, func.count(), func.count(Incident.acknowledged_at))
                             .group_by(bucket).order_by(bucket))
    return [TrendPoint(start=start, incidents=total, acknowledged=acked, mtta=mtta.get((start,), Durations()))
            for start, total, acked in counts]
