"""Incidents of a period with their timelines: a JSON page, or CSV rows (one per timeline entry)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Iterator

from sqlalchemy import select
from sqlmodel import Session

from oncall.schemas.incidents import IncidentOut, TimelineOut
from oncall.schemas.reports import ExportQuery, IncidentExport
from oncall.schemas.types import format_instant
from oncall.services.reports.scope import scope
from oncall.store.models import Incident, TimelineEntry

INCIDENT_COLUMNS = ("id", "team_id", "source", "external_id", "dedup_key", "title", "severity", "status",
                    "created_at", "acknowledged_at", "acknowledged_by", "resolved_at", "level")
ENTRY_COLUMNS = ("id", "at", "kind", "actor", "message", "data")
CSV_FIELDS = (*(f"incident_{c}" if c == "id" else c for c in INCIDENT_COLUMNS), *(f"entry_{c}" for c in ENTRY_COLUMNS))
STREAM_BATCH = 5_000


def _page(query: ExportQuery, now: datetime):
    """The ids of the requested page of incidents, oldest first, as a subquery."""
    return (select(Incident.id).where(*scope(query, now).incidents())
            .order_by(Incident.created_at, Incident.id).limit(query.limit).offset(query.offset).subquery())


def incidents(*, session: Session, query: ExportQuery, now: datetime) -> list[IncidentExport]:
    page = _page(query, now)
    found = list(session.execute(select(Incident).join(page, page.c.id == Incident.id)
                                 .order_by(Incident.created_at, Incident.id)).scalars())
    entries = defaultdict(list)
    for entry in session.execute(select(TimelineEntry).join(page, page.c.id == TimelineEntry.incident_id)
                                 .order_by(TimelineEntry.incident_id, TimelineEntry.id)).scalars():
        entries[entry.incident_id].append(TimelineOut.model_validate(entry))
    return [IncidentExport(**IncidentOut.model_validate(i).model_dump(), details=i.details, timeline=entries[i.id])
            for i in found]


def _text(value) -> object:
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return value


def timeline_rows(*, session: Session, query: ExportQuery, now: datetime) -> Iterator[dict]:
    """One row per timeline entry (an incident without any still gets one), streamed.

    The query runs (and a bad period fails) now; only the rows are read lazily."""
    page = _page(query, now)
    statement = (select(*(getattr(Incident, c) for c in INCIDENT_COLUMNS),
                        *(getattr(TimelineEntry, c) for c in ENTRY_COLUMNS))
                 .join(page, page.c.id == Incident.id)
                 .outerjoin(TimelineEntry, TimelineEntry.incident_id == Incident.id)
                 .order_by(Incident.created_at, Incident.id, TimelineEntry.id))
    rows = session.execute(statement.execution_options(yield_per=STREAM_BATCH))
    return (dict(zip(CSV_FIELDS, (_text(v) for v in row))) for row in rows)
