"""Pick a notifier per channel from the settings: the provider when configured, else console.

- ``sms`` is Twilio when account sid, auth token and from number are all set.
- ``pagerduty`` is PagerDuty when the default routing key is set; a level's or team's own
  key (``Message.routing_key``) then overrides it per message. Without a default key, a
  message that carries its own key still goes to PagerDuty and the others go to the
  console, so per-level keys work without a catch-all service.

``settings`` is any object with the attributes ``twilio_account_sid``, ``twilio_auth_token``,
``twilio_from``, ``twilio_api_base``, ``pagerduty_routing_key``, ``pagerduty_events_base``
and ``base_url`` (``None`` when unset).
"""

from .base import Message, Notifier, SendResult
from .console import ConsoleNotifier
from .pagerduty import DEFAULT_EVENTS_BASE, PagerDutyNotifier
from .twilio_sms import DEFAULT_API_BASE, TwilioSmsNotifier

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"


def build_notifiers(settings) -> dict[str, Notifier]:
    return {"pagerduty": _pagerduty(settings), "sms": _sms(settings)}


class KeyedPagerDuty:
    """PagerDuty for messages that carry a routing key, the console for the rest."""

    channel = "pagerduty"

    def __init__(self, pagerduty: PagerDutyNotifier):
        self.pagerduty = pagerduty
        self.console = ConsoleNotifier("pagerduty")

    def send(self, message: Message) -> SendResult:
        return (self.pagerduty if message.routing_key else self.console).send(message)


def _pagerduty(settings) -> Notifier:
    notifier = PagerDutyNotifier(
        default_routing_key=settings.pagerduty_routing_key,
        events_base=settings.pagerduty_events_base or DEFAULT_EVENTS_BASE,
    )
    return notifier if settings.pagerduty_routing_key else KeyedPagerDuty(notifier)


def _sms(settings) -> Notifier:
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from):
        return ConsoleNotifier("sms")
    base_url = settings.base_url
    return TwilioSmsNotifier(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_number=settings.twilio_from,
        api_base=settings.twilio_api_base or DEFAULT_API_BASE,
        status_callback=base_url.rstrip("/") + STATUS_CALLBACK_PATH if base_url else None,
    )
