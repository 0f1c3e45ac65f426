"""Incidents, their timelines and the notification outbox."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field, text_field


class IncidentStatus(StrEnum):
    triggered = "triggered"
    acknowledged = "acknowledged"
    resolved = "resolved"


class Incident(SQLModel, table=True):
    __table_args__ = (
        # One open incident per (integration, team, dedup key): the database, not a
        # read-then-write race, decides whether a repeated event opens a new incident.
        Index(
            "uq_incident_open_dedup",
            "integration_id",
            "team_id",
            "dedup_key",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_incident_due", "next_deadline"),
        Index("ix_incident_team_created", "team_id", "created_at"),
        Index("ix_incident_created", "created_at"),  # reports over a period, all teams
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    policy_id: int | None = Field(default=None, foreign_key="escalation_policy.id", ondelete="SET NULL")
    integration_id: int | None = Field(default=None, foreign_key="integration.id", ondelete="SET NULL")
    source: str = Field(max_length=32)
    external_id: str = Field(max_length=255)
    dedup_key: str = Field(max_length=255)
    ticket_group: str | None = Field(default=None, max_length=64, index=True)  # links incidents of one ticket
    title: str = Field(max_length=1024)
    severity: str = Field(max_length=16)
    status: str = Field(default=IncidentStatus.triggered.value, max_length=16, index=True)
    urgency: str = Field(default="high", max_length=8)
    link: str | None = Field(default=None, max_length=2048)
    details: dict = json_field(dict)
    created_at: datetime = created_at_field()
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    resolved_at: datetime | None = None
    # Escalation state, owned by the engine.
    policy_snapshot: dict = json_field(dict)
    level: int = 0  # 1-based level being (or last) paged; 0 = not started
    loop: int = 0  # how many times the level list has been run again
    next_deadline: datetime | None = None  # when the engine must look at this incident next
    escalation_state: str = Field(default="pending", max_length=16)  # pending | running | exhausted | stopped
    claimed_until: datetime | None = None


class TimelineEntry(SQLModel, table=True):
    __tablename__ = "timeline_entry"
    __table_args__ = (
        Index("ix_timeline_entry_incident_kind", "incident_id", "kind"),  # also serves incident_id alone
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    at: datetime = created_at_field()
    kind: str = Field(max_length=32)
    actor: str = Field(max_length=200)  # "system", "engine", "user:3", "integration:2", ...
    message: str = Field(max_length=2048)
    data: dict = json_field(dict)


class NotificationStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    cancelled = "cancelled"


class Notification(SQLModel, table=True):
    """The outbox: one message to one person on one channel for one level of one incident."""

    __table_args__ = (
        Index("ix_notification_due", "status", "next_attempt_at"),
        Index("ix_notification_kind_sent", "kind", "sent_at"),  # pages sent in a period (reports)
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    # Makes the outbox write idempotent: a step replayed after a crash cannot queue twice.
    idempotency_key: str = Field(max_length=128, unique=True)
    kind: str = Field(default="trigger", max_length=16)  # trigger | acknowledge | resolve
    level: int = 0
    loop: int = 0
    channel: str = Field(max_length=16)  # pagerduty | sms | console | ...
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    recipient: str | None = Field(default=None, max_length=320)
    reply_code: str | None = Field(default=None, max_length=8)
    status: str = Field(default=NotificationStatus.pending.value, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_until: datetime | None = None
    provider_id: str | None = Field(default=None, max_length=128, index=True)
    error: str | None = text_field()
    created_at: datetime = created_at_field()
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
