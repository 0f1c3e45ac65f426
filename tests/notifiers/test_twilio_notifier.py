"""TwilioSmsNotifier against the fake Messages API, with the official client over real HTTP."""

import time

import pytest

from oncall.notifiers.twilio_sms import TwilioSmsNotifier, sms_body, sms_units
from tests.fakes import FakeTwilio

FROM = "+15557650000"
CALLBACK = "http://oncall.test/webhooks/twilio/status"


def make_notifier(fake, **overrides) -> TwilioSmsNotifier:
    options = dict(
        account_sid=fake.account_sid, auth_token=fake.auth_token, from_number=FROM,
        api_base=fake.base_url, status_callback=CALLBACK, timeout=1.0,
    )
    return TwilioSmsNotifier(**(options | overrides))


@pytest.fixture
def notifier(fake_twilio):
    return make_notifier(fake_twilio)


def sms(make_message, **overrides):
    return make_message(channel="sms", **overrides)


def timed(notifier, message):
    started = time.monotonic()
    result = notifier.send(message)
    return result, time.monotonic() - started


def test_send_wire_form(notifier, fake_twilio, make_message):
    result = notifier.send(sms(make_message))

    [request] = fake_twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert request.form() == {
        "To": "+15551230001",
        "From": FROM,
        "Body": "[oncall] CRITICAL INC0010001 Email server down "
                "Ack: https://oncall.test/ack/tok123 or reply ACK 4821",
        "StatusCallback": CALLBACK,
    }
    [created] = fake_twilio.messages
    assert result.ok and result.provider_id == created["sid"] and created["sid"].startswith("SM")


def test_no_status_callback_is_not_sent(fake_twilio, make_message):
    assert make_notifier(fake_twilio, status_callback=None).send(sms(make_message)).ok
    assert "StatusCallback" not in fake_twilio.requests[0].form()


def test_long_title_keeps_ack_link_and_code_within_two_segments(notifier, fake_twilio,
                                                                 make_message):
    assert notifier.send(sms(make_message, summary="INC0010001 " + "x" * 500)).ok

    body = fake_twilio.requests[0].form()["Body"]
    assert len(body) <= 306 and sms_units(body) == (306, 306)  # cut exactly to the limit
    assert body.startswith("[oncall] CRITICAL INC0010001 xxx")
    assert body.endswith("x... Ack: https://oncall.test/ack/tok123 or reply ACK 4821")


def test_gsm_extension_characters_count_double(make_message):
    # "[oncall]" alone costs 10 septets; a 306-character body would be three segments
    body = sms_body(make_message(summary="INC0010001 " + "{" * 400))
    assert sms_units(body) in [(305, 306), (306, 306)]
    assert body.startswith("[oncall] CRITICAL INC0010001 {{{")
    assert body.endswith("{... Ack: https://oncall.test/ack/tok123 or reply ACK 4821")


def test_non_gsm_title_uses_the_ucs2_budget(make_message):
    body = sms_body(make_message(summary="INC0010001 " + "Сервер почты недоступен, " * 10))
    assert sms_units(body) in [(133, 134), (134, 134)]
    assert body.startswith("[oncall] CRITICAL INC0010001 Сервер почты недоступен, Сервер")
    assert body.endswith("... Ack: https://oncall.test/ack/tok123 or reply ACK 4821")


def test_non_gsm_title_falls_back_to_gsm_when_ucs2_would_lose_the_ticket_id(make_message):
    ack_url = "https://oncall.example.com/ack/" + "t" * 80
    body = sms_body(make_message(summary="INC0010001 Почта 📧 недоступна", ack_url=ack_url))
    assert body == (
        f"[oncall] CRITICAL INC0010001 ????? ? ?????????? Ack: {ack_url} or reply ACK 4821"
    )
    assert sms_units(body) == (len(body) + 2, 306)  # GSM-7; "[" and "]" cost two septets


def test_accents_become_gsm_look_alikes(make_message):
    body = sms_body(make_message(summary="INC1 Façade ç " + "x" * 300, reply_code=None))
    assert body.startswith("[oncall] CRITICAL INC1 Facade c xxx") and sms_units(body)[1] == 306


@pytest.mark.parametrize(
    "ack_url, reply_code, ending",
    [(None, "4821", "down reply ACK 4821"),
     ("https://oncall.test/a/1", None, "down Ack: https://oncall.test/a/1"),
     (None, None, "down")],
)
def test_ack_instructions_follow_what_the_message_has(make_message, ack_url, reply_code, ending):
    body = sms_body(make_message(ack_url=ack_url, reply_code=reply_code, severity="high"))
    assert body == "[oncall] HIGH INC0010001 Email server " + ending


def test_title_newlines_are_flattened(make_message):
    body = sms_body(make_message(summary="INC1 line one\n\nline   two", reply_code=None))
    assert body == "[oncall] CRITICAL INC1 line one line two Ack: https://oncall.test/ack/tok123"


def test_recipient_without_phone_is_rejected(notifier, fake_twilio, make_message):
    result = notifier.send(sms(make_message, recipient_phone=None))
    assert not result.ok and not result.retryable and "no phone" in result.error
    assert fake_twilio.requests == []


def test_bad_credentials_are_not_retryable(fake_twilio, make_message):
    result = make_notifier(fake_twilio, auth_token="wrong").send(sms(make_message))
    assert not result.ok and not result.retryable
    assert "HTTP 401" in result.error and "20003" in result.error


def test_invalid_number_is_not_retryable(notifier, make_message):
    result = notifier.send(sms(make_message, recipient_phone="555-0100"))
    assert not result.ok and not result.retryable and "21211" in result.error


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_rate_limits_are_retryable_and_prompt(notifier, fake_twilio,
                                                                 make_message, status):
    fake_twilio.fail_next(1, status=status)
    result, elapsed = timed(notifier, sms(make_message))

    assert not result.ok and result.retryable and f"HTTP {status}" in result.error
    assert elapsed < 2 and len(fake_twilio.requests) == 1
    assert fake_twilio.messages == []


def test_rfc9457_error_is_caught_too(notifier, fake_twilio, make_message):
    problem = {"type": "https://www.twilio.com/docs/errors/20503", "title": "Service Unavailable",
               "status": 503, "code": 20503, "detail": "try later"}
    fake_twilio.fail_next(1, status=503, body=problem)  # -> TwilioServiceException
    result = notifier.send(sms(make_message))
    assert not result.ok and result.retryable
    assert result.error == "HTTP 503: Service Unavailable: try later (code 20503)"


def test_timeout_is_retryable_within_the_configured_timeout(notifier, fake_twilio, make_message):
    fake_twilio.delay_next(1, seconds=10)
    result, elapsed = timed(notifier, sms(make_message))

    assert not result.ok and result.retryable and "Timeout" in result.error
    assert 0.9 < elapsed < 2.5


def test_refused_connection_is_retryable(notifier, fake_twilio, make_message):
    assert notifier.send(sms(make_message)).ok  # leaves a pooled keep-alive connection
    fake_twilio.stop()
    result, elapsed = timed(notifier, sms(make_message))
    assert not result.ok and result.retryable and "ConnectionError" in result.error
    assert elapsed < 2


def test_https_base_with_ca_bundle_and_twilio_edge_ignored(make_message, monkeypatch):
    monkeypatch.setenv("TWILIO_EDGE", "sydney")  # would rewrite the host to *.twilio.com
    monkeypatch.setenv("TWILIO_REGION", "au1")
    with FakeTwilio(tls=True) as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
        result = make_notifier(fake).send(sms(make_message))
    assert fake.base_url.startswith("https://")
    assert result.ok and result.provider_id == fake.messages[0]["sid"]
