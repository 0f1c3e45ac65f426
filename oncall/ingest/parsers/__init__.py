"""Source parsers: an inbound payload in, normalised events out (pure, no I/O).

Each module's ``parse(payload) -> list[NormalizedEvent]`` raises PayloadError for a payload
it cannot accept, and returns [] for a well-formed notification that is about no ticket
(a Jira comment, a TheHive observable). The key is the integration's source type.
"""
from __future__ import annotations

from collections.abc import Callable

from oncall.ingest.event import NormalizedEvent
from oncall.ingest.parsers import alertmanager, events_v2, generic, jira, servicenow, splunk, thehive

PARSERS: dict[str, Callable[[object], list[NormalizedEvent]]] = {
    "events_v2": events_v2.parse,
    "servicenow": servicenow.parse,
    "jira": jira.parse,
    "thehive": thehive.parse,
    "splunk": splunk.parse,
    "alertmanager": alertmanager.parse,
    "generic": generic.parse,
}


def parse(source: str, payload: object) -> list[NormalizedEvent]:
    """The events in ``payload`` read as ``source``; KeyError for a source type not in PARSERS."""
    return PARSERS[source](payload)
