"""Column helpers shared by the tables."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field

from oncall import clock


def created_at_field() -> Any:
    return Field(default_factory=clock.now, nullable=False)


def json_field(default_factory=dict, nullable: bool = False) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=nullable))


def text_field(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


__all__ = ["created_at_field", "json_field", "text_field", "datetime"]
