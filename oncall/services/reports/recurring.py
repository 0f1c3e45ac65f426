"""Recurring incident types for post-incident review.

An incident's type is its detection rule (``details.fields.rule_name``), else its category,
else its title with the parts that change from one occurrence to the next (ids, hex, IP
addresses, numbers) replaced. SQL groups identical (rule, category, title) triples; the
normalised titles are merged here, one group row at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from oncall.schemas.reports import RecurringQuery, RecurringRow
from oncall.services.reports.scope import scope
from oncall.store.models import Incident

_VARIABLE_PARTS = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<id>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"), "<ip>"),
    (re.compile(r"\b(?:0x)?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b", re.I), "<hex>"),
    (re.compile(r"\b(?=[\w-]*[a-z])(?=[\w-]*\d)[a-z][\w-]*\d[\w-]*\b", re.I), "<id>"),  # INC0012345, SEC-42
    (re.compile(r"\d+"), "<n>"),
    (re.compile(r"\s+"), " "),
)


def title_pattern(title: str) -> str:
    """``"Failed login for user 42 from 10.0.0.5"`` → ``"Failed login for user <n> from <ip>"``."""
    for pattern, replacement in _VARIABLE_PARTS:
        title = pattern.sub(replacement, title)
    return title.strip()


@dataclass
class _Group:
    key_type: str
    key: str
    incidents: int
    first_at: datetime
    last_at: datetime
    example_title: str

    def add(self, count: int, first_at: datetime, last_at: datetime) -> None:
        self.incidents += count
        self.first_at, self.last_at = min(self.first_at, first_at), max(self.last_at, last_at)


def recurring(*, session: Session, query: RecurringQuery, now: datetime) -> list[RecurringRow]:
    sc = scope(query, now)
    rule = Incident.details[("fields", "rule_name")].as_string()
    category = Incident.details[("fields", "category")].as_string()
    statement = (select(rule, category, Incident.title, func.count(), func.min(Incident.created_at),
                        func.max(Incident.created_at))
                 .where(*sc.incidents()).group_by(rule, category, Incident.title))
    groups: dict[tuple[str, str], _Group] = {}
    for rule_name, category_name, title, count, first_at, last_at in session.execute(statement):
        key = (("rule_name", rule_name) if rule_name else ("category", category_name) if category_name
               else ("title", title_pattern(title)))
        if key in groups:
            groups[key].add(count, first_at, last_at)
        else:
            groups[key] = _Group(*key, count, first_at, last_at, title)
    found = sorted((g for g in groups.values() if g.incidents >= query.min_count),
                   key=lambda g: (-g.incidents, g.key_type, g.key))
    return [RecurringRow.model_validate(g) for g in found[:query.limit]]
