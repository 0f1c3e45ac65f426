"""Teams, their members and their business hours."""
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    timezone: str = Field(default="UTC", max_length=64)
    pagerduty_routing_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_at_field()


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_member"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE", index=True)
    is_manager: bool = False


class BusinessHours(SQLModel, table=True):
    __tablename__ = "business_hours"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    timezone: str = Field(max_length=64)
    holiday_country: str | None = Field(default=None, max_length=8)
    holiday_subdivision: str | None = Field(default=None, max_length=16)
    updated_at: datetime = created_at_field()


class BusinessWindow(SQLModel, table=True):
    __tablename__ = "business_window"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="business_hours.team_id", index=True, ondelete="CASCADE")
    days: str = Field(max_length=32)  # "mon,tue,wed"
    start: str = Field(max_length=5)  # "09:00", local wall time
    end: str = Field(max_length=5)


class Holiday(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="business_hours.team_id", index=True, ondelete="CASCADE")
    day: date
    name: str | None = Field(default=None, max_length=200)
