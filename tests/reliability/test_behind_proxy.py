"""Behind one TLS reverse proxy (docs/deploy.md, deploy/nginx/oncall.conf).

The app listens on http://127.0.0.1:8080; people and providers use
https://oncall.example.com. With ``ONCALL_BASE_URL`` the public URL and
``ONCALL_PROXY_HOPS=1``:

- a Twilio webhook, which Twilio signs over the public URL it called, verifies;
- the client's address, scheme and host are the proxy's ``X-Forwarded-*`` (the login
  throttle and the ack audit trail see the real client, not the proxy);
- with ``ONCALL_PROXY_HOPS=0`` the same headers are ignored: nobody can spoof them when
  there is no proxy.
"""
from __future__ import annotations

import pytest
from flask import jsonify, request
from twilio.request_validator import RequestValidator

from oncall.app import create_app
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.reliability
PUBLIC = "https://oncall.example.com"
TOKEN = "proxy-test-twilio-auth-token"
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "oncall.example.com"}


def _app(db_url: str, hops: int):
    app = create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True, "base_url": PUBLIC,
                      "proxy_hops": hops, "twilio_account_sid": "AC" + "0" * 32, "twilio_auth_token": TOKEN,
                      "twilio_from": "+15005550006"})

    @app.get("/_test/whoami")
    def whoami():
        return jsonify(remote=request.remote_addr, scheme=request.scheme, host=request.host, url=request.url)

    return app


@pytest.fixture
def behind_proxy(app, db_url):
    proxied = _app(db_url, hops=1)
    yield proxied
    proxied.extensions["oncall.engine"].dispose()


def _sms(client, signed_url: str, headers: dict):
    params = {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": "+14155550199",
              "To": "+15005550006", "Body": "ACK 1", "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(signed_url, params)
    return client.post("/webhooks/twilio/sms", data=params, base_url="http://127.0.0.1:8080",
                       headers={"X-Twilio-Signature": signature, **headers})


def test_twilio_signatures_over_the_public_url_verify_behind_the_proxy(behind_proxy):
    client = behind_proxy.test_client()
    ok = _sms(client, PUBLIC + "/webhooks/twilio/sms", FORWARDED)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.mimetype == "text/xml"  # TwiML: the reply to the sender (no such incident here)
    internal = _sms(client, "http://127.0.0.1:8080/webhooks/twilio/sms", FORWARDED)
    assert internal.status_code == 403  # signed over a URL Twilio never called


def test_the_client_is_the_one_the_proxy_names(behind_proxy):
    seen = behind_proxy.test_client().get("/_test/whoami", base_url="http://127.0.0.1:8080", headers=FORWARDED)
    assert seen.get_json() == {"remote": "203.0.113.7", "scheme": "https", "host": "oncall.example.com",
                               "url": "https://oncall.example.com/_test/whoami"}


def test_without_a_proxy_forwarded_headers_are_ignored(app, db_url):
    direct = _app(db_url, hops=0)
    try:
        seen = direct.test_client().get("/_test/whoami", base_url="http://127.0.0.1:8080",
                                        environ_base={"REMOTE_ADDR": "198.51.100.9"}, headers=FORWARDED)
        assert seen.get_json() == {"remote": "198.51.100.9", "scheme": "http", "host": "127.0.0.1:8080",
                                   "url": "http://127.0.0.1:8080/_test/whoami"}
    finally:
        direct.extensions["oncall.engine"].dispose()
