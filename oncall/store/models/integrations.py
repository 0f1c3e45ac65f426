"""Inbound integrations and every event they delivered."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field, text_field


class Integration(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    policy_id: int = Field(foreign_key="escalation_policy.id", index=True, ondelete="RESTRICT")
    source: str = Field(max_length=32)  # events_v2 | servicenow | jira | thehive | splunk | alertmanager | generic
    name: str = Field(max_length=200)
    min_severity: str = Field(default="high", max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    key_hint: str = Field(max_length=8)  # first characters, to recognise a key in the UI
    previous_key_hash: str | None = Field(default=None, max_length=64, index=True)
    previous_key_expires_at: datetime | None = None
    signing_secret: str | None = text_field()  # encrypted at rest
    routing_rules: list = json_field(list)
    rate_limit_per_minute: int | None = None
    created_at: datetime = created_at_field()


class InboundEvent(SQLModel, table=True):
    """Every accepted event, with its raw body, whatever became of it."""

    __tablename__ = "inbound_event"

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True, ondelete="CASCADE")
    received_at: datetime = created_at_field()
    action: str = Field(max_length=16)
    dedup_key: str = Field(max_length=255)
    severity: str | None = Field(default=None, max_length=16)
    outcome: str = Field(max_length=32)  # opened | appended | below_min_severity | unknown_dedup_key | ...
    incident_ids: list = json_field(list)
    raw_body: str | None = text_field()


class WebhookDelivery(SQLModel, table=True):
    """Provider webhook deliveries already handled (PagerDuty retries the same X-Webhook-Id)."""

    __tablename__ = "webhook_delivery"

    provider: str = Field(primary_key=True, max_length=16)
    delivery_id: str = Field(primary_key=True, max_length=128)
    received_at: datetime = created_at_field()
