"""Prometheus Alertmanager webhook groups (`version: "4"`) and Grafana Alerting webhook contact
points (the same shape with `version: "1"`, plus `orgId`, `title`, `state`, `message`, and
per alert `silenceURL`, `dashboardURL`, `panelURL`, `values` or, up to Grafana 9, `valueString`).

- One event per entry of `alerts`. Both re-send the whole group every group/repeat interval,
  so each alert is deduplicated on its own `fingerprint` (ticket id and dedup_key).
- title `annotations.summary`, else `labels.alertname` (not needed on a resolve).
- severity `labels.severity` through the shared vocabulary (critical/page → critical,
  high/error → high, warning → medium, low, info/none → info…); missing or unknown → high:
  an alert routed to this receiver asks to be noticed.
- resolve when that alert's `status` is `resolved` (its own status, else the group's);
  else trigger.
- routing: the alert's labels as "name=value" strings, sorted. url `generatorURL`.
  occurred_at `startsAt`, or `endsAt` on a resolve.
"""
from __future__ import annotations

from oncall.ingest.event import NormalizedEvent, normalise_severity, routing_fields
from oncall.ingest.parsers._read import Reader, compact, label_pairs

SOURCE = "alertmanager"
DEFAULT_SEVERITY = "high"
_GROUP_DETAILS = ("receiver", "externalURL", "groupKey", "orgId")
_ALERT_DETAILS = ("labels", "annotations", "startsAt", "endsAt", "generatorURL", "silenceURL",
                  "dashboardURL", "panelURL", "values", "valueString")


def parse(payload: object) -> list[NormalizedEvent]:
    body = Reader.root(payload)
    group_status = body.text("status")
    group = {key: body.data.get(key) for key in _GROUP_DETAILS}
    events = []
    for alert in body.children("alerts", required=True):
        fingerprint = alert.text("fingerprint", required=True) or ""
        resolved = (alert.text("status") or group_status) == "resolved"
        labels, annotations = alert.child("labels"), alert.child("annotations")
        title = annotations.text("summary") or labels.text("alertname", required=not resolved)
        extras = {**group, **{key: alert.data.get(key) for key in _ALERT_DETAILS}}
        events.append(NormalizedEvent(
            action="resolve" if resolved else "trigger",
            dedup_key=fingerprint,
            title=title or "",
            severity=normalise_severity(labels.data.get("severity")) or DEFAULT_SEVERITY,
            source=SOURCE,
            external_id=fingerprint,
            url=alert.text("generatorURL"),
            details=compact(extras),
            fields=routing_fields(labels=label_pairs(labels.data)),
            occurred_at=alert.text("endsAt" if resolved else "startsAt"),
        ))
    body.check()
    return events
