"""The notifier used when a channel's provider is not configured: it only logs.

The ack link and reply code are logged on purpose (on a laptop that is how you acknowledge);
the routing key is not, it is a credential.
"""

import logging

from .base import Message, SendResult

log = logging.getLogger("oncall.notify")


class ConsoleNotifier:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: Message) -> SendResult:
        log.info(
            "[%s] %s notification %d to %s (%s): %s %s | dedup_key=%s ack=%s reply_code=%s "
            "ticket=%s",
            self.channel,
            message.kind,
            message.notification_id,
            message.recipient_name or "-",
            message.recipient_phone or message.recipient_pagerduty_user_id or "-",
            message.severity.upper(),
            message.summary,
            message.dedup_key,
            message.ack_url or "-",
            message.reply_code or "-",
            message.ticket_url or "-",
        )
        return SendResult(ok=True, provider_id=f"console-{message.notification_id}")
