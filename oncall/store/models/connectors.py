"""Ticketing connectors: API access to an integration's ticketing system, and write-back notes.

A connector reads tickets from the source's API (the poller, for instances that cannot send
webhooks) and writes notes back to them. Its poll state lives here too: the cursor (the
creation instant of the newest ticket read, plus the ids read at exactly that instant), the
lease that keeps two processes from polling it at once, and the last outcome.
"""
from datetime import datetime

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field, text_field


class TicketConnector(SQLModel, table=True):
    __tablename__ = "ticket_connector"

    integration_id: int = Field(primary_key=True, foreign_key="integration.id", ondelete="CASCADE")
    base_url: str = Field(max_length=2048)
    auth_type: str = Field(max_length=8)  # basic | token
    credentials: str = text_field(nullable=False)  # encrypted JSON, never shown again
    poll: bool = True
    interval_seconds: int = 60
    project: str | None = Field(default=None, max_length=255)  # Jira project key
    write_back: bool = True
    assign_on_ack: bool = False
    cursor: datetime | None = None
    cursor_seen: list = json_field(list)  # ticket ids created exactly at ``cursor``, already read
    next_poll_at: datetime | None = Field(default=None, index=True)
    lease_until: datetime | None = None
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = text_field()
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class TicketNote(SQLModel, table=True):
    """What a ``ticket``/``writeback`` outbox row writes to the ticket."""

    __tablename__ = "ticket_note"

    notification_id: int = Field(primary_key=True, foreign_key="notification.id", ondelete="CASCADE")
    event: str = Field(max_length=16)  # paged | escalated | acknowledged | resolved
    body: str = text_field(nullable=False)
    assignee_email: str | None = Field(default=None, max_length=320)
