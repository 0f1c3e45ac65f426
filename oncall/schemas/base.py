"""Base classes for request and response models."""
from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """Strict about unknown fields: a typo in a field name is a 400, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
