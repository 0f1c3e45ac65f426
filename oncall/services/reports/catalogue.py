"""The reports by name: query model, computation, and the rows that make its CSV table.

The API and the UI both serve every report as JSON/HTML and CSV; this is the one list.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel

from oncall.schemas.reports import RecurringQuery, ReportQuery, SummaryQuery, TrendQuery
from oncall.services.reports.analysts import analysts
from oncall.services.reports.recurring import recurring
from oncall.services.reports.summary import summary
from oncall.services.reports.trend import trend


@dataclass(frozen=True)
class Report:
    query: type[ReportQuery]
    run: Callable[..., Any]  # (*, session, query, now) -> the answer
    rows: Callable[[Any], list[BaseModel]]  # the answer's rows, for CSV


REPORTS = {
    "summary": Report(SummaryQuery, summary, lambda answer: [answer.total, *answer.groups]),
    "analysts": Report(ReportQuery, analysts, lambda answer: answer.analysts),
    "recurring": Report(RecurringQuery, recurring, list),
    "trend": Report(TrendQuery, trend, list),
}


def csv_records(name: str, answer: Any) -> list[dict]:
    return [row.model_dump(mode="json") for row in REPORTS[name].rows(answer)]
