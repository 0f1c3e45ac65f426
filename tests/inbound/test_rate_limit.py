"""Rate limit per integration key: 429 with Retry-After, nothing stored, the next event after the wait goes in."""
from __future__ import annotations

import pytest

from oncall import clock
from oncall.app import create_app
from oncall.config import from_env
from oncall.web.ratelimit import RateLimiter
from tests.conftest import TEST_SECRET
from tests.inbound.conftest import counts

GENERIC = {"title": "Beacon", "severity": "critical"}
V2 = {"event_action": "trigger", "payload": {"summary": "Beacon", "source": "edr", "severity": "critical"}}


@pytest.fixture
def monotonic(monkeypatch):
    """A hand-moved monotonic clock for the limiter: ``monotonic.now += seconds``."""
    class Clock:
        now = 1000.0

    monkeypatch.setattr(clock, "monotonic", lambda: Clock.now)
    return Clock


def _event(source: str, n: int) -> dict:
    return {**V2, "dedup_key": f"k-{n}"} if source == "events_v2" else {**GENERIC, "id": f"T-{n}"}


@pytest.mark.parametrize("source", ["events_v2", "generic"])
def test_over_the_limit_is_429_with_retry_after(inbound, session, monotonic, source):
    hook = inbound.integration(source, rate_limit_per_minute=3)
    assert [hook.send(_event(source, n)).status_code for n in range(3)] == [202, 202, 202]
    before = counts(session)
    refused = hook.send(_event(source, 3))
    assert refused.status_code == 429, refused.get_json()
    assert refused.get_json()["error"] == "rate_limited"
    assert "per minute" in refused.get_json()["message"]
    retry_after = int(refused.headers["Retry-After"])
    assert retry_after == 20  # 3 a minute: one more every 20 s
    assert counts(session) == before  # a refused event is not stored

    monotonic.now += retry_after - 1
    assert hook.send(_event(source, 4)).status_code == 429
    monotonic.now += 1
    assert hook.send(_event(source, 5)).status_code == 202
    assert hook.send(_event(source, 6)).status_code == 429


def test_the_limit_is_per_integration_key(inbound, monotonic):
    busy = inbound.integration("generic", rate_limit_per_minute=1)
    quiet = inbound.integration("generic", rate_limit_per_minute=1)
    assert busy.send(_event("generic", 1)).status_code == 202
    assert busy.send(_event("generic", 2)).status_code == 429
    assert busy.send_bearer(_event("generic", 3)).status_code == 429  # same key, other endpoint
    assert quiet.send(_event("generic", 4)).status_code == 202


def test_a_full_minute_refills_the_bucket(inbound, monotonic):
    hook = inbound.integration("generic", rate_limit_per_minute=5)
    assert [hook.send(_event("generic", n)).status_code for n in range(6)] == [202] * 5 + [429]
    monotonic.now += 60
    assert [hook.send(_event("generic", n)).status_code for n in range(10, 16)] == [202] * 5 + [429]


def test_raising_the_limit_takes_effect(inbound, monotonic):
    hook = inbound.integration("generic", rate_limit_per_minute=1)
    assert hook.send(_event("generic", 1)).status_code == 202
    assert hook.send(_event("generic", 2)).status_code == 429
    patched = inbound.api.patch(f"/api/v1/integrations/{hook.id}", {"rate_limit_per_minute": 120})
    assert patched.get_json()["rate_limit_per_minute"] == 120
    monotonic.now += 0.5  # 120 a minute: one more every half second
    assert hook.send(_event("generic", 3)).status_code == 202


def test_without_its_own_limit_an_integration_gets_the_configured_default(db_url, monotonic):
    assert from_env({}).ingest_rate_per_minute == 600
    app = create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True,
                      "ingest_rate_per_minute": 2})
    try:
        from sqlmodel import Session

        from oncall.services import tokens
        from tests.conftest import Api
        from tests.factories import Factories
        from tests.inbound.conftest import Inbound

        with Session(app.extensions["oncall.engine"], expire_on_commit=False) as session:
            client = app.test_client()
            helper = Inbound(api=Api(client, tokens.create(session=session, name="t").token), client=client,
                             session=session, make=Factories(session))
            helper.user_id = helper.make.user().id
            helper.team_id, helper.policy_id = helper.team_with_policy()
            hook = helper.integration("generic")
            assert hook.body["rate_limit_per_minute"] is None
            assert [hook.send(_event("generic", n)).status_code for n in range(3)] == [202, 202, 429]
    finally:
        app.extensions["oncall.engine"].dispose()


def test_the_default_bucket_holds_600_a_minute(monotonic):
    limiter = RateLimiter()
    assert all(limiter.take("key", 600) is None for _ in range(600))
    wait = limiter.take("key", 600)
    assert wait == pytest.approx(0.1)
    monotonic.now += 0.1
    assert limiter.take("key", 600) is None
