"""Audit and report pages: ``/audit``, ``/reports`` (+ ``.csv``), ``/incidents/<id>/report``.

Sign-in: ``bp.before_request(auth.guard())`` below the blueprint puts every page here behind it.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from pydantic import BaseModel, ValidationError

from oncall import clock
from oncall.schemas.audit import AuditQuery
from oncall.schemas.reports import RecurringQuery, ReportQuery, SummaryQuery, TrendQuery
from oncall.schemas.types import format_instant
from oncall.services import audit, audit_log
from oncall.services.errors import Invalid
from oncall.services.reports import csvfile
from oncall.services.reports.analysts import analysts
from oncall.services.reports.catalogue import REPORTS, csv_records
from oncall.services.reports.incident import evidence
from oncall.services.reports.recurring import recurring
from oncall.services.reports.summary import summary
from oncall.services.reports.trend import trend
from oncall.web.api.endpoint import validation_details
from oncall.web.csvdownload import csv_download
from oncall.web.dbsession import reader_session
from oncall.web.ui import auth
from oncall.web.ui.svgchart import bar_chart

bp = Blueprint("ui_reports", __name__)
bp.before_request(auth.guard())


def _args(model: type[BaseModel]):
    """The query string as ``model``: other and empty fields (a form's blanks) are left out;
    a bad value is a 400 page naming the field."""
    data = {k: v for k, v in request.args.items() if v.strip() and k in model.model_fields}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = validation_details(exc)
        raise Invalid("invalid filter: " + "; ".join(f"{d['field']}: {d['message']}" for d in details),
                      details) from None


@bp.get("/audit")
def audit_page():
    query = _args(AuditQuery)
    with reader_session() as session:
        return render_template("reports/audit.html", query=query, utc=format_instant,
                               entries=audit_log.search(session=session, query=query),
                               verification=audit.verify(session) if request.args.get("verify") else None)


@bp.get("/reports")
def reports_page():
    now = clock.now()
    with reader_session() as session:
        overview = summary(session=session, query=_args(SummaryQuery), now=now)
        points = trend(session=session, query=_args(TrendQuery), now=now)
        people = analysts(session=session, query=_args(ReportQuery), now=now)
        types = recurring(session=session, query=_args(RecurringQuery), now=now)
    mtta_chart = bar_chart([(p.start, p.mtta.median / 60 if p.mtta.median is not None else None) for p in points],
                           title="Median time to acknowledge", unit="minutes")
    hours_chart = bar_chart([(f"{h:02d}", n) for h, n in enumerate(overview.pages_by_hour)],
                            title="Pages by hour of day (team time)", unit="pages")
    return render_template("reports/reports.html", summary=overview, utc=format_instant, args=request.args,
                           mtta_chart=mtta_chart, hours_chart=hours_chart, analysts=people, recurring=types)


@bp.get("/reports/<name>.csv")
def report_csv(name: str):
    if name not in REPORTS:
        abort(404)
    with reader_session() as session:
        answer = REPORTS[name].run(session=session, query=_args(REPORTS[name].query), now=clock.now())
    return csv_download(csvfile.table(csv_records(name, answer)), f"{name}.csv")


@bp.get("/incidents/<int:incident_id>/report")
def incident_report(incident_id: int):
    with reader_session() as session:
        found = evidence(session=session, incident_id=incident_id)
        return render_template("reports/incident.html", e=found, utc=format_instant, zone=found.team.timezone)
