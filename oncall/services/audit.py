"""Append-only, hash-chained audit log.

Each entry stores the hash of the previous entry and a hash over its own content plus
that previous hash, so editing, inserting or deleting any entry breaks the chain at a
point that :func:`verify` names.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from oncall import clock
from oncall.schemas.types import format_instant
from oncall.store.models import AuditEntry

GENESIS = "0" * 64
_CHAIN_LOCK = 0x0A0D17  # PostgreSQL advisory lock id serialising appends


def _content_hash(entry: AuditEntry) -> str:
    content = {
        "at": format_instant(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: object = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction.

    On PostgreSQL the chain head is locked so concurrent writers cannot fork the chain.
    """
    head_query = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_CHAIN_LOCK)))
    prev = session.execute(head_query).scalar()
    entry = AuditEntry(
        at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        prev_hash=prev or GENESIS,
        hash="",
    )
    entry.hash = _content_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the chain in id order, streaming, and report the first broken link."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).scalars().all()
        if not rows:
            return Verification(ok=True, entries=count)
        for entry in rows:
            if entry.prev_hash != prev:
                return Verification(False, count, entry.id, "previous-hash link broken (entry inserted or deleted before it)")
            if _content_hash(entry) != entry.hash:
                return Verification(False, count, entry.id, "content does not match its hash (entry modified)")
            prev = entry.hash
            count += 1
            last_id = entry.id
        session.expunge_all()
