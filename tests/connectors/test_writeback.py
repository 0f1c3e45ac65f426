"""Write-back: pages, escalations, acknowledgements and resolves land on the ticket, through the outbox."""
from datetime import timedelta

from freezegun import freeze_time

from tests.connectors.conftest import T0


def _story(soc, fake, source: str, *, ack: bool = True, **connector):
    """Poll a ticket in, page level 1, escalate to level 2, acknowledge as Bob, resolve."""
    alice, bob = soc.analysts
    with freeze_time(T0) as frozen:
        soc.connected(source, fake, **connector)
        frozen.tick(timedelta(seconds=5))
        soc.poll()
        [incident] = soc.incidents()
        soc.tick()  # level 1: Alice by PagerDuty
        frozen.tick(timedelta(seconds=601))
        soc.tick()  # level 2: Bob by SMS
        if ack:
            assert soc.api.post(f"/api/v1/incidents/{incident.id}/acknowledge",
                                json={"user_id": bob["id"]}).status_code == 200
            soc.tick()
        assert soc.api.post(f"/api/v1/incidents/{incident.id}/resolve", json={}).status_code == 200
        soc.tick()
    return incident


def _notes(incident_id: int, *, ack: bool = True) -> list[str]:
    head = f"[oncall] incident {incident_id}:"
    return [f"{head} paged Alice Analyst by pagerduty (escalation level 1)",
            f"{head} nobody acknowledged, escalated to level 2: paged Bob Backup by sms",
            *([f"{head} acknowledged by Bob Backup via api"] if ack else []),
            f"{head} resolved via api"]


def test_servicenow_gets_work_notes_and_the_acknowledging_analyst(soc, servicenow):
    ticket = servicenow.add(priority="1", created="2026-01-05 09:00:01")
    servicenow.users["bob@soc.example"] = "sysid-of-bob"
    incident = _story(soc, servicenow, "servicenow", assign_on_ack=True)

    patches = servicenow.calls("PATCH", f"/api/now/table/incident/{ticket['sys_id']['value']}")
    assert [p.json()["work_notes"] for p in patches] == _notes(incident.id)
    assert [p.json().get("assigned_to") for p in patches] == [None, None, "sysid-of-bob", None]
    assert ticket["assigned_to"]["value"] == "sysid-of-bob"
    notes = soc.writebacks()
    assert [(n.kind, n.status) for n in notes] == [("writeback", "sent")] * 4
    assert "notification_sent" in soc.timeline_kinds(incident.id)


def test_jira_gets_comments_and_the_assignee(soc, jira):
    jira.add(key="SOC-11", created="2026-01-05T10:00:01.000+0100")
    jira.accounts["bob@soc.example"] = "557058:bob"
    incident = _story(soc, jira, "jira", assign_on_ack=True)

    comments = jira.calls("POST", "/rest/api/2/issue/SOC-11/comment")
    assert [c.json() for c in comments] == [{"body": note} for note in _notes(incident.id)]
    [assign] = jira.calls("PUT", "/rest/api/2/issue/SOC-11/assignee")
    assert assign.json() == {"accountId": "557058:bob"}


def test_thehive_gets_comments_on_the_alert(soc, thehive):
    alert = thehive.add(created_ms=1767603601000)
    incident = _story(soc, thehive, "thehive", ack=False)

    comments = thehive.calls("POST", f"/api/v1/alert/{alert['_id']}/comment")
    assert [c.json() for c in comments] == [{"message": note} for note in _notes(incident.id, ack=False)]
    assert thehive.calls("PATCH", "/api/v1/alert/") == []  # assign_on_ack is off by default


def test_a_failed_write_back_is_retried_by_the_outbox(soc, servicenow):
    ticket = servicenow.add(priority="1", created="2026-01-05 09:00:01")
    with freeze_time(T0) as frozen:
        soc.connected("servicenow", servicenow)
        frozen.tick(timedelta(seconds=5))
        soc.poll()
        servicenow.fail_next(1, 503)
        soc.tick()
        [note] = soc.writebacks()
        assert (note.status, note.attempts) == ("pending", 1) and "HTTP 503" in note.error
        frozen.tick(timedelta(seconds=5))
        soc.tick()
    [note] = soc.writebacks()
    assert (note.status, note.attempts) == ("sent", 2)
    assert len(servicenow.calls("PATCH", f"/api/now/table/incident/{ticket['sys_id']['value']}")) == 2


def test_what_came_from_the_ticket_is_not_written_back(soc, servicenow):
    ticket = servicenow.add(priority="1", created="2026-01-05 09:00:01")
    with freeze_time(T0) as frozen:
        soc.connected("servicenow", servicenow)
        frozen.tick(timedelta(seconds=5))
        soc.poll()
        soc.tick()
        servicenow.set_state(ticket, "7")
        frozen.tick(timedelta(seconds=60))
        soc.poll()
        soc.tick()
    [incident] = soc.incidents()
    assert incident.status == "resolved"
    assert [n.idempotency_key for n in soc.writebacks()] == [f"{incident.id}:writeback:0:1"]  # the page only


def test_write_back_off_writes_nothing(soc, servicenow):
    servicenow.add(priority="1", created="2026-01-05 09:00:01")
    _story(soc, servicenow, "servicenow", write_back=False)
    assert soc.writebacks() == [] and servicenow.calls("PATCH", "/") == []
