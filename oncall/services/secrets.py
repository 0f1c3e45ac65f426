"""Random secrets, their hashes, and the process secret key kept in the database."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oncall.store.models import Setting

_ALPHABET = string.ascii_letters + string.digits
SECRET_KEY_SETTING = "secret_key"


def random_key(length: int = 32) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_secret(value: str) -> str:
    """SHA-256 of a high-entropy random secret (keys, tokens): enough, and indexable."""
    return hashlib.sha256(value.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def stored_secret_key(session: Session) -> str:
    """The secret key generated on first start; created once even if processes race."""
    row = session.get(Setting, SECRET_KEY_SETTING)
    if row is not None:
        return row.value
    session.add(Setting(key=SECRET_KEY_SETTING, value=secrets.token_urlsafe(48)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    return session.get(Setting, SECRET_KEY_SETTING).value
