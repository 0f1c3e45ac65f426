"""People and credentials: users, API tokens, process-wide settings."""
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    analyst = "analyst"


class User(SQLModel, table=True):
    __tablename__ = "users"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True)
    phone: str | None = Field(default=None, max_length=20)
    timezone: str = Field(default="UTC", max_length=64)
    pagerduty_user_id: str | None = Field(default=None, max_length=64)
    role: str = Field(default=Role.analyst.value, max_length=16)
    password_hash: str | None = Field(default=None, max_length=255)
    ical_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = created_at_field()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = None


class Setting(SQLModel, table=True):
    """Process-wide values kept in the database (e.g. the generated secret key)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=512)
