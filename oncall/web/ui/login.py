"""``/login`` and ``/logout``: session sign-in for people with a password, throttled."""
from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from oncall import clock
from oncall.services import users
from oncall.web.dbsession import get_session
from oncall.web.ui import auth
from oncall.web.ui.throttle import LoginThrottle

bp = Blueprint("ui_login", __name__)


def _throttle() -> LoginThrottle:
    return current_app.extensions.setdefault("oncall.login_throttle", LoginThrottle())


@cache
def _dummy_hash() -> str:
    """Checked when the e-mail is unknown, so both answers take as long."""
    return generate_password_hash("not a password anyone has")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//evil.example`` or ``https://…``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("ui_dashboard.index")
    return target


def _form(email: str = "", error: str | None = None, status: int = 200):
    return render_template("ui/login.html", email=email, error=error,
                           next=request.values.get("next", "")), status


@bp.get("/login")
def login():
    if auth.current_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return _form()


@bp.post("/login")
def login_submit():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    key, now = (email, request.remote_addr or "?"), clock.now()
    wait = _throttle().retry_after(key, now)
    if wait is not None:
        minutes = -(-wait // 60)
        page, _ = _form(email, f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes != 1)}.")
        return page, 429, {"Retry-After": str(wait)}
    user = users.by_email(session=get_session(), email=email) if email else None
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
    elif users.check_password(user, password):
        _throttle().succeeded(key)
        auth.sign_in(user)
        return redirect(_safe_next(request.form.get("next")))
    _throttle().failed(key, now)
    return _form(email, "Wrong e-mail or password.")


@bp.post("/logout")
def logout():
    auth.sign_out()
    return redirect(url_for("ui_login.login"))
