"""A failing poll is retried with backoff, shown on the connector and in /metrics; polls never overlap."""
import re
import threading
from datetime import timedelta

from freezegun import freeze_time

from tests.connectors.conftest import T0, another_process


def _metric(client, name: str, **labels) -> float | None:
    text = client.get("/metrics").get_data(as_text=True)
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_an_api_answering_500_is_retried_with_backoff_and_shown(soc, servicenow, client):
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        errors_before = _metric(client, "oncall_connector_polls_total", source="servicenow", outcome="error") or 0
        servicenow.add(priority="1", created="2026-01-05 09:00:01")
        servicenow.fail_next(2, 500)
        soc.poll()
        status = soc.status(integration)
        assert status["consecutive_failures"] == 1 and status["last_error_at"] == "2026-01-05T09:00:00Z"
        assert status["last_error"].startswith("GET /api/now/table/incident: HTTP 500: ")
        assert status["next_poll_at"] == "2026-01-05T09:00:15Z" and status["cursor"] == "2026-01-05T09:00:00Z"
        assert _metric(client, "oncall_connector_consecutive_failures", integration_id=integration["id"]) == 1.0
        assert _metric(client, "oncall_connector_polls_total", source="servicenow",
                       outcome="error") == errors_before + 1

        frozen.tick(timedelta(seconds=14))
        soc.poll()  # not yet
        assert len(servicenow.requests) == 1
        frozen.tick(timedelta(seconds=1))
        soc.poll()
        status = soc.status(integration)
        assert status["consecutive_failures"] == 2 and status["next_poll_at"] == "2026-01-05T09:00:45Z"

        frozen.tick(timedelta(seconds=30))
        assert soc.poll() == 1  # the API is back: the ticket read during the outage is not lost
        status = soc.status(integration)
        assert status["consecutive_failures"] == 0 and status["last_success_at"] == "2026-01-05T09:00:45Z"
        assert status["last_error"].startswith("GET /api/now/table/incident: HTTP 500")  # kept, with its time
        assert _metric(client, "oncall_connector_consecutive_failures", integration_id=integration["id"]) == 0.0
        assert len(soc.incidents()) == 1


def test_an_unreachable_api_is_a_retried_failure(soc, jira, client):
    with freeze_time(T0):
        integration = soc.connected("jira", jira)
        jira.stop()  # connection refused from now on
        soc.poll()
        status = soc.status(integration)
    assert status["consecutive_failures"] == 1 and status["next_poll_at"] == "2026-01-05T09:00:15Z"
    assert re.match(r"GET /rest/api/2/priority: ConnectionError: ", status["last_error"])
    assert not status["polling"]


def test_two_pollers_racing_poll_once(soc, servicenow, db_url):
    """Poller A holds the poll mid-flight (the fake holds its request); poller B, another process, skips it."""
    other = another_process(db_url)
    servicenow.gate = threading.Event()
    try:
        with freeze_time(T0):
            integration = soc.connected("servicenow", servicenow)
            servicenow.add(priority="1", created="2026-01-05 09:00:00")
            first = threading.Thread(target=soc.poll)
            first.start()
            assert servicenow.arrived.wait(5)
            assert soc.status(integration)["polling"] is True
            assert other.extensions["oncall.poller"].poll_due() == 0
            servicenow.gate.set()
            first.join(10)
            assert soc.status(integration)["polling"] is False
    finally:
        servicenow.gate.set()
        other.extensions["oncall.engine"].dispose()
    assert len(servicenow.calls("GET", "/api/now/table/incident")) == 1
    assert len(soc.incidents()) == 1


def test_many_pollers_started_together_poll_once(soc, thehive, db_url):
    processes = [another_process(db_url) for _ in range(4)]
    start = threading.Barrier(len(processes))

    def run(app):
        start.wait(5)
        app.extensions["oncall.poller"].poll_due()

    try:
        with freeze_time(T0):
            soc.connected("thehive", thehive)
            threads = [threading.Thread(target=run, args=(app,)) for app in processes]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
    finally:
        for app in processes:
            app.extensions["oncall.engine"].dispose()
    assert [r.json()["query"][0]["_name"] for r in thehive.calls("POST", "/api/v1/query")] == ["listAlert", "listCase"]
