"""Browsing the audit log: filtered, newest first (the chain itself is ``audit``'s job)."""
from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from oncall.schemas.audit import AuditQuery
from oncall.store.models import AuditEntry


def search(*, session: Session, query: AuditQuery) -> list[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.id.desc())
    for name in ("actor", "object_type", "object_id"):
        value = getattr(query, name)
        if value is not None:
            statement = statement.where(getattr(AuditEntry, name) == value)
    if query.action is not None:
        statement = statement.where(AuditEntry.action.startswith(query.action, autoescape=True)
                                    if query.action.endswith(".") else AuditEntry.action == query.action)
    if query.since is not None:
        statement = statement.where(AuditEntry.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.at < query.until)
    return list(session.execute(statement.limit(query.limit).offset(query.offset)).scalars())


def about(*, session: Session, object_type: str, object_id: object) -> list[AuditEntry]:
    """Every entry about one object, oldest first (e.g. an incident's acknowledgement and resolution)."""
    statement = (select(AuditEntry).where(AuditEntry.object_type == object_type,
                                          AuditEntry.object_id == str(object_id)).order_by(AuditEntry.id))
    return list(session.execute(statement).scalars())
