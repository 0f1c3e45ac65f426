"""Watchers: new tickets polled from ServiceNow, Jira and TheHive open incidents like webhooks do."""
import json
from datetime import timedelta

import pytest
from freezegun import freeze_time

from tests.connectors.conftest import BEARER, T0, another_process


def test_a_new_critical_servicenow_ticket_opens_an_incident(soc, servicenow):
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        ticket = servicenow.add(priority="1", created="2026-01-05 09:00:30")
        servicenow.add(priority="3", created="2026-01-05 09:00:40", title="Printer jam")  # below "high"
        frozen.tick(timedelta(seconds=5))
        assert soc.poll() == 1

    query = servicenow.params(servicenow.calls("GET", "/api/now/table/incident")[0])
    assert query["sysparm_query"] == "active=true^priority<=2^sys_created_on>=2026-01-05 09:00:00^ORDERBYsys_created_on"
    assert query["sysparm_display_value"] == "all"
    [incident] = soc.incidents()
    assert (incident.external_id, incident.dedup_key, incident.severity) == ((number := ticket["number"]["value"]),
                                                                           number, "critical")
    assert incident.title == "Ransomware on fin-ws-12" and incident.integration_id == integration["id"]
    assert incident.link == f"{servicenow.base_url}/nav_to.do?uri=incident.do?sys_id={ticket['sys_id']['value']}"
    status = soc.status(integration)
    assert status["cursor"] == "2026-01-05T09:00:30Z" and status["consecutive_failures"] == 0
    assert status["next_poll_at"] == "2026-01-05T09:01:05Z" and status["last_success_at"] == "2026-01-05T09:00:05Z"


def test_a_connector_is_not_polled_before_its_interval(soc, servicenow):
    with freeze_time(T0) as frozen:
        soc.connected("servicenow", servicenow, interval_seconds=120)
        soc.poll()
        frozen.tick(timedelta(seconds=119))
        soc.poll()
        assert len(servicenow.calls("GET", "/api/now/table/incident")) == 1
        frozen.tick(timedelta(seconds=1))
        soc.poll()
        assert len(servicenow.calls("GET", "/api/now/table/incident")) == 2


def test_a_new_jira_issue_opens_an_incident(soc, jira):
    with freeze_time(T0) as frozen:
        integration = soc.connected("jira", jira, auth=BEARER)
        jira.add(key="SOC-7", priority="Highest", created="2026-01-05T10:00:20.000+0100")  # 09:00:20Z
        jira.add(key="SOC-8", priority="Low", created="2026-01-05T10:00:30.000+0100")
        jira.add(key="OPS-1", priority="Highest", created="2026-01-05T10:00:30.000+0100", project="OPS")
        frozen.tick(timedelta(seconds=30))
        assert soc.poll() == 1

    search = jira.calls("GET", "/rest/api/3/search/jql")[0]
    assert jira.params(search)["jql"] == ('project = "SOC" AND priority in ("Highest", "High") AND statusCategory '
                                          '!= Done AND created >= "2026-01-05 10:00" ORDER BY created ASC')
    assert search.headers["Authorization"] == f"Bearer {BEARER['token']}"
    [incident] = soc.incidents()
    assert (incident.external_id, incident.severity) == ("SOC-7", "critical")
    assert incident.link == f"{jira.base_url}/browse/SOC-7"
    assert soc.status(integration)["cursor"] == "2026-01-05T09:00:20Z"


def test_new_thehive_alerts_and_cases_open_incidents(soc, thehive):
    created = 1767603600000  # T0 in epoch ms
    with freeze_time(T0) as frozen:
        soc.connected("thehive", thehive, auth=BEARER)
        case = thehive.add(kind="Case", severity=3, created_ms=created + 2000, title="Phishing wave")
        alert = thehive.add(kind="Alert", severity=4, created_ms=created + 1000)
        thehive.add(kind="Alert", severity=2, created_ms=created + 3000, title="Port scan")
        frozen.tick(timedelta(seconds=10))
        assert soc.poll() == 2

    first = thehive.calls("POST", "/api/v1/query")[0].json()["query"]
    assert first[0] == {"_name": "listAlert"}
    assert first[1] == {"_name": "filter", "_and": [{"_gte": {"_field": "_createdAt", "_value": created}},
                                                    {"_gte": {"_field": "severity", "_value": 3}}]}
    incidents = soc.incidents()
    assert [(i.external_id, i.severity) for i in incidents] == [(alert["_id"], "critical"), (case["_id"], "high")]
    assert incidents[1].details["object_type"] == "Case"


@pytest.mark.parametrize("webhook_first", [True, False], ids=["webhook-then-poll", "poll-then-webhook"])
def test_a_ticket_seen_by_the_webhook_and_the_poller_opens_one_incident(soc, servicenow, client, webhook_first):
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        ticket = servicenow.add(priority="1", created="2026-01-05 09:00:10")
        webhook = {**ticket, "instance": servicenow.base_url}

        def send_webhook():
            answer = client.post(f"/integrations/{integration['key']}", data=json.dumps(webhook),
                                 headers={"Content-Type": "application/json"})
            assert answer.status_code == 202, answer.get_json()

        if webhook_first:
            send_webhook()
        frozen.tick(timedelta(seconds=5))
        soc.poll()
        if not webhook_first:
            send_webhook()

    [incident] = soc.incidents()
    assert incident.external_id == ticket["number"]["value"]
    assert soc.timeline_kinds(incident.id).count("event_appended") == 1


def test_the_cursor_survives_a_restart(soc, servicenow, db_url):
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        servicenow.add(priority="1", created="2026-01-05 09:00:30", number="INC0000001")
        frozen.tick(timedelta(seconds=40))
        soc.poll()

        restarted = another_process(db_url)
        try:
            servicenow.add(priority="2", created="2026-01-05 09:01:10", number="INC0000002")
            seen = len(servicenow.requests)
            frozen.tick(timedelta(seconds=60))
            assert restarted.extensions["oncall.poller"].poll_due() == 1
        finally:
            restarted.extensions["oncall.engine"].dispose()

    query = servicenow.params(servicenow.requests[seen])["sysparm_query"]
    assert "^sys_created_on>=2026-01-05 09:00:30^" in query
    first, second = soc.incidents()
    assert (first.external_id, second.external_id) == ("INC0000001", "INC0000002")
    assert "event_appended" not in soc.timeline_kinds(first.id)  # the ticket at the cursor was not read again
    assert soc.status(integration)["cursor"] == "2026-01-05T09:01:10Z"


def test_tickets_created_in_the_cursors_second_are_not_missed(soc, servicenow):
    with freeze_time(T0) as frozen:
        soc.connected("servicenow", servicenow)
        servicenow.add(priority="1", created="2026-01-05 09:00:30", number="INC0000001")
        frozen.tick(timedelta(seconds=30))
        soc.poll()
        servicenow.add(priority="1", created="2026-01-05 09:00:30", number="INC0000002")  # same second, later
        frozen.tick(timedelta(seconds=60))
        assert soc.poll() == 1
    assert [i.external_id for i in soc.incidents()] == ["INC0000001", "INC0000002"]


def test_a_ticket_resolved_in_servicenow_resolves_its_incident(soc, servicenow):
    with freeze_time(T0) as frozen:
        soc.connected("servicenow", servicenow)
        ticket = servicenow.add(priority="1", created="2026-01-05 09:00:10")
        frozen.tick(timedelta(seconds=20))
        soc.poll()
        frozen.tick(timedelta(seconds=60))
        soc.poll()  # still open: looked at again, nothing changes
        servicenow.set_state(ticket, "6")
        frozen.tick(timedelta(seconds=60))
        soc.poll()

    recheck = servicenow.params(servicenow.calls("GET", "/api/now/table/incident")[-1])["sysparm_query"]
    assert recheck == f"numberIN{ticket['number']['value']}"
    [incident] = soc.incidents()
    assert incident.status == "resolved"
    assert "event_appended" not in soc.timeline_kinds(incident.id)


@pytest.mark.parametrize("how", ["done", "deleted"])
def test_a_jira_issue_done_or_deleted_resolves_its_incident(soc, jira, how):
    with freeze_time(T0) as frozen:
        soc.connected("jira", jira)
        jira.add(key="SOC-9", created="2026-01-05T10:00:20.000+0100")
        frozen.tick(timedelta(seconds=30))
        soc.poll()
        if how == "done":
            jira.close("SOC-9")
        else:
            del jira.issues["SOC-9"]
        frozen.tick(timedelta(seconds=60))
        soc.poll()
    [incident] = soc.incidents()
    assert incident.status == "resolved"


def test_a_thehive_alert_closed_resolves_its_incident(soc, thehive):
    with freeze_time(T0) as frozen:
        soc.connected("thehive", thehive)
        alert = thehive.add(created_ms=1767603601000)
        frozen.tick(timedelta(seconds=30))
        soc.poll()
        thehive.close(alert)
        frozen.tick(timedelta(seconds=60))
        soc.poll()
    recheck = thehive.calls("POST", "/api/v1/query")[-2].json()["query"][1]
    assert recheck == {"_name": "filter", "_and": [{"_in": {"_field": "_id", "_values": [alert["_id"]]}}]}
    [incident] = soc.incidents()
    assert incident.status == "resolved"
