"""Append-only, hash-chained audit log.

Each entry stores the hash of the previous entry and a hash over its own content plus
that previous hash, so editing, inserting or deleting an entry breaks the chain at a point
that :func:`verify` names. Walking the chain alone cannot notice that the *last* entries
were deleted, so :func:`record` also keeps a chain head (a ``Setting`` row
``"<count>:<hash>"``) in the same transaction, and :func:`verify` compares the two.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oncall import clock
from oncall.schemas.types import format_instant
from oncall.services.errors import Conflict
from oncall.store.models import AuditEntry, Setting

GENESIS = "0" * 64
HEAD_SETTING = "audit_head"
_CHAIN_LOCK = 0x0A0D17  # PostgreSQL advisory lock id serialising appends
_CHAIN_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.object_type,
                  AuditEntry.object_id, AuditEntry.before, AuditEntry.after, AuditEntry.prev_hash, AuditEntry.hash)


def _content_hash(entry) -> str:
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


@dataclass(frozen=True)
class Head:
    count: int
    hash: str


def head(session: Session) -> Head | None:
    """The recorded chain head; a column query, so never a stale object from the identity map."""
    value = session.execute(select(Setting.value).where(Setting.key == HEAD_SETTING)).scalar()
    if value is None:
        return None
    count, _, digest = value.partition(":")
    return Head(int(count), digest)


def _move_head(session: Session, new: Head) -> None:
    value = f"{new.count}:{new.hash}"
    moved = session.execute(update(Setting).where(Setting.key == HEAD_SETTING).values(value=value)).rowcount
    if not moved:
        session.execute(insert(Setting).values(key=HEAD_SETTING, value=value))


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
    """Append an entry (and move the head) in the caller's transaction.

    Concurrent writers cannot fork the chain: on PostgreSQL an advisory lock held until
    commit serialises appends; on SQLite every writing transaction holds the database's
    single write lock from its BEGIN (``store.db``), so the head read next is the latest.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_CHAIN_LOCK)))
    current = head(session) or Head(0, GENESIS)
    entry = AuditEntry(
        at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        prev_hash=current.hash,
        hash="",
    )
    entry.hash = _content_hash(entry)
    session.add(entry)
    session.flush()
    _move_head(session, Head(current.count + 1, entry.hash))
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int  # entries verified before the first break (all of them when ok)
    first_broken_id: int | None = None  # None with ok=False: the break is at the end of the chain
    last_good_id: int | None = None
    reason: str | None = None


class _Walk:
    """The chain walked in id order, batch by batch, as plain rows (the session keeps nothing)."""

    def __init__(self, session: Session, batch: int):
        self.session, self.batch = session, batch
        self.count, self.prev, self.last_id = 0, GENESIS, None
        self.failure: Verification | None = None

    def more(self) -> bool:
        """Verify the next batch; False when there was none or a link is broken (``failure``)."""
        query = select(*_CHAIN_COLUMNS).order_by(AuditEntry.id).limit(self.batch)
        if self.last_id is not None:
            query = query.where(AuditEntry.id > self.last_id)
        rows = self.session.execute(query).all()
        for row in rows:
            if row.prev_hash != self.prev:
                return self.broken(row.id, "previous-hash link broken: an entry before it was inserted, deleted "
                                           "or modified")
            if _content_hash(row) != row.hash:
                return self.broken(row.id, "content does not match its hash (entry modified)")
            self.count, self.prev, self.last_id = self.count + 1, row.hash, row.id
        return bool(rows)

    def broken(self, entry_id: int | None, reason: str) -> bool:
        self.failure = Verification(False, self.count, entry_id, self.last_id, reason)
        return False


def verify(session: Session, batch: int = 5000) -> Verification:
    """Walk the whole chain, then check that it ends where the head says.

    The head is read after the walk; when it is ahead (entries appended meanwhile) the walk
    goes on before deciding, so a concurrent append is no false alarm.
    """
    walk = _Walk(session, batch)
    while walk.more():
        pass
    while walk.failure is None:
        recorded = head(session) or Head(0, GENESIS)
        if walk.count > recorded.count:
            beyond = session.execute(select(AuditEntry.id).order_by(AuditEntry.id).offset(recorded.count)
                                     .limit(1)).scalar()
            walk.broken(beyond, f"the chain has {walk.count} entries but the head records {recorded.count}: "
                                "entries were appended behind the head")
        elif walk.count == recorded.count and walk.prev != recorded.hash:
            walk.broken(walk.last_id, "the last entry's hash is not the head's: the end of the chain was rewritten")
        elif walk.count == recorded.count:
            return Verification(True, walk.count, last_good_id=walk.last_id)
        elif not walk.more() and walk.failure is None:
            walk.broken(None, f"the head records {recorded.count} entries but the chain ends after "
                              f"{walk.count}: the last entries were deleted")
    return walk.failure


def delete_row(session: Session, row: object, *, actor: str, action: str, object_type: str, object_id: object,
               before: dict, in_use: str) -> None:
    """Delete ``row`` and record it; a row other rows still need is a 409 saying ``in_use``."""
    session.delete(row)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(in_use) from exc
    record(session, actor=actor, action=action, object_type=object_type, object_id=object_id, before=before)
    session.commit()
