"""Splunk's webhook alert action: plain saved searches and Enterprise Security notables.

- The body has `sid`, `search_name` (null for an ad-hoc search), `results_link`, `owner`,
  `app`, and `result`: the FIRST result row only, every value a string.
- ticket id `result.event_id` (an ES notable), else `sid` (each alert run has its own).
- title `result.rule_title`, else `result.rule_name` (ES), else `search_name`; with none of
  them (an ad-hoc search) "Splunk alert <ticket id>".
- severity `result.urgency` (ES), else `result.severity`: words (informational, low, medium,
  high, critical and the shared vocabulary) or numbers on Splunk's alert scale (1 debug, 2 info,
  3 warn, 4 error, 5 severe, 6 fatal → info, info, medium, high, critical, critical). Missing
  or unknown (ES "unknown") → high: Splunk calls only when a search fired and says nothing of
  its own about severity.
- Never resolves: Splunk sends no closes.
- routing: rule_name (`result.rule_name`, else `search_name`), security_domain. url
  `results_link`. occurred_at `result._time` (epoch seconds, as text).
"""
from __future__ import annotations

from oncall.ingest.event import NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact, text_or_none

SOURCE = "splunk"
DEFAULT_SEVERITY = "high"
_SEVERITY = {"1": "info", "2": "info", "3": "medium", "4": "high", "5": "critical", "6": "critical"}


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    row = body.child("result")
    event_id = row.text("event_id")
    sid = body.text("sid")
    search_name = body.text("search_name")
    if event_id is None and sid is None and not body.problems:
        body.fail("sid", "is missing or blank (and so is 'result.event_id')")
    body.check()

    result = row.data
    ticket_id = event_id or sid
    rule_title, rule_name = text_or_none(result.get("rule_title")), text_or_none(result.get("rule_name"))
    severity = (normalise_severity(result.get("urgency"), _SEVERITY)
                or normalise_severity(result.get("severity"), _SEVERITY) or DEFAULT_SEVERITY)
    context = {"sid": sid, "search_name": search_name, "owner": body.data.get("owner"),
               "app": body.data.get("app"), "result": result}
    return [NormalizedEvent(
        action="trigger",
        dedup_key=ticket_id,
        title=rule_title or rule_name or search_name or f"Splunk alert {ticket_id}",
        severity=severity,
        source=SOURCE,
        external_id=ticket_id,
        url=text_or_none(body.data.get("results_link")),
        details=compact(context),
        fields=routing_fields(rule_name=rule_name or search_name,
                              security_domain=text_or_none(result.get("security_domain"))),
        occurred_at=text_or_none(result.get("_time")),
    )]
