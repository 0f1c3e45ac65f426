"""Connector tests: fake ServiceNow, Jira and TheHive servers, and a SOC set up through the API.

``soc`` has two analysts (A on level 1 by PagerDuty, B on level 2 by SMS) in a team with a
two-level policy. ``soc.connected(source, fake, **connector)`` creates an integration of
that source over the API and saves its connector pointing at the fake; ``soc.poll()`` and
``soc.tick()`` run this process's poller and engine once. Time is frozen by each test.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from oncall.app import create_app
from oncall.store.models import Incident, Notification, TimelineEntry
from tests.conftest import TEST_SECRET
from tests.fakes._ticketing import PASSWORD, TOKEN, USERNAME
from tests.fakes.jira import FakeJira
from tests.fakes.servicenow import FakeServiceNow
from tests.fakes.thehive import FakeTheHive

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
BASIC = {"type": "basic", "username": USERNAME, "password": PASSWORD}
BEARER = {"type": "token", "token": TOKEN}


@pytest.fixture
def servicenow():
    with FakeServiceNow() as fake:
        yield fake


@pytest.fixture
def jira():
    with FakeJira() as fake:
        yield fake


@pytest.fixture
def thehive():
    with FakeTheHive() as fake:
        yield fake


def another_process(db_url: str):
    """A second app on the same database: what another ``oncall worker`` process would be."""
    return create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True,
                       "base_url": "http://oncall.test"})


@dataclass
class Soc:
    app: object
    api: object
    session: object
    team_id: int
    policy_id: int
    analysts: tuple[dict, dict]

    def connected(self, source: str, fake, *, min_severity: str = "high", **connector) -> dict:
        integration = self.api.post("/api/v1/integrations", json={
            "team_id": self.team_id, "policy_id": self.policy_id, "source": source, "name": f"{source} SOC",
            "min_severity": min_severity}).get_json()
        body = {"base_url": fake.base_url, "auth": BASIC, **connector}
        if source == "jira":
            body.setdefault("project", "SOC")
        answer = self.api.put(f"/api/v1/integrations/{integration['id']}/connector", json=body)
        assert answer.status_code == 200, answer.get_json()
        return integration

    def status(self, integration: dict) -> dict:
        return self.api.get(f"/api/v1/integrations/{integration['id']}/connector").get_json()["status"]

    def poll(self) -> int:
        return self.app.extensions["oncall.poller"].poll_due()

    def tick(self) -> None:
        self.app.extensions["oncall.escalation"].tick()

    def incidents(self) -> list[Incident]:
        self.session.rollback()  # a fresh snapshot (SQLite WAL keeps a read transaction's first one)
        return list(self.session.execute(select(Incident).order_by(Incident.id)).scalars())

    def timeline_kinds(self, incident_id: int) -> list[str]:
        self.session.rollback()
        return list(self.session.execute(select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident_id)
                                         .order_by(TimelineEntry.id)).scalars())

    def writebacks(self) -> list[Notification]:
        self.session.rollback()
        return list(self.session.execute(select(Notification).where(Notification.channel == "ticket")
                                         .order_by(Notification.id)).scalars())


@pytest.fixture
def soc(app, api, session) -> Soc:
    a = api.post("/api/v1/users", json={"name": "Alice Analyst", "email": "alice@soc.example",
                                        "phone": "+14155550101", "timezone": "UTC"}).get_json()
    b = api.post("/api/v1/users", json={"name": "Bob Backup", "email": "bob@soc.example",
                                        "phone": "+14155550102", "timezone": "UTC"}).get_json()
    team = api.post("/api/v1/teams", json={"name": "SOC", "timezone": "UTC", "members": [a["id"], b["id"]]}).get_json()
    policy = api.post("/api/v1/escalation-policies", json={"team_id": team["id"], "name": "criticals", "levels": [
        {"ack_timeout_seconds": 600, "channels": ["pagerduty"], "targets": [{"type": "user", "id": a["id"]}]},
        {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": b["id"]}]}]}).get_json()
    return Soc(app, api, session, team["id"], policy["id"], (a, b))
