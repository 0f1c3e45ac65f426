"""The normalised inbound event every source parser returns, and the severity scale.

Pure: standard library only, no clock reads. See DESIGN.md section 3, "What each source means".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SEVERITIES = ("info", "low", "medium", "high", "critical")
ACTIONS = ("trigger", "acknowledge", "resolve")
ROUTING_FIELDS = ("category", "tags", "security_domain", "assignment_group", "rule_name", "labels")

# Words the sources use for a level, lower-case. Numeric scales differ per source
# (ServiceNow 1 is critical, TheHive 4 is), so numbers only ever come from a parser's mapping.
_ALIASES = {
    **{name: name for name in SEVERITIES},
    **dict.fromkeys(("crit", "fatal", "emergency", "emerg", "severe", "page", "p1", "sev1",
                     "highest", "blocker"), "critical"),
    **dict.fromkeys(("error", "err", "major", "p2", "sev2"), "high"),
    **dict.fromkeys(("moderate", "warning", "warn", "p3", "sev3"), "medium"),
    **dict.fromkeys(("minor", "p4", "sev4"), "low"),
    **dict.fromkeys(("informational", "information", "notice", "debug", "none", "lowest",
                     "trivial", "p5", "sev5"), "info"),
}


def normalise_severity(value: object, mapping: Mapping[str, str] | None = None) -> str | None:
    """One of SEVERITIES for a source's severity value, or None when it is not recognised.

    Strings are matched case-insensitively after stripping; ints (not bools) as their decimal
    text. ``mapping`` (lower-case keys) is consulted before the shared vocabulary, so a source
    can give numbers or its own words a meaning.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    key = str(value).strip().lower()
    return (mapping or {}).get(key) or _ALIASES.get(key)


def severity_at_least(severity: str, minimum: str) -> bool:
    """True when ``severity`` is ``minimum`` or above it; ValueError for a name not in SEVERITIES."""
    return SEVERITIES.index(severity) >= SEVERITIES.index(minimum)


def routing_fields(**values: str | list[str] | None) -> dict[str, str | list[str]]:
    """The routing ``fields`` of an event: only ROUTING_FIELDS names, empty values dropped."""
    unknown = set(values) - set(ROUTING_FIELDS)
    if unknown:
        raise TypeError(f"not a routing field: {', '.join(sorted(unknown))}")
    return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class NormalizedEvent:
    """One ticket/alert event as the service tracks it.

    ``dedup_key`` is the ticket's own id (DESIGN table), except an Events v2 trigger sent
    without one: it is "" and the caller generates a key. ``severity`` is one of SEVERITIES;
    on acknowledge/resolve events it is informational and must not be used to drop the event.
    ``occurred_at`` is the source's own time text, unparsed.
    """

    action: str
    dedup_key: str
    title: str
    severity: str
    source: str
    external_id: str
    url: str | None = None
    details: dict = field(default_factory=dict)
    fields: dict[str, str | list[str]] = field(default_factory=dict)
    occurred_at: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, not {self.action!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")


class PayloadError(ValueError):
    """A payload a parser cannot accept.

    ``details`` is ``[{"field": "<dotted path>", "message": "..."}]``; the field of the
    payload itself is "". ``message`` joins the details' messages, naming every field.
    """

    def __init__(self, details: list[dict[str, str]]):
        self.details = list(details)
        self.message = "invalid payload: " + "; ".join(d["message"] for d in self.details)
        super().__init__(self.message)
