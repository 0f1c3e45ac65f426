"""Secret iCal feed URLs (no login: the unguessable token is the credential)."""
from flask import Blueprint, Response

from oncall import clock
from oncall.services import ical
from oncall.web.dbsession import get_session

bp = Blueprint("ical", __name__)


@bp.get("/ical/rotations/<token>.ics")
def rotation_feed(token: str):
    return Response(ical.rotation_feed(get_session(), token, clock.now()), mimetype="text/calendar")


@bp.get("/ical/users/<token>.ics")
def user_feed(token: str):
    return Response(ical.user_feed(get_session(), token, clock.now()), mimetype="text/calendar")
