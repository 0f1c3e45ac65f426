"""UI fixtures: an app without CSRF checks (``test_csrf.py`` turns them on), three people
with passwords (an admin, the manager of team A, an analyst), and signed-in clients."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select
from werkzeug.security import generate_password_hash

from oncall.app import create_app
from oncall.schemas.integrations import IntegrationCreate
from oncall.schemas.policies import PolicyCreate
from oncall.schemas.rotations import RotationCreate
from oncall.services import integrations, policies, rotations
from oncall.store.models import Notification
from tests.conftest import TEST_SECRET

PASSWORD = "correct horse battery staple"
# A cheap hash keeps the suite fast; sign-in checks any werkzeug hash the same way.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def ui_app(db_url: str, **config):
    return create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True,
                       "base_url": "http://oncall.test", "WTF_CSRF_ENABLED": False, **config})


@pytest.fixture
def app(db_url):
    application = ui_app(db_url)
    yield application
    application.extensions["oncall.engine"].dispose()


@dataclass
class People:
    admin: object
    manager: object
    analyst: object
    team_a: object
    team_b: object


@pytest.fixture
def people(make, session) -> People:
    admin = make.user(name="Ada Admin", role="admin")
    manager = make.user(name="Max Manager", role="manager")
    analyst = make.user(name="Ann Analyst", role="analyst")
    for user in (admin, manager, analyst):
        user.password_hash = CHEAP_HASH
    session.commit()
    team_a = make.team(name="Team A", members=[manager.id, analyst.id], managers=[manager.id])
    team_b = make.team(name="Team B", members=[analyst.id])
    return People(admin, manager, analyst, team_a, team_b)


def sign_in(client, user, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def signed_in(app, people):
    """``signed_in("manager")``: a test client signed in as that person."""
    def client_for(who: str):
        client = app.test_client()
        assert sign_in(client, getattr(people, who)).status_code == 302
        return client

    return client_for


def make_rotation(session, team, members, name="Primary", handoff="2026-01-05T09:00", **layer):
    layer = {"name": "Day", "members": [m.id for m in members], "shift_days": 1, "handoff": handoff, **layer}
    return rotations.create(session=session, actor="test", data=RotationCreate(
        team_id=team.id, name=name, timezone="America/New_York", layers=[layer]))


def make_policy(session, team, rotation, name="After hours"):
    return policies.create(session=session, actor="test", data=PolicyCreate(team_id=team.id, name=name, levels=[
        {"ack_timeout_seconds": 600, "channels": ["pagerduty", "sms"], "targets": [{"type": "rotation",
                                                                                     "id": rotation.id}]}]))


def make_integration(session, team, policy, source="events_v2", name=None):
    return integrations.create(session=session, actor="test", secret_key=TEST_SECRET, base_url="http://oncall.test",
                               data=IntegrationCreate(team_id=team.id, policy_id=policy.id, source=source,
                                                      name=name or source))


def trigger(client, key: str, dedup_key: str = "INC-1", summary: str = "Ransomware on FIN-WS-042",
            severity: str = "critical"):
    event = {"routing_key": key, "event_action": "trigger", "dedup_key": dedup_key,
             "payload": {"summary": summary, "source": "siem", "severity": severity}}
    answer = client.post("/v2/enqueue", json=event)
    assert answer.status_code == 202, answer.data


def notification_for(session, user) -> Notification:
    return session.exec(select(Notification).where(Notification.user_id == user.id)
                        .order_by(Notification.id)).first()


def reread(session) -> None:
    """Forget what this session knows: the app changed the rows in its own session."""
    session.rollback()
    session.expire_all()
