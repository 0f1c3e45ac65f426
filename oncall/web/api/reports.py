"""``/api/v1/reports/*`` and ``/api/v1/incidents/export``: JSON, or CSV with ``?format=csv``."""
from __future__ import annotations

from flask import Blueprint

from oncall import clock
from oncall.schemas.reports import (AnalystReport, ExportQuery, IncidentExport, RecurringQuery, RecurringRow,
                                    ReportQuery, Summary, SummaryQuery, TrendPoint, TrendQuery)
from oncall.services.reports import csvfile, export
from oncall.services.reports.catalogue import REPORTS, csv_records
from oncall.web.api.auth import require_token
from oncall.web.api.endpoint import endpoint
from oncall.web.csvdownload import csv_download
from oncall.web.dbsession import reader_session

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1")
bp.before_request(require_token)


def _answer(name: str, params: ReportQuery):
    with reader_session() as session:
        answer = REPORTS[name].run(session=session, query=params, now=clock.now())
    if params.format == "csv":
        return csv_download(csvfile.table(csv_records(name, answer)), f"{name}.csv")
    return answer


@endpoint(bp, "/reports/summary", "GET", summary="Counts, MTTA/MTTR, SLA breaches, acknowledgement paths and "
          "pages per team, severity, source or analyst", query=SummaryQuery, response=Summary, csv=True)
def report_summary(params: SummaryQuery):
    return _answer("summary", params)


@endpoint(bp, "/reports/analysts", "GET", summary="Pages per analyst: after hours, in their sleep hours, "
          "acknowledgements", query=ReportQuery, response=AnalystReport, csv=True)
def report_analysts(params: ReportQuery):
    return _answer("analysts", params)


@endpoint(bp, "/reports/recurring", "GET", summary="Recurring incident types (rule, category or title pattern)",
          query=RecurringQuery, response=list[RecurringRow], csv=True)
def report_recurring(params: RecurringQuery):
    return _answer("recurring", params)


@endpoint(bp, "/reports/trend", "GET", summary="MTTA per day or week", query=TrendQuery, response=list[TrendPoint], csv=True)
def report_trend(params: TrendQuery):
    return _answer("trend", params)


@endpoint(bp, "/incidents/export", "GET", summary="Incidents of a period with their timelines (CSV: one row "
          "per timeline entry)", query=ExportQuery, response=list[IncidentExport], csv=True)
def export_incidents(params: ExportQuery):
    if params.format != "csv":
        with reader_session() as session:
            return export.incidents(session=session, query=params, now=clock.now())
    session = reader_session()  # its own: the body streams after the request's session is gone
    try:
        rows = export.timeline_rows(session=session, query=params, now=clock.now())
    except BaseException:
        session.close()
        raise
    return csv_download(csvfile.lines(rows, export.CSV_FIELDS), "incidents.csv", on_close=session.close)
