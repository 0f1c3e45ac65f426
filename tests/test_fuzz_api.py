"""Property-based API fuzzing with schemathesis against the spec the app publishes.

Every operation of ``/api/openapi.json`` gets up to ``MAX_EXAMPLES`` generated requests
(valid and invalid bodies, parameters of every shape), sent to the in-process WSGI app with
a bearer token, and every answer must

- never be a 5xx (``not_a_server_error``),
- have a status code the spec documents for the operation (``status_code_conformance``),
- have a documented content type, and a body that validates against the documented
  schema for that status (``content_type_conformance``, ``response_schema_conformance``),
- and a request that violates the schema must be rejected with a 4xx
  (``negative_data_rejection``).

A small world (team, users, rotation, policy, integration, incident) is created first, and
path ids are drawn mostly from the ids that exist, so the generated requests reach the code
behind the 404s. Runs on SQLite (25 examples per operation) and on a private PostgreSQL
database (10 per operation: the same handlers, but PostgreSQL's 32-bit integers and its
text rules are stricter than SQLite's).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from oncall.app import create_app
from oncall.services import tokens
from oncall.web.api.openapi import build_spec
from tests.conftest import TEST_SECRET

# per operation; PostgreSQL runs fewer (the same handlers; its own integer range and text rules)
MAX_EXAMPLES = {"sqlite": 25, "postgresql": 10}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_app(request, tmp_path_factory):
    """A migrated database of its own per backend, for the whole module."""
    from oncall.store.migrate import upgrade

    dropped = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    else:
        url, dropped = _postgres_database()
    upgrade(url)
    app = create_app({"database_url": url, "secret_key": TEST_SECRET, "TESTING": True,
                      "base_url": "http://oncall.test"})
    app.extensions["fuzz.examples"] = MAX_EXAMPLES[request.param]
    yield app
    app.extensions["oncall.engine"].dispose()
    if dropped:
        dropped()


def _postgres_database():
    import os

    from sqlalchemy import make_url, text

    from oncall.store.db import make_engine

    server = os.environ.get("ONCALL_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL tests need ONCALL_TEST_POSTGRES_URL (a skipped PostgreSQL run fails in CI)")
        pytest.skip("PostgreSQL tests need ONCALL_TEST_POSTGRES_URL")
    name = f"oncall_fuzz_{os.getpid()}"
    admin = make_engine(make_url(server).set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="module")
def token(fuzz_app) -> str:
    from sqlmodel import Session

    with Session(fuzz_app.extensions["oncall.engine"]) as s:
        value = tokens.create(session=s, name="fuzz").token
    _world(fuzz_app, value)
    return value


def _world(app, token: str) -> None:
    """One of everything, so that ids 1.. exist."""
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    def post(path, body):
        response = client.post(path, json=body, headers=auth)
        assert response.status_code == 201, (path, response.get_json())
        return response.get_json()

    alice = post("/api/v1/users", {"name": "Alice", "email": "alice@soc.example", "phone": "+14155550101",
                                   "timezone": "America/New_York"})
    bob = post("/api/v1/users", {"name": "Bob", "email": "bob@soc.example", "phone": "+14155550102",
                                 "timezone": "Europe/Berlin"})
    team = post("/api/v1/teams", {"name": "SOC", "timezone": "America/New_York", "members": [alice["id"], bob["id"]]})
    rotation = post("/api/v1/rotations", {"team_id": team["id"], "name": "Primary", "timezone": "America/New_York",
                                          "layers": [{"name": "weekly", "members": [alice["id"], bob["id"]],
                                                      "shift_weeks": 1, "handoff": "2026-01-05T09:00"}]})
    post(f"/api/v1/rotations/{rotation['id']}/overrides",
         {"user_id": bob["id"], "start": "2026-12-24T00:00:00Z", "end": "2026-12-26T00:00:00Z"})
    policy = post("/api/v1/escalation-policies", {
        "team_id": team["id"], "name": "Critical", "levels": [
            {"ack_timeout_seconds": 600, "channels": ["pagerduty"], "targets": [{"type": "rotation", "id": rotation["id"]}]},
            {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": bob["id"]}]}]})
    integration = post("/api/v1/integrations", {"team_id": team["id"], "policy_id": policy["id"],
                                                "source": "events_v2", "name": "SIEM"})
    response = client.post("/v2/enqueue", json={
        "routing_key": integration["key"], "event_action": "trigger", "dedup_key": "INC0000001",
        "payload": {"summary": "Ransomware on FIN-WS-042", "source": "splunk", "severity": "critical"}})
    assert response.status_code == 202, response.get_json()


@pytest.fixture(scope="module")
def api_schema(fuzz_app, token):
    # the token as configured auth, so negative cases know the header is not theirs to break
    config = SchemathesisConfig.from_dict({"generation": {"deterministic": True},
                                           "headers": {"Authorization": f"Bearer {token}"}})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app, config=config)


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the same registry that serves the spec."""
    return [(method.upper(), path) for path, methods in build_spec()["paths"].items() for method in methods]


def test_the_served_spec_is_the_generated_one(fuzz_app):
    assert fuzz_app.test_client().get("/api/openapi.json").get_json() == build_spec()


@pytest.mark.parametrize("method, path", _operations(), ids=lambda v: v)
def test_every_operation_answers_as_its_spec_says(api_schema, token, method, path):
    operation = api_schema[path][method]
    existing = {p.name: st.integers(1, 3) for p in operation.path_parameters}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if existing:  # ids that exist, so the requests get past the 404s
        strategies.append(st.fixed_dictionaries(existing).flatmap(
            lambda ids: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids)))

    @given(case=st.one_of(strategies))
    @settings(max_examples=api_schema.app.extensions["fuzz.examples"], deadline=None,
              suppress_health_check=list(HealthCheck), derandomize=True, database=None, phases=[Phase.generate])
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
