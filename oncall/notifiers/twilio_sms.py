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

import unicodedata
from collections.abc import Callable
from itertools import accumulate

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
GSM = GSM_BASIC | GSM_EXTENDED
TWO_SEGMENTS_GSM = 306  # 2 x 153 septets
TWO_SEGMENTS_UCS2 = 134  # 2 x 67 UTF-16 code units, once any character is outside GSM


def sms_units(text: str) -> tuple[int, int]:
    """``(units used, two-segment limit)`` for ``text`` in the encoding it will be sent in."""
    cost, limit = _encoding(text)
    return sum(map(cost, text)), limit


def _encoding(text: str) -> tuple[Callable[[str], int], int]:
    if GSM.issuperset(text):
        return (lambda c: 2 if c in GSM_EXTENDED else 1), TWO_SEGMENTS_GSM
    return (lambda c: len(c.encode("utf-16-le")) // 2), TWO_SEGMENTS_UCS2


def _gsm_char(c: str) -> str:
    base = unicodedata.normalize("NFKD", c)[:1]  # "ç" -> "c"
    return c if c in GSM else base if base in GSM else "?"


def sms_body(message: Message) -> str:
    """``[oncall] CRITICAL INC0010001 <title> Ack: <url> or reply ACK <code>``.

    Only the summary is shortened to stay within two segments; the ack link and the reply
    code are always whole (if they alone exceed two segments, so be it). One character
    outside GSM-7 switches the whole SMS to UCS-2 (134 units for two segments instead of
    306), where a long ack link can leave no room even for the ticket id; so a GSM-only
    rendering of the summary ("?" for what has no GSM look-alike) is sent instead when it
    keeps more real characters.
    """
    prefix = f"[oncall] {message.severity.upper()}"
    ways = []
    if message.ack_url:
        ways.append(f"Ack: {message.ack_url}")
    if message.reply_code:
        ways.append(f"reply ACK {message.reply_code}")
    instructions = " or ".join(ways)

    def compose(text: str) -> str:
        return " ".join(part for part in (prefix, text, instructions) if part)

    def fit(text: str) -> tuple[str, str]:
        """(the part of ``text`` kept, the body)"""
        body = compose(text)
        cost, limit = _encoding(body)
        if sum(map(cost, body)) <= limit:
            return text, body
        budget = limit - sum(map(cost, compose("...")))  # what is left for the summary
        kept = text[: sum(1 for used in accumulate(map(cost, text)) if used <= budget)].rstrip()
        return kept, compose(kept + "..." if kept else "")

    summary = " ".join(message.summary.split())  # no newlines or runs of spaces
    best_score, best_body = -1, ""
    for text in dict.fromkeys([summary, "".join(map(_gsm_char, summary))]):
        kept, body = fit(text)
        score = sum(1 for ours, sent in zip(summary, kept) if sent == ours or sent != "?")
        if score > best_score:  # a tie keeps the original
            best_score, best_body = score, body
    return best_body


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
