"""SLA targets (API, audited) and breaches recorded by the engine step exactly once."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from sqlalchemy import select

from oncall.engine.sla import record_breaches
from oncall.store.models import AuditEntry, Incident, SlaBreach, TimelineEntry

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)
TARGETS = {"targets": [{"severity": "critical", "acknowledge_seconds": 900, "resolve_seconds": 14400},
                       {"severity": "high", "resolve_seconds": 86400}]}


def test_put_and_get_targets(api, make, session):
    team = make.team(name="SOC")
    assert api.get(f"/api/v1/teams/{team.id}/sla").get_json() == {"team_id": team.id, "targets": []}
    response = api.put(f"/api/v1/teams/{team.id}/sla", json=TARGETS)
    assert response.status_code == 200, response.get_json()
    expected = {"team_id": team.id, "targets": [
        {"severity": "critical", "acknowledge_seconds": 900, "resolve_seconds": 14400},
        {"severity": "high", "acknowledge_seconds": None, "resolve_seconds": 86400}]}
    assert response.get_json() == expected
    assert api.get(f"/api/v1/teams/{team.id}/sla").get_json() == expected
    api.put(f"/api/v1/teams/{team.id}/sla", json={"targets": [{"severity": "low", "resolve_seconds": 60}]})
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "sla.put")
                            .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.object_type == "team" and entry.object_id == str(team.id)
    assert entry.before == expected and [t["severity"] for t in entry.after["targets"]] == ["low"]


def test_targets_are_validated(api, make):
    team = make.team(name="SOC")
    for body, field in [
        ({"targets": [{"severity": "critical", "acknowledge_seconds": 60}] * 2}, "targets"),
        ({"targets": [{"severity": "urgent", "acknowledge_seconds": 60}]}, "targets.0.severity"),
        ({"targets": [{"severity": "high"}]}, "targets.0"),
        ({"targets": [{"severity": "high", "acknowledge_seconds": 600, "resolve_seconds": 60}]}, "targets.0"),
        ({"targets": [{"severity": "high", "acknowledge_seconds": 0}]}, "targets.0.acknowledge_seconds"),
    ]:
        response = api.put(f"/api/v1/teams/{team.id}/sla", json=body)
        assert response.status_code == 400, body
        assert field in [d["field"] for d in response.get_json()["details"]], response.get_json()
    assert api.put("/api/v1/teams/999/sla", json=TARGETS).status_code == 404


def _incident(session, team_id, severity="critical", created=T0):
    incident = Incident(team_id=team_id, source="generic", external_id="X-1", dedup_key=f"x-{created}",
                        title="Ransomware", severity=severity, created_at=created)
    session.add(incident)
    session.commit()
    return incident


def _sla_entries(session, incident_id):
    return session.execute(select(TimelineEntry).where(TimelineEntry.incident_id == incident_id,
                                                       TimelineEntry.kind == "sla_breach")).scalars().all()


def test_engine_step_records_each_breach_once(api, make, session):
    team = make.team(name="SOC")
    api.put(f"/api/v1/teams/{team.id}/sla", json=TARGETS)
    late = _incident(session, team.id)
    untargeted = _incident(session, team.id, severity="medium")
    assert record_breaches(session, T0 + timedelta(seconds=900)) == 0  # exactly on target: not late
    assert record_breaches(session, T0 + timedelta(seconds=901)) == 1
    assert record_breaches(session, T0 + timedelta(seconds=902)) == 0  # idempotent
    breach = session.execute(select(SlaBreach)).scalar_one()
    assert (breach.incident_id, breach.kind, breach.target_seconds) == (late.id, "acknowledge", 900)
    assert breach.due_at == T0 + timedelta(seconds=900)
    [entry] = _sla_entries(session, late.id)
    assert entry.data["kind"] == "acknowledge" and entry.actor == "engine"
    assert _sla_entries(session, untargeted.id) == []

    late.status, late.acknowledged_at = "acknowledged", T0 + timedelta(hours=1)
    session.commit()
    assert record_breaches(session, T0 + timedelta(hours=4, seconds=1)) == 1  # still unresolved after 4 h
    assert record_breaches(session, T0 + timedelta(hours=5)) == 0
    assert sorted(b.kind for b in session.execute(select(SlaBreach)).scalars()) == ["acknowledge", "resolve"]
    assert len(_sla_entries(session, late.id)) == 2

    listed = api.get(f"/api/v1/sla/breaches?team_id={team.id}").get_json()
    assert [(b["kind"], b["due_at"]) for b in listed] == [
        ("resolve", "2026-03-02T07:00:00Z"), ("acknowledge", "2026-03-02T03:15:00Z")]
    assert api.get("/api/v1/sla/breaches?since=2026-03-02T04:00:00Z").get_json()[0]["kind"] == "resolve"
    assert api.get(f"/api/v1/sla/breaches?team_id={team.id + 1}").get_json() == []


def test_resolved_or_acknowledged_incidents_are_not_marked(api, make, session):
    team = make.team(name="SOC")
    api.put(f"/api/v1/teams/{team.id}/sla", json=TARGETS)
    acked = _incident(session, team.id)
    acked.status, acked.acknowledged_at = "acknowledged", T0 + timedelta(minutes=5)
    done = _incident(session, team.id, created=T0 + timedelta(seconds=1))
    done.status, done.resolved_at = "resolved", T0 + timedelta(minutes=5)
    session.commit()
    assert record_breaches(session, T0 + timedelta(hours=1)) == 0


def test_the_engine_tick_records_the_breach_exactly_once(app, api, make, session):
    team = make.team(name="SOC")
    api.put(f"/api/v1/teams/{team.id}/sla", json=TARGETS)
    incident = _incident(session, team.id)
    engine = app.extensions["oncall.escalation"]
    with freeze_time(T0 + timedelta(minutes=16)):
        engine.tick()
        engine.tick()
    assert [e.data["kind"] for e in _sla_entries(session, incident.id)] == ["acknowledge"]
