"""SMS notifier on the official ``twilio`` client (9.x, requests).

- Timeout: ``TwilioHttpClient`` has none by default; we pass one.
- Host: ``ONCALL_TWILIO_API_BASE`` becomes ``client.api.base_url`` (the domain that serves
  the Messages API). ``TWILIO_EDGE``/``TWILIO_REGION`` from the environment would rewrite
  that host, so they are switched off: our setting alone decides where messages go.
- TLS: requests merges the environment on every request, so ``REQUESTS_CA_BUNDLE`` (or
  ``CURL_CA_BUNDLE``) names the CA file for an https base.
- Errors: a legacy JSON error raises ``TwilioRestException``; an RFC 9457 body raises
  ``TwilioServiceException``, which is not a subclass of it. Both carry ``status``.
"""

import requests
from twilio.base import values
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .base import Message, SendResult, http_failure, network_failure, rejected

DEFAULT_API_BASE = "https://api.twilio.com"

# GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
TWO_SEGMENTS_GSM = 306  # 2 x 153 septets
TWO_SEGMENTS_UCS2 = 134  # 2 x 67 UTF-16 code units, once any character is outside GSM


def sms_overflow(text: str) -> int:
    """How far ``text`` is over two SMS segments, in its own encoding's units (<= 0: fits)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        return sum(2 if c in GSM_EXTENDED else 1 for c in text) - TWO_SEGMENTS_GSM
    return len(text.encode("utf-16-le")) // 2 - TWO_SEGMENTS_UCS2


def sms_body(message: Message) -> str:
    """``[oncall] CRITICAL INC0010001 <title> Ack: <url> or reply ACK <code>``.

    Only the summary is shortened to stay within two segments; the ack link and the reply
    code are always whole (if they alone exceed two segments, so be it).
    """
    head = f"[oncall] {message.severity.upper()} "
    ways = []
    if message.ack_url:
        ways.append(f"Ack: {message.ack_url}")
    if message.reply_code:
        ways.append(f"reply ACK {message.reply_code}")
    tail = (" " + " or ".join(ways)) if ways else ""
    summary = " ".join(message.summary.split())  # no newlines or runs of spaces
    body = head + summary + tail
    keep = len(summary)
    while keep > 0 and (over := sms_overflow(body)) > 0:
        keep = max(keep - over, 0)  # every character costs at least one unit
        kept = summary[:keep].rstrip()
        body = head + (kept + "..." if kept else "") + tail
    return body


class TwilioSmsNotifier:
    channel = "sms"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str = DEFAULT_API_BASE,
        status_callback: str | None = None,
        timeout: float = 5.0,
    ):
        if not api_base.startswith(("https://", "http://")):
            raise ValueError(f"Twilio API base must be an http(s):// URL, not {api_base!r}")
        self._from = from_number
        self._status_callback = status_callback or values.unset
        self._client = Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout)
        )
        self._client.edge = self._client.region = None
        self._client.api.base_url = api_base.rstrip("/")

    def send(self, message: Message) -> SendResult:
        if not message.recipient_phone:
            return rejected(f"{message.recipient_name or 'recipient'} has no phone number")
        try:
            sent = self._client.messages.create(
                to=message.recipient_phone,
                from_=self._from,
                body=sms_body(message),
                status_callback=self._status_callback,
            )
        except TwilioRestException as exc:
            return http_failure(exc.status, f"{exc.msg} (code {exc.code})")
        except TwilioServiceException as exc:
            return http_failure(exc.status, f"{exc.title}: {exc.detail} (code {exc.code})")
        except TwilioException as exc:  # raised by the client itself, no HTTP answer to judge
            return rejected(f"Twilio client error: {exc}")
        except requests.RequestException as exc:
            return network_failure(exc)
        return SendResult(ok=True, provider_id=sent.sid)
