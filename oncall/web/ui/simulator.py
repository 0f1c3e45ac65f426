"""``/simulator``: "a critical ticket arrives at 02:14 next Saturday": who is paged, on which
channel and when, level by level, nobody acknowledging. A GET form (it changes nothing),
answered by ``services.simulator.simulate``, the pure core the engine itself uses."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, request

from oncall import clock
from oncall.services import integrations, policies, simulator, teams
from oncall.services.errors import Invalid, NotFound
from oncall.web.dbsession import get_session
from oncall.web.ui import directory, forms
from oncall.web.ui.auth import login_required

bp = Blueprint("ui_simulator", __name__, url_prefix="/simulator")


def _choices() -> list[tuple[str, list[tuple[str, str]]]]:
    session, team_names = get_session(), directory.team_names()
    return [
        ("Escalation policies", [(f"policy:{p.id}", f"{p.name} · {team_names.get(p.team_id, '?')}")
                                 for p in policies.list_(session=session)]),
        ("Integrations (their policy)", [(f"integration:{i.id}", f"{i.name} · {i.source}")
                                         for i in integrations.list_(session=session)]),
    ]


def _policy(target: str):
    """The policy a choice names: a policy, or an integration's policy."""
    kind, _, raw_id = target.partition(":")
    session = get_session()
    try:
        if kind == "integration" and raw_id.isdigit():
            return policies.get(session=session, policy_id=integrations.get(session=session,
                                                                             integration_id=int(raw_id)).policy_id)
        if kind == "policy" and raw_id.isdigit():
            return policies.get(session=session, policy_id=int(raw_id))
    except NotFound:
        pass
    raise Invalid.field("target", "choose a policy or an integration")


def presets(now: datetime, tz: str) -> list[tuple[str, str]]:
    """Moments worth trying, as (label, datetime-local value) in ``tz``."""
    today = now.astimezone(ZoneInfo(tz)).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    weekday = today + timedelta(days=1 if today.weekday() < 4 else 7 - today.weekday())
    return [("now", forms.local_input(now, tz)),
            ("next Saturday 02:14", datetime.combine(saturday, time(2, 14)).strftime(forms.LOCAL_INPUT)),
            ("next weekday 10:00", datetime.combine(weekday, time(10, 0)).strftime(forms.LOCAL_INPUT))]


@bp.get("")
@login_required
def index():
    target, at_text = request.args.get("target", ""), request.args.get("at", "").strip()
    context = {"choices": _choices(), "target": target, "at_text": at_text, "result": None, "tz": None}
    errors = None
    if target:
        try:
            policy = _policy(target)
            tz = teams.get(session=get_session(), team_id=policy.team_id).timezone
            now = clock.now()
            at = forms.local_instant(at_text, tz, "at") if at_text else now
            context.update(policy=policy, tz=tz, presets=presets(now, tz), at_text=forms.local_input(at, tz),
                           result=simulator.simulate(session=get_session(), policy_id=policy.id, at=at))
        except forms.FORM_ERRORS as exc:
            errors = forms.FormErrors.of(exc)
    return forms.page("ui/simulator.html", errors, **context)
