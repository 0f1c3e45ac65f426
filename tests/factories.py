"""Small plain-function factories for test data (through the services, like a user would)."""
from __future__ import annotations

import itertools

from sqlmodel import Session

from oncall.schemas.people import TeamCreate, UserCreate
from oncall.services import teams, users

_seq = itertools.count(1)


class Factories:
    def __init__(self, session: Session):
        self.session = session

    def user(self, **fields):
        n = next(_seq)
        data = {"name": f"User {n}", "email": f"user{n}@example.com", "phone": f"+1415555{n:04d}",
                "timezone": "America/New_York", **fields}
        password = data.pop("password", None)
        return users.create(session=self.session, data=UserCreate(**data), actor="test", password=password)

    def team(self, **fields):
        n = next(_seq)
        data = {"name": f"Team {n}", "timezone": "America/New_York", **fields}
        return teams.create(session=self.session, data=TeamCreate(**data), actor="test")
