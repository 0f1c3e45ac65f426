"""The ``ticket`` channel: the outbox sender's notifier for write-back notes.

``send()`` reads the note (``ticket_note``) and the incident's connector, then adds the note
to the ticket through the connector. Like every notifier it never raises: a failure comes
back as a ``SendResult`` and the outbox retries it with backoff when that may help.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from oncall.connectors import ConnectorError
from oncall.metrics import WRITEBACKS
from oncall.notifiers.base import Message, SendResult, rejected
from oncall.services import connectors
from oncall.services.writeback import CHANNEL
from oncall.store.models import Incident, Integration, TicketConnector, TicketNote


class TicketNotifier:
    channel = CHANNEL

    def __init__(self, *, db: Engine, secret_key: str):
        self.db = db
        self.secret_key = secret_key

    def send(self, message: Message) -> SendResult:
        with Session(self.db) as session:
            note = session.get(TicketNote, message.notification_id)
            incident = session.get(Incident, message.details.get("incident_id"))
            integration_id = incident.integration_id if incident else None
            row = session.get(TicketConnector, integration_id) if integration_id else None
            if note is None or row is None:
                return rejected("no ticket connector for this incident any more")
            source = session.get(Integration, integration_id).source
            ticket_id, details = incident.external_id, dict(incident.details)
            body, assignee = note.body, note.assignee_email
            try:
                api = connectors.open_connector(row, source, self.secret_key)
            except ConnectorError as exc:
                return rejected(exc.message)
        try:
            with api:
                api.add_note(ticket_id, details, body, assignee)
        except ConnectorError as exc:
            WRITEBACKS.labels(source, "error").inc()
            return SendResult(ok=False, retryable=exc.retryable, error=exc.message)
        WRITEBACKS.labels(source, "ok").inc()
        return SendResult(ok=True, provider_id=f"{source}:{ticket_id}")
