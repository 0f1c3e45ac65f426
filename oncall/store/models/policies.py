"""Escalation policies: ordered levels, each with targets and channels."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field


class EscalationPolicy(SQLModel, table=True):
    __tablename__ = "escalation_policy"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    repeat: int = 0
    page_during_business_hours: bool = False
    created_at: datetime = created_at_field()


class EscalationLevel(SQLModel, table=True):
    __tablename__ = "escalation_level"

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="escalation_policy.id", index=True, ondelete="CASCADE")
    position: int  # 0 = first level
    ack_timeout_seconds: int = 600
    channels: list = json_field(list)  # ["pagerduty", "sms"], in order
    pagerduty_routing_key: str | None = Field(default=None, max_length=64)


class EscalationTarget(SQLModel, table=True):
    __tablename__ = "escalation_target"

    id: int | None = Field(default=None, primary_key=True)
    level_id: int = Field(foreign_key="escalation_level.id", index=True, ondelete="CASCADE")
    position: int
    type: str = Field(max_length=16)  # rotation | user | team
    target_id: int
