"""``/incidents``: the list (filtered by status, team, severity, source), an incident with its
full timeline and notifications, and the acknowledge and resolve buttons."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from oncall import clock
from oncall.schemas.incidents import IncidentQuery
from oncall.services import incidents, integrations, policies
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, directory, forms
from oncall.web.ui.auth import login_required

bp = Blueprint("ui_incidents", __name__, url_prefix="/incidents")
PAGE_SIZE = 50
FILTERS = ("status", "team_id", "severity", "source")
SOURCES = ("events_v2", "servicenow", "jira", "thehive", "splunk", "alertmanager", "generic")


@bp.get("")
@login_required
def index():
    chosen = {key: request.args.get(key, "").strip() for key in FILTERS}
    page = max(request.args.get("page", 1, type=int), 1)
    errors, found = None, []
    try:
        query = forms.validate(IncidentQuery, {**{k: v for k, v in chosen.items() if v},
                                               "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE})
        found = incidents.list_(session=get_session(), query=query)
    except forms.FORM_ERRORS as exc:
        errors = forms.FormErrors.of(exc)
    return forms.page("ui/incidents/list.html", errors, incidents=found[:PAGE_SIZE], more=len(found) > PAGE_SIZE,
                      page=page, chosen=chosen, teams=directory.teams(), sources=SOURCES,
                      team_names=directory.team_names())


@bp.get("/<int:incident_id>")
@login_required
def detail(incident_id: int):
    session = get_session()
    incident = incidents.get(session=session, incident_id=incident_id)
    integration = (integrations.get(session=session, integration_id=incident.integration_id)
                   if incident.integration_id else None)
    policy = policies.get(session=session, policy_id=incident.policy_id) if incident.policy_id else None
    return forms.page("ui/incidents/detail.html", incident=incidents.detail(session=session, incident=incident),
                      names=directory.user_names(), team_names=directory.team_names(), integration=integration,
                      policy=policy)


def _act(change, incident_id: int, done: str, already: str):
    user = auth.current_user()
    _, changed = change(session=get_session(), incident_id=incident_id, user_id=user.id, via="ui",
                        actor=auth.actor(), now=clock.now())
    flash(done if changed else already)
    return redirect(url_for(".detail", incident_id=incident_id))


@bp.post("/<int:incident_id>/acknowledge")
@login_required
def acknowledge(incident_id: int):
    return _act(incidents.acknowledge, incident_id, "Acknowledged: the escalation has stopped.",
                "Nothing changed: the incident was acknowledged or resolved already.")


@bp.post("/<int:incident_id>/resolve")
@login_required
def resolve(incident_id: int):
    return _act(incidents.resolve, incident_id, "Resolved.", "Nothing changed: the incident was resolved already.")
