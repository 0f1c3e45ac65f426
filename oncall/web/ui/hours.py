"""``/teams/<id>/hours``: a team's business hours (weekly windows) and holidays."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, request, url_for

from oncall import clock
from oncall.schemas.rotations import BusinessHoursIn
from oncall.services import business_hours, teams
from oncall.services.errors import NotFound
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, forms
from oncall.web.ui.auth import login_required

bp = Blueprint("ui_hours", __name__)
WINDOW_ROWS = 5
WEEKDAYS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}


def _stored(team) -> dict:
    try:
        found = business_hours.get(session=get_session(), team_id=team.id)
    except NotFound:
        return {"timezone": team.timezone, "windows": [], "holidays": "", "holiday_country": "",
                "holiday_subdivision": "", "set": False}
    return {"timezone": found.timezone, "windows": [w.model_dump() for w in found.windows],
            "holidays": "\n".join(found.holidays), "holiday_country": found.holiday_country or "",
            "holiday_subdivision": found.holiday_subdivision or "", "set": True}


def _page(team, values: dict, errors=None):
    check = business_hours.check(session=get_session(), team_id=team.id, at=clock.now())
    return forms.page("ui/hours.html", errors, team=team, values=values, check=check, rows=WINDOW_ROWS,
                      editable=auth.can_manage(team.id), suggestion=WEEKDAYS)


@bp.get("/teams/<int:team_id>/hours")
@login_required
def show(team_id: int):
    team = teams.get(session=get_session(), team_id=team_id)
    return _page(team, _stored(team))


@bp.post("/teams/<int:team_id>/hours")
@login_required(role="manager")
def save(team_id: int):
    team = teams.get(session=get_session(), team_id=team_id)
    auth.require_manager(team.id)
    form = request.form
    values = {"timezone": form.get("timezone", "").strip(), "holidays": form.get("holidays", ""),
              "holiday_country": form.get("holiday_country", "").strip(),
              "holiday_subdivision": form.get("holiday_subdivision", "").strip(),
              "windows": forms.rows(form, "windows", WINDOW_ROWS, forms.window_row, forms.window_used), "set": True}
    try:
        data = forms.validate(BusinessHoursIn, {
            "timezone": values["timezone"], "windows": values["windows"],
            "holidays": [d for d in re.split(r"[\s,]+", values["holidays"]) if d],
            "holiday_country": forms.blank_none(values["holiday_country"]),
            "holiday_subdivision": forms.blank_none(values["holiday_subdivision"])})
        business_hours.put(session=get_session(), team_id=team.id, data=data, actor=auth.actor(), now=clock.now())
    except forms.FORM_ERRORS as exc:
        get_session().rollback()
        return _page(team, values, forms.FormErrors.of(exc))
    flash(f"Business hours of {team.name} saved.")
    return redirect(url_for(".show", team_id=team.id))
