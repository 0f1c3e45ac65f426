"""Query models shared by list endpoints."""
from pydantic import Field

from oncall.schemas.base import RequestModel
from oncall.schemas.types import MAX_INT


class Page(RequestModel):
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=MAX_INT)
