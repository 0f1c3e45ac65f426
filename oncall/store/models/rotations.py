"""Rotations: layers with effective-dated versions, ordered members, overrides."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from oncall.store.models.common import created_at_field, json_field


class Rotation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    ical_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = created_at_field()


class Layer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    rotation_id: int = Field(foreign_key="rotation.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    position: int  # 0 = bottom layer


class LayerVersion(SQLModel, table=True):
    """One configuration of a layer, in force from ``effective_from`` until the next one."""

    __tablename__ = "layer_version"

    id: int | None = Field(default=None, primary_key=True)
    layer_id: int = Field(foreign_key="layer.id", index=True, ondelete="CASCADE")
    effective_from: datetime | None = None  # None: since the layer was created
    handoff: str = Field(max_length=19)  # naive wall time in the rotation's timezone
    handoff_fold: int = 0  # 1: the later of a repeated wall hour (set by effective-dated edits)
    shift_unit: str = Field(max_length=8)  # hours | days | weeks
    shift_count: int
    member_offset: int = 0
    restrictions: list = json_field(list)  # [{"days": [...], "start": "18:00", "end": "09:00"}]
    created_at: datetime = created_at_field()


class LayerMember(SQLModel, table=True):
    __tablename__ = "layer_member"

    layer_version_id: int = Field(foreign_key="layer_version.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")


class Override(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    rotation_id: int = Field(foreign_key="rotation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    start: datetime = Field(index=True)
    end: datetime = Field(index=True)
    created_at: datetime = created_at_field()
