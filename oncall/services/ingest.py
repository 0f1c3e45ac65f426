"""Accepting normalised events: dedup, routing, lifecycle — committed in one transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oncall.ingest.event import NormalizedEvent, severity_at_least
from oncall.ingest.routing import Route, routes
from oncall.services import audit, incidents, policies, timeline
from oncall.store.models import EscalationPolicy, InboundEvent, Incident, IncidentStatus, Integration


@dataclass
class IngestResult:
    incident_ids: list[int] = field(default_factory=list)
    dedup_keys: list[str] = field(default_factory=list)
    opened: int = 0  # new incidents: the engine should look at them now


def _open_incident(session: Session, integration: Integration, route: Route, event: NormalizedEvent,
                   dedup_key: str, group: str | None, now: datetime) -> Incident | None:
    """A new incident, or None when another request opened the same one first."""
    incident = Incident(
        team_id=route.team_id, policy_id=route.policy_id, integration_id=integration.id, source=event.source,
        external_id=(event.external_id or dedup_key)[:255], dedup_key=dedup_key, ticket_group=group,
        title=event.title[:1024], severity=event.severity, urgency="high" if event.severity in ("critical", "high") else "low",
        link=event.url if event.url and len(event.url) <= 2048 else None,  # a cut URL would be a broken one
        details={"fields": event.fields, **event.details}, created_at=now,
        policy_snapshot=policies.snapshot(session=session, policy_id=route.policy_id),
        next_deadline=now, escalation_state="pending")
    try:
        with session.begin_nested():
            session.add(incident)
            session.flush()
    except IntegrityError:
        return None
    timeline.add(session, incident_id=incident.id, kind="triggered", actor=f"integration:{integration.id}", at=now,
                 message=f"Triggered by {integration.name} ({event.source}): {event.external_id} {event.title}"[:2048],
                 data={"severity": event.severity, "dedup_key": dedup_key, "ticket_group": group})
    audit.record(session, actor=f"integration:{integration.id}", action="incident.trigger", object_type="incident",
                 object_id=incident.id, after={"team_id": incident.team_id, "severity": incident.severity,
                                               "dedup_key": dedup_key, "external_id": incident.external_id})
    return incident


def _open_for(session: Session, integration: Integration, dedup_key: str, team_id: int | None = None) -> list[Incident]:
    query = select(Incident).where(Incident.integration_id == integration.id, Incident.dedup_key == dedup_key,
                                   Incident.status != IncidentStatus.resolved.value)
    if team_id is not None:
        query = query.where(Incident.team_id == team_id)
    return list(session.execute(query.order_by(Incident.id)).scalars())


def _trigger(session: Session, integration: Integration, event: NormalizedEvent, dedup_key: str,
             now: datetime, result: IngestResult) -> str:
    default = Route(integration.team_id, integration.policy_id)
    # A rule may name a policy deleted since: that part of the ticket goes to the integration's own
    # team and policy rather than failing the delivery (a 4xx would drop the ticket for good).
    targets = list(dict.fromkeys(
        route if route == default or session.get(EscalationPolicy, route.policy_id) is not None else default
        for route in routes(integration.routing_rules, event, default)))
    group = None
    if len(targets) > 1:  # join the group of this ticket's incidents still open, if any
        group = next((i.ticket_group for i in _open_for(session, integration, dedup_key) if i.ticket_group),
                     None) or uuid.uuid4().hex
    outcome = "appended"
    for route in targets:
        existing = _open_for(session, integration, dedup_key, route.team_id)
        incident = existing[0] if existing else _open_incident(session, integration, route, event, dedup_key, group, now)
        if incident is None:  # lost a race against an identical event: join the winner
            incident = _open_for(session, integration, dedup_key, route.team_id)[0]
        elif not existing:
            outcome, result.opened = "opened", result.opened + 1
            result.incident_ids.append(incident.id)
            continue
        timeline.add(session, incident_id=incident.id, kind="event_appended", actor=f"integration:{integration.id}",
                     at=now, message=f"Repeated event from {integration.name}: {event.title}"[:2048],
                     data={"severity": event.severity})
        result.incident_ids.append(incident.id)
    return outcome


def _acknowledge_or_resolve(session: Session, integration: Integration, event: NormalizedEvent, dedup_key: str,
                            now: datetime, result: IngestResult) -> str:
    matching = _open_for(session, integration, dedup_key)
    change = incidents.acknowledge if event.action == "acknowledge" else incidents.resolve
    for incident in matching:
        change(session=session, incident_id=incident.id, user_id=None, via="integration",
               actor=f"integration:{integration.id}", now=now, data={"source": event.source}, commit=False)
        result.incident_ids.append(incident.id)
    return f"{event.action}d" if matching else "unknown_dedup_key"


def ingest(*, session: Session, integration: Integration, events: list[NormalizedEvent], raw_body: str,
           now: datetime) -> IngestResult:
    """Apply every event of one delivery, then commit once: all of it is stored, or none."""
    result = IngestResult()
    for event in events:
        dedup_key = event.dedup_key or uuid.uuid4().hex
        before = len(result.incident_ids)
        if event.action == "trigger" and not severity_at_least(event.severity, integration.min_severity):
            outcome = "below_min_severity"
        elif event.action == "trigger":
            outcome = _trigger(session, integration, event, dedup_key, now, result)
        else:
            outcome = _acknowledge_or_resolve(session, integration, event, dedup_key, now, result)
        session.add(InboundEvent(integration_id=integration.id, received_at=now, action=event.action,
                                 dedup_key=dedup_key, severity=event.severity, outcome=outcome,
                                 incident_ids=result.incident_ids[before:], raw_body=raw_body))
        result.dedup_keys.append(dedup_key)
    if not events:  # a well-formed delivery about no ticket (a Jira comment): its body is kept all the same
        session.add(InboundEvent(integration_id=integration.id, received_at=now, action="none", dedup_key="",
                                 outcome="no_ticket", incident_ids=[], raw_body=raw_body))
    session.commit()
    return result
