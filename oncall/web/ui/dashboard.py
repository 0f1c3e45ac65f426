"""``/``: the 3 a.m. page. Who is on call per team and until when, open incidents by age
and level, the next hand-offs, and any gap in the coverage of the next 14 days."""
from __future__ import annotations

from flask import Blueprint, render_template

from oncall import clock
from oncall.schemas.incidents import IncidentQuery
from oncall.services import incidents, rotations
from oncall.web.dbsession import get_session
from oncall.web.ui import directory
from oncall.web.ui.auth import login_required
from oncall.web.ui.outlook import HORIZON, outlook

bp = Blueprint("ui_dashboard", __name__)


def _open_incidents() -> list:
    session = get_session()
    found = [i for status in ("triggered", "acknowledged")
             for i in incidents.list_(session=session, query=IncidentQuery(status=status, limit=200))]
    return sorted(found, key=lambda i: (i.status != "triggered", i.created_at))


@bp.get("/")
@login_required
def index():
    now = clock.now()
    session = get_session()
    by_team = {}
    for rotation in rotations.list_(session=session):
        by_team.setdefault(rotation.team_id, []).append((rotation, outlook(rotation.id, now)))
    teams = [(team, by_team.get(team.id, [])) for team in directory.teams()]
    gaps = [(rotation, gap) for team, rows in teams for rotation, view in rows for gap in view.gaps]
    return render_template("ui/dashboard.html", now=now, teams=teams, gaps=gaps, horizon_days=HORIZON.days,
                           open_incidents=_open_incidents(), names=directory.user_names(),
                           team_names=directory.team_names())
