"""One fixed week of incidents, timelines and pages whose report figures are computed by hand.

Period: Monday 2026-03-02 00:00Z to Monday 2026-03-09 00:00Z; reports run "now" =
2026-03-09 12:00Z. Team SOC (America/New_York, EST here: business hours Mon–Fri 09–17 =
14:00–22:00Z) has SLA targets; team CERT (Europe/Berlin) has neither targets nor hours.

| # | team | sev | source | created (Z) | ack after (by, level, via) | resolved after |
|---|------|-----|--------|-------------|----------------------------|----------------|
| 1 | SOC | critical | splunk | 03-02 03:00 | 300 s (alice, 1, sms) | 3600 s |
| 2 | SOC | critical | splunk | 03-03 14:00 | 1200 s (bob, 2, link) — late | 18000 s — late |
| 3 | SOC | high | jira | 03-04 15:00 | 600 s (alice, 1, pagerduty) | 7200 s |
| 4 | SOC | critical | servicenow | 03-05 02:00 | — | 600 s |
| 5 | CERT | critical | splunk | 03-06 10:00 | 60 s (carol, 1, api) | open |
| 6 | SOC | critical | splunk | 03-07 01:00 | open — late by "now" | open — late |
| 7 | SOC | critical | splunk | 03-01 23:50 (before the period) | 600 s (alice) | — |
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from oncall.schemas.sla import SlaTargetsIn
from oncall.services import sla
from oncall.store.models import BusinessHours, BusinessWindow, Incident, Notification, TimelineEntry

SINCE = "2026-03-02T00:00:00Z"
UNTIL = "2026-03-09T00:00:00Z"
NOW = datetime(2026, 3, 9, 12, 0, tzinfo=timezone.utc)
PERIOD = f"since={SINCE}&until={UNTIL}"


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-{text}:00+00:00")


@dataclass
class Dataset:
    soc: int
    cert: int
    alice: int
    bob: int
    carol: int
    incidents: dict[int, int] = field(default_factory=dict)  # row number in the table above -> id


def _incident(session, team_id, severity, source, created, title, fields=None, ack=None, resolved=None):
    incident = Incident(team_id=team_id, source=source, external_id=title.split()[0], dedup_key=title, title=title,
                        severity=severity, created_at=created, details={"fields": fields or {}})
    session.add(incident)
    session.flush()
    session.add(TimelineEntry(incident_id=incident.id, at=created, kind="triggered", actor="integration:1",
                              message=f"Triggered: {title}"))
    if ack:
        seconds, user_id, level, via = ack
        incident.acknowledged_at, incident.acknowledged_by, incident.level = created + timedelta(seconds=seconds), user_id, level
        incident.status = "acknowledged"
        session.add(TimelineEntry(incident_id=incident.id, at=incident.acknowledged_at, kind="acknowledged",
                                  actor=f"user:{user_id}", message="Acknowledged", data={"via": via, "user_id": user_id}))
    if resolved:
        incident.resolved_at, incident.status = created + timedelta(seconds=resolved), "resolved"
        session.add(TimelineEntry(incident_id=incident.id, at=incident.resolved_at, kind="resolved", actor="system",
                                  message="Resolved", data={"via": "integration"}))
    session.flush()
    return incident.id


def _page(session, incident_id, user_id, channel, sent, kind="trigger", status="sent", level=1):
    session.add(Notification(incident_id=incident_id, idempotency_key=f"{incident_id}:{user_id}:{channel}:{sent}:{kind}",
                             kind=kind, level=level, channel=channel, user_id=user_id, status=status,
                             created_at=sent - timedelta(seconds=5) if sent else at("03-01 00:00"), sent_at=sent))


def build(session, make) -> Dataset:
    alice = make.user(name="Alice", timezone="America/New_York").id
    bob = make.user(name="Bob", timezone="Europe/London").id
    carol = make.user(name="Carol", timezone="Asia/Tokyo").id
    soc = make.team(name="SOC", timezone="America/New_York", members=[alice, bob]).id
    cert = make.team(name="CERT", timezone="Europe/Berlin", members=[carol]).id
    session.add(BusinessHours(team_id=soc, timezone="America/New_York"))
    session.flush()
    session.add(BusinessWindow(team_id=soc, days="mon,tue,wed,thu,fri", start="09:00", end="17:00"))
    sla.set_targets(session=session, team_id=soc, actor="test", data=SlaTargetsIn.model_validate({"targets": [
        {"severity": "critical", "acknowledge_seconds": 900, "resolve_seconds": 14400},
        {"severity": "high", "acknowledge_seconds": 1800}]}))
    data = Dataset(soc, cert, alice, bob, carol)
    brute = {"rule_name": "Brute Force Detected"}
    data.incidents = {
        1: _incident(session, soc, "critical", "splunk", at("03-02 03:00"), "Brute force on host web01 from 10.0.0.5",
                     brute, ack=(300, alice, 1, "sms"), resolved=3600),
        2: _incident(session, soc, "critical", "splunk", at("03-03 14:00"), "Brute force on host web02 from 10.0.0.9",
                     brute, ack=(1200, bob, 2, "link"), resolved=18000),
        3: _incident(session, soc, "high", "jira", at("03-04 15:00"), "PROJ-123 Suspicious OAuth grant",
                     {"category": "Security Incident"}, ack=(600, alice, 1, "pagerduty"), resolved=7200),
        4: _incident(session, soc, "critical", "servicenow", at("03-05 02:00"), "INC0012345 Malware on WKS-0042",
                     resolved=600),
        5: _incident(session, cert, "critical", "splunk", at("03-06 10:00"), "INC0099999 Malware on WKS-0007",
                     ack=(60, carol, 1, "api")),
        6: _incident(session, soc, "critical", "splunk", at("03-07 01:00"), "Brute force on host db01 from 10.1.0.7",
                     brute),
        7: _incident(session, soc, "critical", "splunk", at("03-01 23:50"), "Brute force on host web09 from 10.0.0.1",
                     brute, ack=(600, alice, 1, "link")),
    }
    i = data.incidents
    sec = timedelta(seconds=1)
    _page(session, i[1], alice, "pagerduty", at("03-02 03:00") + 10 * sec)   # Sun 22:00 EST: after hours, her sleep
    _page(session, i[2], alice, "pagerduty", at("03-03 14:00") + 10 * sec)   # Tue 09:00 EST: business hours
    _page(session, i[2], bob, "sms", at("03-03 14:10") + 10 * sec, level=2)  # business hours; 14:10 London
    _page(session, i[3], alice, "pagerduty", at("03-04 15:00") + 5 * sec)    # business hours
    _page(session, i[4], bob, "sms", at("03-05 02:00") + 5 * sec)            # Wed 21:00 EST; 02:00 London: sleep
    _page(session, i[5], carol, "pagerduty", at("03-06 10:00") + 5 * sec)    # CERT has no hours; 19:00 Tokyo
    _page(session, i[6], alice, "sms", at("03-07 01:00") + 5 * sec)          # Fri 20:00 EST
    _page(session, i[6], bob, "sms", at("03-07 01:10") + 5 * sec, level=2)   # 01:10 London: sleep
    _page(session, i[7], alice, "pagerduty", at("03-02 00:05"))              # incident before, page inside the period
    _page(session, i[6], None, "pagerduty", at("03-07 01:00") + 6 * sec)     # a service page: nobody's
    _page(session, i[1], alice, "sms", None, status="cancelled")             # never sent
    _page(session, i[1], None, "pagerduty", at("03-02 04:00"), kind="resolve")  # not a page
    session.commit()
    return data
