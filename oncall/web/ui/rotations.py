"""``/rotations``: the list, the timeline of the final schedule, create, effective-dated
edits, and overrides."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, request, url_for

from oncall import clock
from oncall.schemas.rotations import OverrideCreate, RotationCreate, RotationUpdate
from oncall.services import rotations
from oncall.services.errors import Invalid
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, chart, directory, forms, layer_form
from oncall.web.ui.auth import login_required
from oncall.web.ui.outlook import outlook

bp = Blueprint("ui_rotations", __name__, url_prefix="/rotations")
NEW_LAYERS = 2
MAX_WEEKS = 8


def _rotation(rotation_id: int):
    return rotations.get(session=get_session(), rotation_id=rotation_id)


@bp.get("")
@login_required
def index():
    now = clock.now()
    found = rotations.list_(session=get_session())
    return forms.page("ui/rotations/list.html", rotations=[(r, outlook(r.id, now)) for r in found],
                      team_names=directory.team_names(), names=directory.user_names(),
                      teams=directory.team_choices(auth.managed_team_ids()))


def _chart_window(tz: str) -> tuple[date, int]:
    try:
        weeks = min(max(int(request.args.get("weeks", 3)), 1), MAX_WEEKS)
        first = date.fromisoformat(request.args["from"]) if request.args.get("from") else None
    except ValueError:
        raise Invalid.field("from", "a date like 2026-12-01, and weeks from 1 to 8") from None
    return first or chart.local_day(clock.now(), tz), weeks


def _detail(rotation, errors: forms.FormErrors | None = None, override: dict | None = None):
    session, now = get_session(), clock.now()
    first, weeks = _chart_window(rotation.timezone)
    start, end = chart.midnight(first, rotation.timezone), chart.midnight(first + timedelta(weeks=weeks),
                                                                           rotation.timezone)
    shifts = rotations.shifts(session=session, rotation_id=rotation.id, start=start, end=end)
    return forms.page(
        "ui/rotations/detail.html", errors, rotation=rotation, now=now, weeks=weeks, first=first,
        out=rotations.to_out(session=session, rotation=rotation), names=directory.user_names(),
        rows=chart.week_rows(shifts, first, weeks, rotation.timezone, now), hours=chart.hours_by_person(shifts),
        overrides=rotations.list_overrides(session=session, rotation_id=rotation.id, start=now),
        override=override or {}, people=directory.people(), editable=auth.can_manage(rotation.team_id),
        earlier=(first - timedelta(weeks=weeks)).isoformat(), later=(first + timedelta(weeks=weeks)).isoformat())


@bp.get("/<int:rotation_id>")
@login_required
def detail(rotation_id: int):
    return _detail(_rotation(rotation_id))


def _form_page(errors=None, **context):
    return forms.page("ui/rotations/form.html", errors, people=directory.people(), units=layer_form.UNITS,
                      restriction_rows=layer_form.RESTRICTION_ROWS, **context)


@bp.route("/new", methods=["GET", "POST"])
@login_required(role="manager")
def new():
    teams = directory.team_choices(auth.managed_team_ids())
    if request.method == "GET":
        team_id = request.args.get("team_id", type=int)
        team = next((t for t in teams if t.id == team_id), teams[0] if teams else None)
        return _form_page(teams=teams, values={"team_id": team.id if team else "", "name": "",
                                               "timezone": team.timezone if team else "UTC"},
                          layers=[layer_form.blank("Primary"), layer_form.blank()])
    values = {key: request.form.get(key, "").strip() for key in ("team_id", "name", "timezone")}
    layers = [layer_form.read(request.form, i) for i in range(NEW_LAYERS)]
    try:
        sent = [layer_form.whole(layer) for i, layer in enumerate(layers) if i == 0 or layer_form.used(layer)]
        data = forms.validate(RotationCreate, {**values, "layers": sent})
        auth.require_manager(data.team_id)
        rotation = rotations.create(session=get_session(), data=data, actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        return _form_page(forms.FormErrors.of(exc, layer_form.error_field()), teams=teams, values=values,
                          layers=layers)
    flash(f"Rotation “{rotation.name}” created.")
    return redirect(url_for(".detail", rotation_id=rotation.id))


@bp.route("/<int:rotation_id>/edit", methods=["GET", "POST"])
@login_required(role="manager")
def edit(rotation_id: int):
    rotation = _rotation(rotation_id)
    auth.require_manager(rotation.team_id)
    stored = [layer_form.shown(layer) for layer in rotations.to_out(session=get_session(), rotation=rotation).layers]
    context = {"rotation": rotation, "stored": stored}
    if request.method == "GET":
        return _form_page(values={"name": rotation.name, "effective": "now", "effective_at": ""},
                          layers=[*stored, layer_form.blank()], **context)
    values = {key: request.form.get(key, "").strip() for key in ("name", "effective", "effective_at")}
    layers = [layer_form.read(request.form, i) for i in range(len(stored) + 1)]
    changes, form_index = [], []
    for i, (before, after) in enumerate(zip(stored, layers)):
        if (edited := layer_form.change(before, after)) is not None:
            changes.append(edited)
            form_index.append(i)
    if layer_form.used(layers[-1]):
        changes.append(layer_form.whole(layers[-1]))
        form_index.append(len(stored))
    try:
        effective_at = (forms.local_instant(values["effective_at"], rotation.timezone, "effective_at")
                        if values["effective"] == "at" else None)
        data = forms.validate(RotationUpdate, {"name": values["name"] or None, "layers": changes,
                                               "effective_at": effective_at,
                                               "at_next_handoff": values["effective"] == "next_handoff"})
        rotations.update(session=get_session(), rotation_id=rotation.id, data=data, actor=auth.actor(),
                         now=clock.now())
    except forms.FORM_ERRORS as exc:
        get_session().rollback()
        return _form_page(forms.FormErrors.of(exc, layer_form.error_field(form_index)), values=values,
                          layers=layers, **context)
    flash("Rotation saved." if changes else "Nothing changed in the layers; the name is saved.")
    return redirect(url_for(".detail", rotation_id=rotation.id))


@bp.post("/<int:rotation_id>/overrides")
@login_required(role="manager")
def add_override(rotation_id: int):
    rotation = _rotation(rotation_id)
    auth.require_manager(rotation.team_id)
    override = {key: request.form.get(key, "").strip() for key in ("user_id", "start", "end")}
    try:
        start = forms.local_instant(override["start"], rotation.timezone, "start")
        end = forms.local_instant(override["end"], rotation.timezone, "end")
        data = forms.validate(OverrideCreate, {"user_id": override["user_id"], "start": start, "end": end})
        rotations.add_override(session=get_session(), rotation_id=rotation.id, data=data, actor=auth.actor(),
                               now=clock.now())
    except forms.FORM_ERRORS as exc:
        return _detail(rotation, forms.FormErrors.of(exc), override)
    flash("Override added.")
    return redirect(url_for(".detail", rotation_id=rotation.id))


@bp.post("/<int:rotation_id>/overrides/<int:override_id>/delete")
@login_required(role="manager")
def delete_override(rotation_id: int, override_id: int):
    rotation = _rotation(rotation_id)
    auth.require_manager(rotation.team_id)
    rotations.delete_override(session=get_session(), rotation_id=rotation.id, override_id=override_id,
                              actor=auth.actor())
    flash("Override removed.")
    return redirect(url_for(".detail", rotation_id=rotation.id))
