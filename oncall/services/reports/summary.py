"""The summary report: per team, severity, source or analyst — counts, MTTA/MTTR, SLA, paths, pages."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from oncall.schemas.reports import Durations, Summary, SummaryQuery, SummaryRow
from oncall.services.incidents import ACK_PATHS
from oncall.services.reports.pages import count_pages
from oncall.services.reports.percentiles import durations
from oncall.services.reports.scope import DIMENSIONS, Scope, scope
from oncall.store.models import Incident, SlaTarget, Team, TimelineEntry, User
from oncall.store.sql import instant, seconds_between

MTTA = seconds_between(Incident.created_at, Incident.acknowledged_at)
MTTR = seconds_between(Incident.created_at, Incident.resolved_at)
COUNTS = ("incidents", "acknowledged", "resolved", "acknowledge_breaches", "resolve_breaches")


def _late(target, elapsed):
    return func.sum(case((and_(target.is_not(None), elapsed > target), 1), else_=0))


def _counts(session: Session, sc: Scope, keys: tuple) -> dict[tuple, dict]:
    """Incidents, acknowledged, resolved and SLA breaches computed from the timestamps: an incident
    is late when it was acknowledged (or resolved unacknowledged, or is still open) after its target."""
    acked = func.coalesce(Incident.acknowledged_at, Incident.resolved_at, instant(sc.as_of))
    resolved = func.coalesce(Incident.resolved_at, instant(sc.as_of))
    statement = (select(*keys, func.count(), func.count(Incident.acknowledged_at), func.count(Incident.resolved_at),
                        _late(SlaTarget.acknowledge_seconds, seconds_between(Incident.created_at, acked)),
                        _late(SlaTarget.resolve_seconds, seconds_between(Incident.created_at, resolved)))
                 .select_from(Incident)
                 .outerjoin(SlaTarget, and_(SlaTarget.team_id == Incident.team_id,
                                            SlaTarget.severity == Incident.severity))
                 .where(*sc.incidents()).group_by(*keys))
    return {tuple(row[:len(keys)]): dict(zip(COUNTS, (int(v or 0) for v in row[len(keys):])))
            for row in session.execute(statement) if row[len(keys)]}


def _acknowledgements(session: Session, sc: Scope, keys: tuple) -> dict[tuple, dict]:
    """Acknowledgements per escalation level reached and per path (the timeline entry's ``via``)."""
    via = TimelineEntry.data["via"].as_string()
    statement = (select(*keys, Incident.level, via, func.count())
                 .select_from(Incident)
                 .join(TimelineEntry, and_(TimelineEntry.incident_id == Incident.id,
                                           TimelineEntry.kind == "acknowledged"))
                 .where(*sc.incidents()).group_by(*keys, Incident.level, via))
    found: dict[tuple, dict] = defaultdict(lambda: {"by_level": defaultdict(int), "by_path": defaultdict(int)})
    for *key, level, path, count in session.execute(statement):
        found[tuple(key)]["by_level"][str(level)] += count
        found[tuple(key)]["by_path"][path or "unknown"] += count
    return found


def _paths(counted: dict[str, int]) -> dict[str, int]:
    """Every known path (0 when unused) first, then any other recorded."""
    return {**{p: counted.get(p, 0) for p in ACK_PATHS}, **counted}


def _ack_fields(acks: dict) -> dict:
    return {"acknowledgements_by_level": dict(sorted(acks["by_level"].items(), key=lambda i: int(i[0]))),
            "acknowledgements_by_path": _paths(acks["by_path"])}


def figures(session: Session, sc: Scope, keys: tuple) -> dict[tuple, dict]:
    """Everything but the pages, per tuple of ``keys`` values."""
    base = select().select_from(Incident).where(*sc.incidents())
    mtta, mttr = durations(session, base, MTTA, keys), durations(session, base, MTTR, keys)
    acks = _acknowledgements(session, sc, keys)
    return {key: {**counts, "mtta": mtta.get(key, Durations()), "mttr": mttr.get(key, Durations()),
                  **_ack_fields(acks[key])}
            for key, counts in _counts(session, sc, keys).items()}


def _total(session: Session, sc: Scope, groups: list[dict]) -> dict:
    """The groups added up; medians do not add up, so the durations are computed over all."""
    base = select().select_from(Incident).where(*sc.incidents())
    levels, paths = Counter(), Counter()
    for group in groups:
        levels.update(group["acknowledgements_by_level"])
        paths.update(group["acknowledgements_by_path"])
    return {**{name: sum(g[name] for g in groups) for name in COUNTS},
            "mtta": durations(session, base, MTTA).get((), Durations()),
            "mttr": durations(session, base, MTTR).get((), Durations()),
            **_ack_fields({"by_level": levels, "by_path": paths})}


BLANK = {**dict.fromkeys(COUNTS, 0), "mtta": Durations(), "mttr": Durations(),
         **_ack_fields({"by_level": {}, "by_path": {}})}  # a group with pages but no incidents of the period


def _labels(session: Session, group_by: str, values: set) -> dict:
    ids = [v for v in values if v is not None]
    model = {"team": Team, "analyst": User}.get(group_by)
    if model is None or not ids:
        return {v: str(v) for v in ids}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def summary(*, session: Session, query: SummaryQuery, now: datetime) -> Summary:
    sc = scope(query, now)
    paged = count_pages(session, sc, DIMENSIONS[query.group_by])
    groups = {key[0]: values for key, values in figures(session, sc, (DIMENSIONS[query.group_by],)).items()}
    keys = set(groups) | set(paged.pages)
    labels = _labels(session, query.group_by, keys)
    none_label = "not acknowledged" if query.group_by == "analyst" else "(none)"
    rows = [SummaryRow(key=None if key is None else str(key), label=labels.get(key, none_label),
                       pages=paged.pages[key], after_hours_pages=paged.after_hours[key],
                       **groups.get(key, BLANK)) for key in keys]
    total = SummaryRow(key=None, label="all", pages=sum(paged.pages.values()),
                       after_hours_pages=sum(paged.after_hours.values()), **_total(session, sc, [*groups.values()]))
    return Summary(since=sc.since, until=sc.until, group_by=query.group_by, total=total,
                   groups=sorted(rows, key=lambda r: (-r.incidents, -r.pages, r.label)), pages_by_hour=paged.by_hour)
