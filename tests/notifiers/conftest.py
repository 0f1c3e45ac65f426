"""Fake providers, started and stopped per test, and a message builder."""

import dataclasses

import pytest

from oncall.notifiers.base import Message
from tests.fakes import FakePagerDuty, FakeTwilio

ROUTING_KEY = "a" * 32
LEVEL_ROUTING_KEY = "b" * 32


@pytest.fixture
def fake_pagerduty(monkeypatch):
    """A running fake Events API whose CA the PagerDuty client trusts (via SSL_CERT_FILE)."""
    with FakePagerDuty() as fake:
        monkeypatch.setenv("SSL_CERT_FILE", fake.ca_path)
        yield fake


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def make_message():
    base = Message(
        notification_id=42,
        channel="pagerduty",
        kind="trigger",
        dedup_key="oncall:INC0010001",
        summary="INC0010001 Email server down",
        severity="critical",
        recipient_phone="+15551230001",
        recipient_name="Alice Analyst",
        recipient_pagerduty_user_id="PUSER01",
        routing_key=None,
        ack_url="https://oncall.test/ack/tok123",
        ticket_url="https://acme.service-now.com/incident/INC0010001",
        reply_code="4821",
        details={"level": 1, "incident_id": 7},
    )

    def make(**overrides) -> Message:
        return dataclasses.replace(base, **overrides)

    return make
