"""Users: create, read, update, delete, with an audit entry for each change."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from oncall.schemas.people import UserCreate, UserOut, UserUpdate
from oncall.services import audit
from oncall.services.errors import Conflict, Invalid, NotFound, patch_changes
from oncall.store.models import User

MIN_PASSWORD_LENGTH = 12


def _snapshot(user: User) -> dict:
    return UserOut.model_validate(user).model_dump(mode="json")


def get(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def by_email(*, session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email.strip().lower())).scalar()


def list_(*, session: Session, limit: int = 100, offset: int = 0) -> list[User]:
    return list(session.execute(select(User).order_by(User.id).limit(limit).offset(offset)).scalars())


def count(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def _check_email_free(session: Session, email: str, user_id: int | None = None) -> None:
    other = by_email(session=session, email=email)
    if other is not None and other.id != user_id:
        raise Conflict("email: already used by another user", [{"field": "email", "message": "already used"}])


def create(*, session: Session, data: UserCreate, actor: str, password: str | None = None) -> User:
    _check_email_free(session, data.email)
    user = User(**data.model_dump())
    if password is not None:
        user.password_hash = hash_password(password)
    session.add(user)
    try:
        session.flush()
        audit.record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
                     after=_snapshot(user))
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("email: already used by another user") from exc
    return user


def update(*, session: Session, user_id: int, data: UserUpdate, actor: str) -> User:
    user = get(session=session, user_id=user_id)
    before = _snapshot(user)
    changes = patch_changes(data, ("name", "email", "timezone", "role"))
    if "email" in changes:
        _check_email_free(session, changes["email"], user_id)
    for key, value in changes.items():
        setattr(user, key, value)
    session.flush()
    audit.record(session, actor=actor, action="user.update", object_type="user", object_id=user.id,
                 before=before, after=_snapshot(user))
    session.commit()
    return user


def delete(*, session: Session, user_id: int, actor: str) -> None:
    user = get(session=session, user_id=user_id)
    before = _snapshot(user)
    audit.delete_row(session, user, actor=actor, action="user.delete", object_type="user", object_id=user_id,
                     before=before, in_use=f"user {user_id} is still a member of a rotation layer; remove them there first")


def set_password(*, session: Session, user_id: int, password: str, actor: str) -> User:
    """A new password; sessions signed in with the old one end (the UI checks a mark of the hash)."""
    user = get(session=session, user_id=user_id)
    user.password_hash = hash_password(password)
    session.flush()
    audit.record(session, actor=actor, action="user.password", object_type="user", object_id=user.id)
    session.commit()
    return user


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password)


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)
