"""``/sources``: integrations (inbound sources). Create one, see its URL and key once, a
curl test and the settings for the sending tool; rotate its key.

The pages live under ``/sources`` because ``/integrations`` belongs to the machines
(``POST /integrations/<key>``).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, request

from oncall.schemas.integrations import IntegrationCreate
from oncall.services import integrations, policies
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, directory, forms
from oncall.web.ui.auth import login_required
from oncall.web.ui.integration_guides import GUIDES, curl

bp = Blueprint("ui_integrations", __name__, url_prefix="/sources")
SEVERITIES = ("critical", "high", "medium", "low", "info")
KEY_GRACE_SECONDS = 24 * 3600


def _base_url() -> str:
    return current_app.extensions["oncall.settings"].base_url


def _shown_once(created):
    """The only page with the key: never cached, never kept in the browser's history cache."""
    page, status = forms.page("ui/integrations/created.html", created=created, guide=GUIDES[created.source],
                              example=curl(created.source, created.url, created.key))
    return page, status, {"Cache-Control": "no-store"}


@bp.get("")
@login_required
def index():
    return forms.page("ui/integrations/list.html", integrations=integrations.list_(session=get_session()),
                      team_names=directory.team_names(), policy_names=directory.policy_names(),
                      teams=directory.team_choices(auth.managed_team_ids()))


@bp.get("/<int:integration_id>")
@login_required
def detail(integration_id: int):
    integration = integrations.get(session=get_session(), integration_id=integration_id)
    out = integrations.to_out(integration, _base_url())
    return forms.page("ui/integrations/detail.html", integration=out, guide=GUIDES[out.source],
                      example=curl(out.source, out.url, "<key>"), team_names=directory.team_names(),
                      policy_names=directory.policy_names(), editable=auth.can_manage(out.team_id))


def _form_page(errors=None, **context):
    teams = directory.team_choices(auth.managed_team_ids())
    choices = [(p.id, f"{p.name} · {t.name}") for t in teams for p in policies.list_(session=get_session(), team_id=t.id)]
    return forms.page("ui/integrations/form.html", errors, teams=teams, policy_choices=choices,
                      sources=[(key, guide.title) for key, guide in GUIDES.items()],
                      severities=[(s, f"{s} and above") for s in SEVERITIES], **context)


@bp.route("/new", methods=["GET", "POST"])
@login_required(role="manager")
def new():
    if request.method == "GET":
        return _form_page(values={"team_id": request.args.get("team_id", ""), "policy_id": "", "source": "events_v2",
                                  "name": "", "min_severity": "high", "signing_secret": ""})
    values = {k: request.form.get(k, "").strip()
              for k in ("team_id", "policy_id", "source", "name", "min_severity", "signing_secret")}
    try:
        data = forms.validate(IntegrationCreate, {**values, "signing_secret": forms.blank_none(values["signing_secret"])})
        auth.require_manager(data.team_id)
        created = integrations.create(session=get_session(), data=data, actor=auth.actor(),
                                      secret_key=current_app.secret_key, base_url=_base_url())
    except forms.FORM_ERRORS as exc:
        return _form_page(forms.FormErrors.of(exc), values=values)
    return _shown_once(created)


@bp.post("/<int:integration_id>/rotate-key")
@login_required(role="manager")
def rotate_key(integration_id: int):
    integration = integrations.get(session=get_session(), integration_id=integration_id)
    auth.require_manager(integration.team_id)
    created = integrations.rotate_key(session=get_session(), integration_id=integration.id,
                                      grace_seconds=KEY_GRACE_SECONDS, actor=auth.actor(), base_url=_base_url())
    flash("New key issued. The old key keeps working for 24 hours so the sender can switch over.")
    return _shown_once(created)

