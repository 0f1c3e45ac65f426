"""What a report covers: a bounded period and the incident filters, as SQL conditions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from oncall.schemas.reports import ReportQuery
from oncall.services.errors import Invalid
from oncall.store.models import Incident

DEFAULT_PERIOD = timedelta(days=30)
LONGEST_PERIOD = timedelta(days=731)

# The columns a report can group incidents by; "analyst" is who acknowledged.
DIMENSIONS = {
    "team": Incident.team_id,
    "severity": Incident.severity,
    "source": Incident.source,
    "analyst": Incident.acknowledged_by,
}


@dataclass(frozen=True)
class Scope:
    since: datetime
    until: datetime
    as_of: datetime  # "now": an incident still open counts as late once this is past its target
    team_id: int | None = None
    severity: str | None = None
    source: str | None = None

    def filters(self) -> list:
        """Conditions on ``Incident`` other than the period."""
        conditions = []
        for name in ("team_id", "severity", "source"):
            value = getattr(self, name)
            if value is not None:
                conditions.append(getattr(Incident, name) == value)
        return conditions

    def incidents(self) -> list:
        """Incidents created in the period that pass the filters."""
        return [Incident.created_at >= self.since, Incident.created_at < self.until, *self.filters()]


def scope(query: ReportQuery, now: datetime) -> Scope:
    """The query's period with its defaults filled in (until: now; since: 30 days earlier)."""
    until = query.until or now
    since = query.since or until - DEFAULT_PERIOD
    if since >= until:
        raise Invalid.field("since", "must be earlier than until (which defaults to now)")
    if until - since > LONGEST_PERIOD:
        raise Invalid.field("since", f"the period may span at most {LONGEST_PERIOD.days} days")
    return Scope(since, until, now, query.team_id, query.severity, query.source)
