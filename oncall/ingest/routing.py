"""Routing rules: which teams (and policies) a normalised event goes to. Pure.

A rule is ``{"match": {...}, "routes": [{"team_id", "policy_id"}], "continue": false}``.
Every condition in ``match`` must hold: ``category``, ``security_domain``,
``assignment_group`` and ``rule_name`` compare case-insensitively with the event's field;
``tags`` / ``labels`` (a string or a list) must all be among the event's; ``title_pattern``
is a regular expression searched in the title. Rules are tried in order; the first match
decides unless it says ``"continue": true``, in which case later matches add their routes.
No match: the integration's own team and policy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from oncall.ingest.event import NormalizedEvent

SCALAR_CONDITIONS = ("category", "security_domain", "assignment_group", "rule_name")
LIST_CONDITIONS = ("tags", "labels")
CONDITIONS = (*SCALAR_CONDITIONS, *LIST_CONDITIONS, "title_pattern")


@dataclass(frozen=True)
class Route:
    team_id: int
    policy_id: int


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v).lower() for v in (value if isinstance(value, list) else [value])]


def matches(condition: dict, event: NormalizedEvent) -> bool:
    for name in SCALAR_CONDITIONS:
        if name in condition and str(event.fields.get(name, "")).lower() != str(condition[name]).lower():
            return False
    for name in LIST_CONDITIONS:
        if name in condition and not set(_as_list(condition[name])) <= set(_as_list(event.fields.get(name))):
            return False
    pattern = condition.get("title_pattern")
    return not (pattern and not re.search(pattern, event.title, re.IGNORECASE))


def routes(rules: list[dict], event: NormalizedEvent, default: Route) -> list[Route]:
    chosen: list[Route] = []
    for rule in rules:
        if matches(rule.get("match", {}), event):
            chosen.extend(Route(r["team_id"], r["policy_id"]) for r in rule["routes"])
            if not rule.get("continue"):
                break
    return list(dict.fromkeys(chosen)) or [default]
