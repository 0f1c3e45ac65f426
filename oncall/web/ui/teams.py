"""``/teams``: every team with its members and managers (for everyone); create and edit
teams (admins)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from oncall.schemas.people import TeamCreate, TeamUpdate
from oncall.services import teams
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, directory, forms
from oncall.web.ui.auth import login_required

bp = Blueprint("ui_teams", __name__, url_prefix="/teams")


def _read() -> dict:
    return {"name": request.form.get("name", "").strip(), "timezone": request.form.get("timezone", "").strip(),
            "members": request.form.getlist("members"), "managers": request.form.getlist("managers")}


def _form_page(errors=None, **context):
    return forms.page("ui/people/team_form.html", errors, people=directory.people(), **context)


@bp.get("")
@login_required
def index():
    session = get_session()
    found = [teams.to_out(session=session, team=team) for team in directory.teams()]
    return forms.page("ui/people/teams.html", teams=found, names=directory.user_names())


@bp.route("/new", methods=["GET", "POST"])
@login_required(role="admin")
def new():
    if request.method == "GET":
        return _form_page(values={"name": "", "timezone": "UTC", "members": [], "managers": []})
    values = _read()
    try:
        team = teams.create(session=get_session(), data=forms.validate(TeamCreate, values), actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        return _form_page(forms.FormErrors.of(exc), values=values)
    flash(f"Team {team.name} created. Next: its business hours and a rotation.")
    return redirect(url_for(".index"))


@bp.route("/<int:team_id>", methods=["GET", "POST"])
@login_required(role="admin")
def edit(team_id: int):
    session = get_session()
    team = teams.get(session=session, team_id=team_id)
    if request.method == "GET":
        out = teams.to_out(session=session, team=team)
        return _form_page(team=team, values={"name": out.name, "timezone": out.timezone,
                                             "members": [str(m) for m in out.members],
                                             "managers": [str(m) for m in out.managers]})
    values = _read()
    try:
        teams.update(session=session, team_id=team.id, data=forms.validate(TeamUpdate, values), actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        session.rollback()
        return _form_page(forms.FormErrors.of(exc), team=team, values=values)
    flash(f"Team {values['name']} saved.")
    return redirect(url_for(".index"))
