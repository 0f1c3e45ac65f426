"""Template filters and globals for the UI: local times, ages, durations, person colours."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask

from oncall import clock
from oncall.web.ui import auth

# Twelve distinct colours that carry white text; none is red, which means "nobody on call".
PALETTE = ("#2563eb", "#15803d", "#7e22ce", "#c2410c", "#0f766e", "#be185d", "#4338ca", "#4d7c0f", "#0e7490",
           "#a21caf", "#92400e", "#475569")


def viewer_timezone() -> str:
    user = auth.current_user()
    return user.timezone if user else "UTC"


def local(at: datetime | None, tz: str | None = None, fmt: str = "%a %d %b %H:%M") -> str:
    """An instant as wall time in ``tz`` (default: the viewer's), with the zone's abbreviation."""
    if at is None:
        return "—"
    shown = at.astimezone(ZoneInfo(tz or viewer_timezone()))
    return f"{shown.strftime(fmt)} {shown.tzname()}"


@cache
def timezones() -> list[str]:
    return sorted(available_timezones() | {"UTC"})


def duration(span: timedelta | float | int) -> str:
    """``2 d 4 h``, ``3 h 12 min``, ``45 s``: two units at most, readable at a glance."""
    seconds = int(span.total_seconds() if isinstance(span, timedelta) else span)
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")]
    shown = [f"{n} {unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0 s"


def age(at: datetime) -> str:
    return duration(clock.now() - at)


def person_colour(user_id: int | None) -> str:
    """A stable colour per person (by id); a gap has none."""
    return "transparent" if user_id is None else PALETTE[user_id % len(PALETTE)]


def choices(items) -> list[tuple[int, str]]:
    """Rows as ``<select>`` options: (id, name)."""
    return [(item.id, item.name) for item in items]


def init_app(app: Flask) -> None:
    app.add_template_filter(local, "local")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(age, "age")
    app.add_template_filter(person_colour, "colour")
    app.add_template_filter(choices, "choices")
    app.add_template_global(timezones, "timezones")
    app.add_template_global(auth.current_user, "current_user")
    app.add_template_global(auth.has_role, "has_role")
    app.add_template_global(auth.can_manage, "can_manage")
