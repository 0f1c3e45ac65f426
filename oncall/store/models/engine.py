"""Engine heartbeats: each process's tick records itself, so a stalled engine shows."""
from datetime import datetime

from sqlmodel import Field, SQLModel


class EngineHeartbeat(SQLModel, table=True):
    __tablename__ = "engine_heartbeat"

    worker_id: str = Field(primary_key=True, max_length=128)  # host:pid:start
    started_at: datetime
    last_tick_at: datetime = Field(index=True)
    last_tick_seconds: float = 0.0
    ticks: int = 0
