"""The notifier interface: one message to one person on one channel, and its outcome.

A notifier's ``send()`` never raises for provider trouble (rate limits, server errors,
timeouts, refused connections, bad credentials). It returns a ``SendResult`` and the
engine's outbox decides what to do: retry later with backoff when ``retryable``, give up
otherwise. The helpers at the bottom are the one place where that classification lives.
"""

from dataclasses import dataclass, field
from typing import Protocol

ERROR_MAX_CHARS = 500  # enough to diagnose, small enough for an outbox column


@dataclass(frozen=True)
class Message:
    notification_id: int
    channel: str  # "pagerduty" | "sms"
    kind: str  # "trigger" | "acknowledge" | "resolve"
    dedup_key: str
    summary: str  # ticket id + title, e.g. "INC0010001 Email server down"
    severity: str  # critical | high | medium | low | info
    recipient_phone: str | None
    recipient_name: str | None
    recipient_pagerduty_user_id: str | None
    routing_key: str | None  # PagerDuty: the level's/team's key, else the configured default
    ack_url: str | None
    ticket_url: str | None
    reply_code: str | None
    details: dict = field(default_factory=dict)  # extra context, e.g. {"level": 2}


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_id: str | None = None
    retryable: bool = False
    error: str | None = None


class Notifier(Protocol):
    channel: str

    def send(self, message: Message) -> SendResult: ...


def _clip(text: str) -> str:
    return text if len(text) <= ERROR_MAX_CHARS else text[: ERROR_MAX_CHARS - 3] + "..."


def is_retryable_status(status: int) -> bool:
    """429 and 5xx are worth another try later; any other answer will not change."""
    return status == 429 or status >= 500


def http_failure(status: int, detail: str) -> SendResult:
    """The provider answered with an error status."""
    return SendResult(
        ok=False, retryable=is_retryable_status(status), error=_clip(f"HTTP {status}: {detail}")
    )


def network_failure(exc: BaseException) -> SendResult:
    """No usable answer: timeout, refused or reset connection, TLS failure. Retryable."""
    return SendResult(ok=False, retryable=True, error=_clip(f"{type(exc).__name__}: {exc}"))


def rejected(reason: str) -> SendResult:
    """We cannot send this message at all (missing phone, missing routing key, ...)."""
    return SendResult(ok=False, retryable=False, error=_clip(reason))
