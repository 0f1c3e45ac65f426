"""CSRF: every form needs the token; the machine endpoints and the ack link do not."""
import re

import pytest

from oncall.services import ack_tokens
from tests.conftest import TEST_SECRET
from tests.ui.conftest import PASSWORD, make_integration, make_policy, make_rotation, notification_for, trigger, ui_app


@pytest.fixture
def app(db_url):
    application = ui_app(db_url, WTF_CSRF_ENABLED=True)
    yield application
    application.extensions["oncall.engine"].dispose()


def _token(page) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page.data)[1].decode()


def test_a_form_post_without_the_token_is_refused(client, people):
    answer = client.post("/login", data={"email": people.admin.email, "password": PASSWORD})
    assert answer.status_code == 400
    assert b"This form has expired or did not come from this site" in answer.data
    assert client.get("/").status_code == 302  # not signed in


def test_the_token_from_the_form_is_accepted(client, people):
    token = _token(client.get("/login"))
    answer = client.post("/login", data={"email": people.admin.email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    assert client.post("/logout").status_code == 400  # signed in, still no token: refused
    assert client.post("/logout", data={"csrf_token": _token(client.get("/"))}).status_code == 302


def test_a_token_from_another_session_is_refused(app, client, people):
    stranger = app.test_client()
    token = _token(stranger.get("/login"))
    client.get("/login")
    answer = client.post("/login", data={"email": people.admin.email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 400


def test_machine_endpoints_and_the_ack_link_need_no_token(app, client, people, session):
    rotation = make_rotation(session, people.team_a, [people.analyst])
    policy = make_policy(session, people.team_a, rotation)
    trigger(client, make_integration(session, people.team_a, policy).key)  # asserts the 202
    generic = make_integration(session, people.team_a, policy, "generic")
    assert client.post(f"/integrations/{generic.key}", json={"id": "G-1", "title": "x", "severity": "low"}
                       ).status_code == 202
    assert client.post("/api/v1/teams", json={"name": "X"}).status_code == 401  # the bearer token is checked
    assert client.post("/webhooks/pagerduty", json={}).status_code == 401  # the signature is checked
    app.extensions["oncall.escalation"].tick()
    answer = client.post(f"/ack/{ack_tokens.make(TEST_SECRET, notification_for(session, people.analyst).id)}")
    assert answer.status_code == 200 and b"Acknowledged" in answer.data
