"""API tokens: created once, stored hashed, checked on every API request."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from oncall import clock
from oncall.services import audit
from oncall.services.secrets import hash_secret, random_key
from oncall.store.models import ApiToken

TOKEN_PREFIX = "oc_"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    name: str
    token: str  # shown once, never stored


def create(*, session: Session, name: str, user_id: int | None = None, actor: str = "cli") -> IssuedToken:
    token = TOKEN_PREFIX + random_key(40)
    row = ApiToken(name=name, token_hash=hash_secret(token), user_id=user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="token.create", object_type="api_token", object_id=row.id,
                 after={"name": name, "user_id": user_id})
    session.commit()
    return IssuedToken(id=row.id, name=name, token=token)


def authenticate(*, session: Session, token: str) -> ApiToken | None:
    if not token:
        return None
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_secret(token))).scalar()
    now = clock.now()
    if row is not None and (row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60):
        row.last_used_at = now  # coarse on purpose: no write on every request
        try:
            session.commit()
        except OperationalError:  # best effort: a busy database must not refuse the request
            session.rollback()
    return row
