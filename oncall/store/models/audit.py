"""The append-only, hash-chained audit log."""
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_actor", "actor"),
        Index("ix_audit_entry_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64)  # "user.create", "incident.acknowledge", ...
    object_type: str = Field(max_length=32)
    object_id: str | None = Field(default=None, max_length=64)
    before: dict | None = json_field(lambda: None, nullable=True)
    after: dict | None = json_field(lambda: None, nullable=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
