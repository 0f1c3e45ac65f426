"""``/people``: users, their contact methods (phone, PagerDuty id), timezone, role and
password. Admins only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from oncall.schemas.people import UserCreate, UserUpdate
from oncall.services import users
from oncall.services.errors import Invalid
from oncall.web.dbsession import get_session
from oncall.web.ui import auth, directory, forms

bp = Blueprint("ui_people", __name__, url_prefix="/people")
bp.before_request(auth.guard(role="admin"))
FIELDS = ("name", "email", "phone", "timezone", "pagerduty_user_id", "role")
ROLES = [("analyst", "analyst: reads, acknowledges, resolves"), ("manager", "manager: configures the teams they manage"),
         ("admin", "admin: everything, people included")]


def _read() -> tuple[dict, str]:
    return {key: request.form.get(key, "").strip() for key in FIELDS}, request.form.get("password", "")


def _data(values: dict) -> dict:
    return {**values, "phone": forms.blank_none(values["phone"]),
            "pagerduty_user_id": forms.blank_none(values["pagerduty_user_id"])}


def _check_password(password: str) -> None:
    if password and len(password) < users.MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"must be at least {users.MIN_PASSWORD_LENGTH} characters")


def _form_page(errors=None, **context):
    return forms.page("ui/people/user_form.html", errors, roles=ROLES, **context)


@bp.get("")
def index():
    return forms.page("ui/people/users.html", people=directory.people())


@bp.route("/new", methods=["GET", "POST"])
def new():
    if request.method == "GET":
        return _form_page(values={"timezone": "UTC", "role": "analyst"})
    values, password = _read()
    try:
        _check_password(password)
        user = users.create(session=get_session(), data=forms.validate(UserCreate, _data(values)), actor=auth.actor(),
                            password=password or None)
    except forms.FORM_ERRORS as exc:
        return _form_page(forms.FormErrors.of(exc), values=values)
    flash(f"{user.name} added." + ("" if password else " Without a password they cannot sign in (pages still reach them)."))
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = users.get(session=get_session(), user_id=user_id)
    if request.method == "GET":
        return _form_page(user=user, values={key: getattr(user, key) or "" for key in FIELDS})
    values, password = _read()
    try:
        if user.id == auth.current_user().id and values["role"] != "admin":
            raise Invalid.field("role", "you cannot take away your own admin role")
        _check_password(password)
        users.update(session=get_session(), user_id=user.id, data=forms.validate(UserUpdate, _data(values)),
                     actor=auth.actor())
        if password:
            users.set_password(session=get_session(), user_id=user.id, password=password, actor=auth.actor())
    except forms.FORM_ERRORS as exc:
        get_session().rollback()
        return _form_page(forms.FormErrors.of(exc), user=user, values=values)
    flash(f"{values['name']} saved.")
    return redirect(url_for(".index"))
