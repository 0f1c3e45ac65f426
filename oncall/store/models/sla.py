"""SLA targets per team and severity, and the breaches the engine records as they happen."""
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field


class SlaTarget(SQLModel, table=True):
    """"Acknowledge within N seconds, resolve within M" for one team and severity; None: no target."""

    __tablename__ = "sla_target"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    severity: str = Field(primary_key=True, max_length=16)
    acknowledge_seconds: int | None = None
    resolve_seconds: int | None = None
    updated_at: datetime = created_at_field()


class SlaBreach(SQLModel, table=True):
    """One missed target of one incident; the unique (incident, kind) makes recording idempotent."""

    __tablename__ = "sla_breach"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind", name="uq_sla_breach_incident_kind"),
        Index("ix_sla_breach_team_due", "team_id", "due_at"),
        Index("ix_sla_breach_due", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    severity: str = Field(max_length=16)
    kind: str = Field(max_length=16)  # acknowledge | resolve
    target_seconds: int
    due_at: datetime  # created_at + target: the instant the target was missed
    recorded_at: datetime = created_at_field()
