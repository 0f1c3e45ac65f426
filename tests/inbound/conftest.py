"""Inbound tests: a team with a policy, integrations made through the API, payload fixtures.

``inbound.integration(source, **fields)`` creates an integration over the API and returns an
``Integration`` handle (id, key, JSON); ``handle.send(payload)`` posts a payload the way that
source would (``/v2/enqueue`` for ``events_v2``, ``/integrations/<key>`` otherwise).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oncall.store.models import InboundEvent, Incident, TimelineEntry

PAYLOADS = Path(__file__).resolve().parent.parent / "fixtures" / "payloads"


def read_payload(source: str, variant: str) -> dict:
    return json.loads((PAYLOADS / source / f"{variant}.json").read_text(encoding="utf-8"))


def fresh(session):
    """End the session's transaction: on SQLite (WAL) a read transaction keeps seeing its first snapshot."""
    session.rollback()
    return session


def count(session, model) -> int:
    fresh(session)
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def counts(session) -> dict[str, int]:
    return {"incident": count(session, Incident), "inbound_event": count(session, InboundEvent),
            "timeline_entry": count(session, TimelineEntry)}


@dataclass
class Integration:
    inbound: "Inbound"
    id: int
    key: str
    source: str
    body: dict = field(default_factory=dict)

    def send(self, payload, *, key: str | None = None, headers: dict | None = None, raw: bytes | None = None):
        """POST ``payload`` (a dict, or ``raw`` bytes) as this integration's source would."""
        key = key or self.key
        if self.source == "events_v2":
            if raw is None and isinstance(payload, dict):
                payload = {**payload, "routing_key": key}
            path = "/v2/enqueue"
        else:
            path = f"/integrations/{key}"
        data = raw if raw is not None else json.dumps(payload).encode()
        return self.inbound.client.post(path, data=data,
                                        headers={"Content-Type": "application/json", **(headers or {})})

    def send_bearer(self, payload=None, *, raw: bytes | None = None, key: str | None = None):
        data = raw if raw is not None else json.dumps(payload).encode()
        return self.inbound.client.post("/integrations", data=data, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {key or self.key}"})


@dataclass
class Inbound:
    api: object
    client: object
    session: object
    make: object
    user_id: int = 0
    team_id: int = 0
    policy_id: int = 0

    def team_with_policy(self, name: str | None = None) -> tuple[int, int]:
        team = self.make.team(**({"name": name} if name else {}))
        return team.id, self.policy(team.id)

    def policy(self, team_id: int, name: str = "Page the analyst") -> int:
        response = self.api.post("/api/v1/escalation-policies", {
            "team_id": team_id, "name": name,
            "levels": [{"ack_timeout_seconds": 600, "channels": ["pagerduty"],
                        "targets": [{"type": "user", "id": self.user_id}]}]})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def integration(self, source: str, *, team_id: int | None = None, policy_id: int | None = None,
                    **fields) -> Integration:
        body = {"team_id": team_id or self.team_id, "policy_id": policy_id or self.policy_id, "source": source,
                "name": f"{source} integration", **fields}
        response = self.api.post("/api/v1/integrations", body)
        assert response.status_code == 201, response.get_json()
        created = response.get_json()
        return Integration(self, created["id"], created["key"], source, created)

    def incidents(self, **params) -> list[dict]:
        response = self.api.get("/api/v1/incidents", query_string=params)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def incident(self, incident_id: int) -> dict:
        response = self.api.get(f"/api/v1/incidents/{incident_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def inbound_events(self) -> list[InboundEvent]:
        fresh(self.session)
        return list(self.session.execute(select(InboundEvent).order_by(InboundEvent.id)).scalars())


@pytest.fixture
def inbound(api, client, session, make) -> Inbound:
    helper = Inbound(api=api, client=client, session=session, make=make)
    helper.user_id = make.user().id
    helper.team_id, helper.policy_id = helper.team_with_policy("SOC")
    return helper


@pytest.fixture
def payload():
    """``payload(source, variant)`` -> a fresh copy of a fixture payload."""
    return read_payload
