"""Pick a notifier per channel from the settings: the provider when configured, else console.

- ``sms`` is Twilio when account sid, auth token and from number are all set.
- ``pagerduty`` is PagerDuty when the default routing key is set; a level's or team's own
  key (``Message.routing_key``) then overrides it per message. The choice is made once, from
  settings, and per-level keys live in the database, so a deployment that pages only with
  per-level keys still sets a default (e.g. a catch-all service). An events base URL alone
  is not a credential and does not switch PagerDuty on.

``settings`` is any object with the attributes ``twilio_account_sid``, ``twilio_auth_token``,
``twilio_from``, ``twilio_api_base``, ``pagerduty_routing_key``, ``pagerduty_events_base``
and ``base_url`` (``None`` when unset).
"""

from .base import Notifier
from .console import ConsoleNotifier
from .pagerduty import DEFAULT_EVENTS_BASE, PagerDutyNotifier
from .twilio_sms import DEFAULT_API_BASE, TwilioSmsNotifier

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"


def build_notifiers(settings) -> dict[str, Notifier]:
    return {"pagerduty": _pagerduty(settings), "sms": _sms(settings)}


def _pagerduty(settings) -> Notifier:
    if not settings.pagerduty_routing_key:
        return ConsoleNotifier("pagerduty")
    return PagerDutyNotifier(
        default_routing_key=settings.pagerduty_routing_key,
        events_base=settings.pagerduty_events_base or DEFAULT_EVENTS_BASE,
    )


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
