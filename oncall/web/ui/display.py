"""Template filters and globals for the UI: local times, ages, durations, person colours."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask

from oncall import clock
from oncall.web.ui import auth

_GOLDEN_ANGLE = 137.508


def viewer_timezone() -> str:
    user = auth.current_user()
    return user.timezone if user else "UTC"


def local(at: datetime | None, tz: str | None = None, fmt: str = "%a %d %b %H:%M", zone: bool = True) -> str:
    """An instant as wall time in ``tz`` (default: the viewer's), with the zone's abbreviation."""
    if at is None:
        return "—"
    shown = at.astimezone(ZoneInfo(tz or viewer_timezone()))
    return f"{shown.strftime(fmt)} {shown.tzname()}" if zone else shown.strftime(fmt)


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
    return " ".join(shown) or "0 min"


def age(at: datetime) -> str:
    return duration(clock.now() - at)


def person_colour(user_id: int | None) -> str:
    """A stable colour per person (golden-angle hues); a gap has none."""
    if user_id is None:
        return "transparent"
    return f"hsl({(user_id * _GOLDEN_ANGLE) % 360:.0f} 62% 42%)"


def choices(items, label: str = "name") -> list[tuple[int, str]]:
    """Rows as ``<select>`` options: (id, label)."""
    return [(item.id, getattr(item, label)) for item in items]


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
