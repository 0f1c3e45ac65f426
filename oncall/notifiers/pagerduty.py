"""PagerDuty Events API v2 notifier, on the official ``pagerduty`` client (7.x, httpx2).

Retries: the outbox owns them. Left alone, ``EventsApiV2Client`` retries a 429 forever and
sleeps about three minutes of backoff on a 503, inside our tick. So every client we build
gets, after construction (its ``__init__`` fills ``retry`` with 5xx counts):

- ``retry = {429: 1}``: no in-call retry for 5xx (the answer goes straight back as a
  retryable result). 429 cannot be switched off: a count of 0 means "retry forever" to the
  client, so it is capped at one extra attempt after ``sleep_timer * 2`` = 0.5 s.
- ``max_network_attempts = 0``: a timeout or refused connection raises at once (the default
  is three more attempts with 3 + 6 + 12 s of sleep).
- ``timeout = 5.0``: the client passes this attribute on every request (default 60 s);
  httpx applies it to each phase (connect, write, read between bytes, pool wait).

So one attempt per ``send()``, or two with 0.5 s between them after a 429.

TLS: the client accepts https base URLs only. httpx2 builds its SSL context when a client
is created (here: on the first message for a routing key) and honours ``SSL_CERT_FILE``
(then ``SSL_CERT_DIR``) at that moment (``httpcore2._ssl.default_ssl_context``); tests
point it at the fake server's CA.
"""

import threading

import pagerduty

from .base import Message, SendResult, http_failure, network_failure, rejected

DEFAULT_EVENTS_BASE = "https://events.pagerduty.com"
SOURCE = "oncall"
SUMMARY_MAX_CHARS = 1024  # Events API v2 limit

# oncall severities -> Events API v2 severities (the inverse of the inbound mapping)
SEVERITIES = {
    "critical": "critical",
    "high": "error",
    "medium": "warning",
    "low": "info",
    "info": "info",
}


class PagerDutyNotifier:
    channel = "pagerduty"

    def __init__(
        self,
        default_routing_key: str | None = None,
        events_base: str = DEFAULT_EVENTS_BASE,
        timeout: float = 5.0,
    ):
        if not events_base.startswith("https://"):
            raise ValueError(f"PagerDuty events base must be an https:// URL, not {events_base!r}")
        self._default_routing_key = default_routing_key
        self._events_base = events_base
        self._timeout = timeout
        self._clients: dict[str, pagerduty.EventsApiV2Client] = {}  # one per routing key
        self._lock = threading.Lock()

    def send(self, message: Message) -> SendResult:
        routing_key = message.routing_key or self._default_routing_key
        if not routing_key:
            return rejected("no PagerDuty routing key for this level/team and no default")
        client = self._client(routing_key)
        try:
            if message.kind == "trigger":
                dedup_key = client.trigger(**trigger_fields(message))
            elif message.kind == "acknowledge":
                dedup_key = client.acknowledge(message.dedup_key)
            elif message.kind == "resolve":
                dedup_key = client.resolve(message.dedup_key)
            else:
                return rejected(f"unknown message kind {message.kind!r}")
        except pagerduty.HttpError as exc:  # an answer with an error status (or a bad body)
            return http_failure(exc.response.status_code, exc.response.text)
        except pagerduty.Error as exc:  # no answer; the transport error is the cause
            return network_failure(exc.__cause__ or exc)
        return SendResult(ok=True, provider_id=dedup_key)

    def _client(self, routing_key: str) -> pagerduty.EventsApiV2Client:
        with self._lock:
            client = self._clients.get(routing_key)
            if client is None:
                client = pagerduty.EventsApiV2Client(routing_key, base_url=self._events_base)
                client.retry = {429: 1}
                client.sleep_timer = 0.25
                client.max_network_attempts = 0
                client.timeout = self._timeout
                self._clients[routing_key] = client
            return client


def trigger_fields(message: Message) -> dict:
    """Keyword arguments for ``EventsApiV2Client.trigger`` (the ``payload`` and ``links``)."""
    details = dict(message.details)
    if message.recipient_name:
        details["on_call"] = message.recipient_name
    if message.recipient_pagerduty_user_id:
        details["on_call_pagerduty_user_id"] = message.recipient_pagerduty_user_id
    if message.ticket_url:
        details["ticket_url"] = message.ticket_url
    links = []
    if message.ack_url:
        links.append({"href": message.ack_url, "text": "Acknowledge"})
    if message.ticket_url:
        links.append({"href": message.ticket_url, "text": "Ticket"})
    return {
        "summary": message.summary[:SUMMARY_MAX_CHARS],
        "source": SOURCE,
        "dedup_key": message.dedup_key,
        # an unknown severity still pages, loudly
        "severity": SEVERITIES.get(message.severity, "critical"),
        "custom_details": details,
        "links": links,
    }
