"""Report queries and answers: a period, filters, and figures per group."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from oncall.schemas.base import ResponseModel
from oncall.schemas.incidents import IncidentOut, TimelineOut
from oncall.schemas.period import PeriodQuery
from oncall.schemas.types import MAX_INT, DbInt, Instant

Severity = Literal["critical", "high", "medium", "low", "info"]
Format = Literal["json", "csv"]


class ReportQuery(PeriodQuery):
    """Incidents created in ``[since, until)`` (default: the 30 days before now), optionally filtered."""

    team_id: DbInt | None = None
    severity: Severity | None = None
    source: str | None = Field(default=None, max_length=32)
    format: Format = Field(default="json", description="csv: the same figures as text/csv")


class SummaryQuery(ReportQuery):
    group_by: Literal["team", "severity", "source", "analyst"] = "team"


class TrendQuery(ReportQuery):
    bucket: Literal["day", "week"] = Field(default="day", description="UTC days, or ISO weeks from Monday")


class RecurringQuery(ReportQuery):
    min_count: int = Field(default=2, ge=1, le=MAX_INT)
    limit: int = Field(default=50, ge=1, le=500)


class ExportQuery(ReportQuery):
    limit: int = Field(default=1000, ge=1, le=10_000, description="incidents per answer (oldest first)")
    offset: int = Field(default=0, ge=0, le=MAX_INT)


class Durations(ResponseModel):
    """Seconds; None when nothing in the group got there."""

    median: float | None = None
    p90: float | None = None


class SummaryRow(ResponseModel):
    key: str | None = Field(description="the group's value (team id, severity, source, analyst's user id)")
    label: str
    incidents: int
    acknowledged: int
    resolved: int
    mtta: Durations
    mttr: Durations
    acknowledge_breaches: int = Field(description="acknowledged (or still open) later than the SLA target")
    resolve_breaches: int
    acknowledgements_by_level: dict[str, int]
    acknowledgements_by_path: dict[str, int]
    pages: int = Field(description="pages (trigger notifications) sent in the period for the group's incidents")
    after_hours_pages: int = Field(description="of those, sent outside the team's business hours")


class Summary(ResponseModel):
    since: Instant
    until: Instant
    group_by: str
    total: SummaryRow
    groups: list[SummaryRow]
    pages_by_hour: list[int] = Field(description="24 counts: pages sent by hour of day in each team's timezone")


class AnalystRow(ResponseModel):
    user_id: int
    name: str
    timezone: str
    pages: int
    share_of_pages: float = Field(description="this analyst's fraction of all pages sent to people")
    share_of_sleep_hour_pages: float
    after_hours_pages: int
    sleep_hour_pages: int = Field(description="pages between 22:00 and 07:00 in the analyst's own timezone")
    acknowledged: int = Field(description="incidents of the period this analyst acknowledged")
    mtta: Durations


class AnalystReport(ResponseModel):
    since: Instant
    until: Instant
    analysts: list[AnalystRow]


class RecurringRow(ResponseModel):
    key_type: str = Field(description="rule_name | category | title")
    key: str = Field(description="the rule, the category, or the title with numbers, hex and ids replaced")
    incidents: int
    first_at: Instant
    last_at: Instant
    example_title: str


class TrendPoint(ResponseModel):
    start: str = Field(description="UTC date starting the bucket, YYYY-MM-DD")
    incidents: int
    acknowledged: int
    mtta: Durations


class IncidentExport(IncidentOut):
    details: dict
    timeline: list[TimelineOut]
