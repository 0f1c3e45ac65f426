"""``/policies``: escalation policies: levels, targets, channels, ack timeouts, repeat, and
what happens during business hours. A fixed number of level rows, so no script is needed."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from oncall.schemas.policies import PolicyCreate, PolicyUpdate
from oncall.services import integrations, policies
from oncall.services.errors import Invalid
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, directory, forms
from oncall.web.ui.auth import login_required

bp = Blueprint("ui_policies", __name__, url_prefix="/policies")
LEVEL_ROWS = 5
TARGET_SLOTS = 3
CHANNELS = [("pagerduty,sms", "PagerDuty, then SMS"), ("sms,pagerduty", "SMS, then PagerDuty"),
            ("pagerduty", "PagerDuty only"), ("sms", "SMS only")]
MAX_MINUTES = 7 * 24 * 60


def _level_row(get, getlist) -> dict:
    return {"timeout_minutes": get("timeout_minutes"), "channels": get("channels"), "targets": getlist("targets")}


def _level(i: int, row: dict, problems: list[dict]) -> dict:
    """A level row as the API's level; what cannot be read goes to ``problems``."""
    try:
        minutes = float(row["timeout_minutes"])
        if not 0.5 <= minutes <= MAX_MINUTES:
            raise ValueError
    except ValueError:
        problems.append({"field": f"levels.{i}.timeout_minutes", "message": f"minutes from 0.5 to {MAX_MINUTES}"})
        minutes = 10
    targets = []
    for value in row["targets"]:
        kind, _, target_id = value.partition(":")
        if kind in ("rotation", "user", "team") and target_id.isdigit():
            targets.append({"type": kind, "id": target_id})
        else:
            problems.append({"field": f"levels.{i}.targets", "message": f"unknown target {value!r}"})
    return {"ack_timeout_seconds": round(minutes * 60), "channels": row["channels"].split(","), "targets": targets}


def _read(form) -> dict:
    return {"team_id": form.get("team_id", "").strip(), "name": form.get("name", "").strip(),
              "repeat": form.get("repeat", "0").strip() or "0",
              "page_during_business_hours": form.get("page_during_business_hours") == "on",
              "levels": forms.rows(form, "levels", LEVEL_ROWS, _level_row, lambda row: bool(row["targets"]))}


def _shown(policy) -> dict:
    out = policies.to_out(session=get_session(), policy=policy)
    return {"team_id": out.team_id, "name": out.name, "repeat": str(out.repeat),
            "page_during_business_hours": out.page_during_business_hours,
            "levels": [{"timeout_minutes": f"{lv.ack_timeout_seconds / 60:g}", "channels": ",".join(lv.channels),
                        "targets": [f"{t.type}:{t.id}" for t in lv.targets]} for lv in out.levels]}


def _payload(model, values: dict):
    """The form as ``model`` (PolicyCreate or PolicyUpdate), or Invalid naming every bad field at once."""
    problems: list[dict] = []
    levels = [_level(i, row, problems) for i, row in enumerate(values["levels"])]
    fields = {k: values[k] for k in ("name", "repeat", "page_during_business_hours")}
    if model is PolicyCreate:
        fields["team_id"] = values["team_id"]
    try:
        data = forms.validate(model, {**fields, "levels": levels})
    except Invalid as exc:
        problems += exc.details
    if problems:
        raise Invalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)
    return data


def _form_page(errors=None, **context):
    return forms.page("ui/policies/form.html", errors, rows=LEVEL_ROWS, slots=TARGET_SLOTS, channels=CHANNELS,
                      targets=directory.target_choices(), **context)


@bp.get("")
@login_required
def index():
    return forms.page("ui/policies/list.html", policies=policies.list_(session=get_session()),
                      team_names=directory.team_names(), teams=directory.team_choices(auth.managed_team_ids()))


@bp.get("/<int:policy_id>")
@login_required
def detail(policy_id: int):
    session = get_session()
    policy = policies.get(session=session, policy_id=policy_id)
    used_by = [i for i in integrations.list_(session=session, team_id=policy.team_id) if i.policy_id == policy.id]
    return forms.page("ui/policies/detail.html", policy=policy, out=policies.to_out(session=session, policy=policy),
                      target_name=directory.target_namer(), team_names=directory.team_names(), used_by=used_by,
                      channel_names=dict(CHANNELS), editable=auth.can_manage(policy.team_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required(role="manager")
def new():
    teams = directory.team_choices(auth.managed_team_ids())
    if request.method == "GET":
        return _form_page(teams=teams, values={"team_id": request.args.get("team_id", ""), "name": "", "repeat": "0",
                                               "page_during_business_hours": False, "levels": []})
    values = _read(request.form)
    try:
        data = _payload(PolicyCreate, values)
        auth.require_manager(data.team_id)
        policy = policies.create(session=get_session(), data=data, actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        return _form_page(forms.FormErrors.of(exc), teams=teams, values=values)
    flash(f"Escalation policy “{policy.name}” created.")
    return redirect(url_for(".detail", policy_id=policy.id))


@bp.route("/<int:policy_id>/edit", methods=["GET", "POST"])
@login_required(role="manager")
def edit(policy_id: int):
    policy = policies.get(session=get_session(), policy_id=policy_id)
    auth.require_manager(policy.team_id)
    if request.method == "GET":
        return _form_page(policy=policy, values=_shown(policy))
    values = _read(request.form)
    try:
        policies.update(session=get_session(), policy_id=policy.id, data=_payload(PolicyUpdate, values),
                        actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        get_session().rollback()
        return _form_page(forms.FormErrors.of(exc), policy=policy, values=values)
    flash("Escalation policy saved. Incidents already open keep the policy they started with.")
    return redirect(url_for(".detail", policy_id=policy.id))
