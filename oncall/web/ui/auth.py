"""Who is signed in, and what they may do.

Roles (DESIGN §1): ``admin`` may do everything, users included; ``manager`` configures the
teams they manage (``TeamMember.is_manager``); ``analyst`` reads, acknowledges and resolves.
The session holds the user id and a mark of the password hash, so changing a password
signs every other browser out.

- ``@login_required()`` / ``@login_required(role="admin")`` guards a view: not signed in →
  the sign-in page (then back); signed in without the role → 403.
- ``bp.before_request(guard(role=...))`` is the same check for a whole blueprint.
- ``require_manager(team_id)`` → 403 unless the user may configure that team.
"""
from __future__ import annotations

import functools
import hashlib
from typing import Callable

from flask import g, redirect, request, session, url_for
from sqlalchemy import select

from oncall.services.errors import Forbidden
from oncall.store.models import TeamMember, User
from oncall.web.dbsession import get_session

ROLE_RANK = {"analyst": 0, "manager": 1, "admin": 2}


def _password_mark(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    session.clear()  # a fresh session: nothing from before the sign-in survives it
    session["user_id"] = user.id
    session["pw"] = _password_mark(user)
    session.permanent = True
    g.ui_user = user


def sign_out() -> None:
    session.clear()
    g.ui_user = None


def current_user() -> User | None:
    """The signed-in user (looked up once per request), or None."""
    if "ui_user" not in g:
        user = None
        user_id = session.get("user_id")
        if isinstance(user_id, int):
            user = get_session().get(User, user_id)
            if user is None or not user.password_hash or session.get("pw") != _password_mark(user):
                user = None
        g.ui_user = user
    return g.ui_user


def has_role(user: User | None, role: str | None) -> bool:
    return user is not None and (role is None or ROLE_RANK.get(user.role, -1) >= ROLE_RANK[role])


def actor() -> str:
    user = current_user()
    return f"user:{user.id}" if user else "anonymous"


def _sign_in_first():
    target = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
    return redirect(url_for("ui_login.login", next=target))


def guard(role: str | None = None) -> Callable[[], object]:
    """A before_request hook: the sign-in page when signed out, 403 without ``role``."""
    if role is not None and role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    def check():
        user = current_user()
        if user is None:
            return _sign_in_first()
        if not has_role(user, role):
            raise Forbidden(f"this page needs the {role} role; you are signed in as {user.role}")
        return None

    return check


def login_required(view: Callable | None = None, *, role: str | None = None):
    check = guard(role)

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            refused = check()
            return refused if refused is not None else func(*args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def managed_team_ids(user: User | None = None) -> set[int] | None:
    """The teams the user may configure; None means every team (an admin)."""
    user = user or current_user()
    if user is None or user.role == "analyst":
        return set()
    if user.role == "admin":
        return None
    query = select(TeamMember.team_id).where(TeamMember.user_id == user.id, TeamMember.is_manager.is_(True))
    return set(get_session().execute(query).scalars())


def can_manage(team_id: int) -> bool:
    managed = managed_team_ids()
    return managed is None or team_id in managed


def require_manager(team_id: int) -> None:
    if not can_manage(team_id):
        raise Forbidden("only an admin or a manager of this team may change its configuration")
