"""The console notifier, and the factory's choice between console and the real providers."""

import logging
from types import SimpleNamespace

from oncall.notifiers.console import ConsoleNotifier
from oncall.notifiers.factory import build_notifiers
from oncall.notifiers.pagerduty import PagerDutyNotifier
from oncall.notifiers.twilio_sms import TwilioSmsNotifier

from .conftest import ROUTING_KEY

SECRET_KEY = "f" * 32


def settings(**values) -> SimpleNamespace:
    unset = dict.fromkeys(
        ["twilio_account_sid", "twilio_auth_token", "twilio_from", "twilio_api_base",
         "pagerduty_routing_key", "pagerduty_events_base", "base_url"]
    )
    return SimpleNamespace(**(unset | values))


def test_console_logs_the_message_but_not_the_routing_key(make_message, caplog):
    with caplog.at_level(logging.INFO, logger="oncall.notify"):
        result = ConsoleNotifier("pagerduty").send(make_message(routing_key=SECRET_KEY))

    assert result.ok and result.provider_id == "console-42"
    [record] = caplog.records
    text = record.getMessage()
    for expected in ("pagerduty", "trigger", "42", "Alice Analyst", "INC0010001 Email server down",
                     "oncall:INC0010001", "https://oncall.test/ack/tok123", "4821"):
        assert expected in text
    assert SECRET_KEY not in text


def test_without_credentials_everything_is_console(make_message):
    notifiers = build_notifiers(settings(base_url="http://127.0.0.1:8080"))
    assert isinstance(notifiers["sms"], ConsoleNotifier)
    assert notifiers["pagerduty"].send(make_message(routing_key=None)).provider_id == "console-42"


def test_partial_twilio_settings_or_events_base_alone_stay_console(make_message):
    notifiers = build_notifiers(settings(
        twilio_account_sid="AC" + "0" * 32, twilio_auth_token="token",
        pagerduty_events_base="https://events.eu.pagerduty.com",
    ))
    assert isinstance(notifiers["sms"], ConsoleNotifier)
    assert notifiers["pagerduty"].send(make_message(routing_key=None)).provider_id == "console-42"


def test_a_level_routing_key_pages_pagerduty_without_a_default_key(fake_pagerduty, make_message):
    notifiers = build_notifiers(settings(pagerduty_events_base=fake_pagerduty.base_url))
    result = notifiers["pagerduty"].send(make_message(routing_key=ROUTING_KEY))
    assert result.ok and result.provider_id != "console-42"
    assert [e["routing_key"] for e in fake_pagerduty.events] == [ROUTING_KEY]


def test_configured_providers_are_used_and_wired(fake_pagerduty, fake_twilio, make_message):
    notifiers = build_notifiers(settings(
        twilio_account_sid=fake_twilio.account_sid, twilio_auth_token=fake_twilio.auth_token,
        twilio_from="+15557650000", twilio_api_base=fake_twilio.base_url,
        pagerduty_routing_key=ROUTING_KEY, pagerduty_events_base=fake_pagerduty.base_url,
        base_url="https://oncall.example.com/",
    ))
    assert isinstance(notifiers["pagerduty"], PagerDutyNotifier)
    assert isinstance(notifiers["sms"], TwilioSmsNotifier)

    assert notifiers["pagerduty"].send(make_message()).ok
    assert notifiers["sms"].send(make_message(channel="sms")).ok
    assert fake_pagerduty.events[0]["routing_key"] == ROUTING_KEY
    form = fake_twilio.requests[0].form()
    assert form["StatusCallback"] == "https://oncall.example.com/webhooks/twilio/status"
    assert form["From"] == "+15557650000"
