"""PagerDutyNotifier against the fake Events API, over real HTTPS with the official client."""

import time

import certifi
import pytest

from oncall.notifiers.pagerduty import PagerDutyNotifier

from .conftest import LEVEL_ROUTING_KEY, ROUTING_KEY


@pytest.fixture
def notifier(fake_pagerduty):
    return PagerDutyNotifier(ROUTING_KEY, events_base=fake_pagerduty.base_url, timeout=1.0)


def timed(notifier, message):
    started = time.monotonic()
    result = notifier.send(message)
    return result, time.monotonic() - started


def test_trigger_wire_body(notifier, fake_pagerduty, make_message):
    result = notifier.send(make_message())

    assert result.ok and result.provider_id == "oncall:INC0010001"
    [request] = fake_pagerduty.requests
    assert request.method == "POST" and request.path == "/v2/enqueue"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {
        "routing_key": ROUTING_KEY,
        "event_action": "trigger",
        "dedup_key": "oncall:INC0010001",
        "payload": {
            "summary": "INC0010001 Email server down",
            "source": "oncall",
            "severity": "critical",
            "custom_details": {
                "level": 1,
                "incident_id": 7,
                "on_call": "Alice Analyst",
                "on_call_pagerduty_user_id": "PUSER01",
                "ticket_url": "https://acme.service-now.com/incident/INC0010001",
            },
        },
        "links": [
            {"href": "https://oncall.test/ack/tok123", "text": "Acknowledge"},
            {"href": "https://acme.service-now.com/incident/INC0010001", "text": "Ticket"},
        ],
    }


@pytest.mark.parametrize(
    "ours, theirs",
    [("critical", "critical"), ("high", "error"), ("medium", "warning"), ("low", "info"),
     ("info", "info")],
)
def test_severity_mapping(notifier, fake_pagerduty, make_message, ours, theirs):
    assert notifier.send(make_message(severity=ours)).ok
    assert fake_pagerduty.events[0]["payload"]["severity"] == theirs


def test_trigger_without_links_or_recipient(notifier, fake_pagerduty, make_message):
    message = make_message(ack_url=None, ticket_url=None, recipient_name=None,
                           recipient_pagerduty_user_id=None, details={})
    assert notifier.send(message).ok
    [event] = fake_pagerduty.events
    assert "links" not in event
    assert event["payload"]["custom_details"] == {}


def test_long_summary_is_cut_to_the_api_limit(notifier, fake_pagerduty, make_message):
    assert notifier.send(make_message(summary="INC0010001 " + "x" * 2000)).ok
    assert len(fake_pagerduty.events[0]["payload"]["summary"]) == 1024


@pytest.mark.parametrize("kind", ["acknowledge", "resolve"])
def test_acknowledge_and_resolve_use_the_same_dedup_key(notifier, fake_pagerduty, make_message,
                                                         kind):
    result = notifier.send(make_message(kind=kind, routing_key=LEVEL_ROUTING_KEY))

    assert result.ok and result.provider_id == "oncall:INC0010001"
    assert fake_pagerduty.events == [
        {"routing_key": LEVEL_ROUTING_KEY, "event_action": kind, "dedup_key": "oncall:INC0010001"}
    ]


def test_level_routing_key_overrides_the_default(notifier, fake_pagerduty, make_message):
    notifier.send(make_message(routing_key=LEVEL_ROUTING_KEY))
    notifier.send(make_message())
    assert [e["routing_key"] for e in fake_pagerduty.events] == [LEVEL_ROUTING_KEY, ROUTING_KEY]


def test_no_routing_key_at_all_is_rejected(fake_pagerduty, make_message):
    notifier = PagerDutyNotifier(None, events_base=fake_pagerduty.base_url)
    result = notifier.send(make_message())
    assert not result.ok and not result.retryable and "routing key" in result.error
    assert fake_pagerduty.requests == []


def test_server_error_is_retryable_and_not_retried_in_call(notifier, fake_pagerduty,
                                                           make_message):
    fake_pagerduty.fail_next(1, status=500)
    result = notifier.send(make_message())

    assert not result.ok and result.retryable
    assert "HTTP 500" in result.error and "Internal server error" in result.error
    assert len(fake_pagerduty.requests) == 1
    assert notifier.send(make_message()).ok  # the outbox's next attempt


def test_rate_limit_returns_promptly(notifier, fake_pagerduty, make_message):
    fake_pagerduty.fail_next(100, status=429)
    result, elapsed = timed(notifier, make_message())

    assert not result.ok and result.retryable and "HTTP 429" in result.error
    assert elapsed < 3
    assert len(fake_pagerduty.requests) == 2  # the one in-call retry the client insists on


def test_single_rate_limit_is_absorbed_by_the_in_call_retry(notifier, fake_pagerduty,
                                                             make_message):
    fake_pagerduty.fail_next(1, status=429)
    assert notifier.send(make_message()).ok
    assert [r.status for r in fake_pagerduty.requests] == [429, 202]


def test_timeout_is_retryable_within_the_configured_timeout(notifier, fake_pagerduty,
                                                            make_message):
    fake_pagerduty.delay_next(1, seconds=10)
    result, elapsed = timed(notifier, make_message())

    assert not result.ok and result.retryable and "Timeout" in result.error
    assert 0.9 < elapsed < 2.5
    assert len(fake_pagerduty.requests) == 1


def test_refused_connection_is_retryable(notifier, fake_pagerduty, make_message):
    assert notifier.send(make_message()).ok  # leaves a pooled keep-alive connection
    fake_pagerduty.stop()
    result, elapsed = timed(notifier, make_message())

    assert not result.ok and result.retryable and "ConnectError" in result.error
    assert elapsed < 2


def test_invalid_event_is_not_retryable(fake_pagerduty, make_message):
    notifier = PagerDutyNotifier("too-short", events_base=fake_pagerduty.base_url)
    result = notifier.send(make_message())

    assert not result.ok and not result.retryable
    assert "HTTP 400" in result.error and "routing_key" in result.error


def test_certificate_is_verified(fake_pagerduty, make_message, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # public CAs only: not the fake's
    notifier = PagerDutyNotifier(ROUTING_KEY, events_base=fake_pagerduty.base_url)
    result = notifier.send(make_message())

    assert not result.ok and "CERTIFICATE_VERIFY_FAILED" in result.error
    assert fake_pagerduty.requests == []


def test_plain_http_base_is_refused_at_construction():
    with pytest.raises(ValueError, match="https"):
        PagerDutyNotifier(ROUTING_KEY, events_base="http://127.0.0.1:9")
