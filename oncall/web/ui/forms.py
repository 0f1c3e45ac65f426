"""Helpers every UI form shares: read rows of fields, validate with the API's schemas, and
show each error next to its field.

Form fields are named like the schema's fields (``layers.0.members``), so an error from
pydantic (``ValidationError``) or from a service (``Invalid`` with ``details``) lands on
the field that caused it without a per-form mapping.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from flask import render_template
from pydantic import BaseModel, ValidationError

from oncall.services.errors import Conflict, Invalid, ServiceError
from oncall.web.api.endpoint import validation_details

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
FORM_ERRORS = (Invalid, Conflict)  # shown on the form; NotFound and Forbidden keep their status
_PLAINER = {
    "Field required": "required",
    "List should have at least 1 item after validation, not 0": "choose at least one",
    "Input should be a valid integer, unable to parse string as an integer": "must be a whole number",
    "String should have at least 1 character": "required",
    "Input should be a valid string": "required",
}


class FormErrors:
    """Messages by field. ``errors("layers.0.members")`` gives those for that field and its parts."""

    def __init__(self, details: Iterable[Mapping] = (), message: str | None = None,
                 field: Callable[[str], str] = str):
        self.items = [(field(str(d.get("field") or "")), _PLAINER.get(d.get("message", ""), d.get("message", "")))
                      for d in details]
        if not self.items and message:
            self.items = [("", message)]

    @classmethod
    def of(cls, exc: ServiceError, field: Callable[[str], str] = str) -> "FormErrors":
        """The errors of a failed save; ``field`` renames a schema's field to the form's."""
        return cls(exc.details, exc.message, field)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __call__(self, field: str) -> list[str]:
        return [m for f, m in self.items if f == field or f.startswith(field + ".")]

    @property
    def summary(self) -> list[str]:
        """Every message, with a field name a person reads: ``layers.0.members`` → "Layer 1 members"."""
        return [f"{label(f)}: {m}" if f and f != "body" else m for f, m in self.items]


def label(field: str) -> str:
    words, parts = [], field.split(".")
    for part, following in zip(parts, parts[1:] + [""]):
        if part.isdigit():
            continue
        words.append(f"{part.removesuffix('s')} {int(following) + 1}" if following.isdigit()
                     else part.replace("_", " "))
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def page(template: str, errors: FormErrors | None = None, **context):
    """Render a form page: 200, or 400 with the errors shown next to their fields."""
    errors = errors or FormErrors()
    return render_template(template, errors=errors, **context), 400 if errors else 200


def validate(model: type[BaseModel], data: dict) -> BaseModel:
    """``model`` from ``data``, or ``Invalid`` naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = validation_details(exc)
        raise Invalid("; ".join(f"{d['field']}: {d['message']}" for d in details), details) from None


def blank_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def rows(form, prefix: str, count: int, read: Callable[[Callable[[str], str], Callable[[str], list[str]]], dict],
         used: Callable[[dict], bool]) -> list[dict]:
    """Rows ``prefix.0`` … ``prefix.<count-1>`` read by ``read(get, getlist)``, up to the last
    ``used`` one (an empty row between used ones stays, so its errors point at it)."""
    found = []
    for i in range(count):
        found.append(read(lambda name, i=i: form.get(f"{prefix}.{i}.{name}", "").strip(),
                          lambda name, i=i: [v for v in form.getlist(f"{prefix}.{i}.{name}") if v.strip()]))
    while found and not used(found[-1]):
        found.pop()
    return found


def window_row(get, getlist) -> dict:
    """A weekly window row: days checked, start and end times."""
    return {"days": [d for d in getlist("days") if d in DAYS], "start": get("start"), "end": get("end")}


def window_used(row: dict) -> bool:
    return bool(row["days"] or row["start"] or row["end"])


def local_instant(value: str, tz: str, field: str) -> datetime:
    """A ``datetime-local`` value, read as wall time in ``tz``, as a UTC instant."""
    try:
        wall = datetime.strptime(value.strip(), LOCAL_INPUT)
    except ValueError:
        raise Invalid.field(field, "a date and time like 2026-12-05 02:14") from None
    return wall.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def local_input(at: datetime, tz: str) -> str:
    """The ``datetime-local`` value showing instant ``at`` in ``tz``."""
    return at.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT)
