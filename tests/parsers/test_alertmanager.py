import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import alertmanager

GRAPH = "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1"


@pytest.mark.parametrize("source, variant, expected", [
    ("alertmanager", "firing", [
        {"action": "trigger", "dedup_key": "1a30ba71cca2921f", "external_id": "1a30ba71cca2921f",
         "title": "BlackBox Probe Failure: https://server.example.org", "severity": "critical", "source": "alertmanager",
         "fields": {"labels": ["alertname=ProbeFailure", "instance=https://server.example.org", "job=http_checks",
                               "severity=critical"]},
         "url": GRAPH, "occurred_at": "2023-02-06T13:08:45.828Z"},
        {"action": "trigger", "dedup_key": "77d1b8e9b01c3c0a", "title": "ProbeFailure", "severity": "medium",
         "occurred_at": "2023-02-06T13:09:15.828Z"},
    ]),
    ("alertmanager", "resolved", [
        {"action": "resolve", "dedup_key": "1a30ba71cca2921f", "severity": "critical",
         "title": "BlackBox Probe Failure: https://server.example.org", "occurred_at": "2023-02-06T13:31:45.828Z"},
    ]),
    ("grafana", "firing", [
        {"action": "trigger", "dedup_key": "c6eadffa33fcdf37", "title": "This alert was triggered for zone us-1",
         "severity": "high", "fields": {"labels": ["alertname=High memory usage", "team=blue", "zone=us-1"]},
         "url": "https://play.grafana.org/alerting/1afz29v7z/edit", "source": "alertmanager"},
        {"action": "resolve", "dedup_key": "bc97ff14869b13e3", "title": "High CPU usage", "severity": "high",
         "occurred_at": "2021-10-12T10:06:03.157076+02:00"},
    ]),
])
def test_fixture_variants(load_payload, source, variant, expected):
    events = alertmanager.parse(load_payload(source, variant))
    assert [{key: getattr(event, key) for key in want} for event, want in zip(events, expected)] == expected
    assert len(events) == len(expected)


def test_details_keep_the_alert_and_its_group(load_payload):
    first, second = alertmanager.parse(load_payload("grafana", "firing"))
    assert first.details["orgId"] == 1 and first.details["receiver"] == "oncall-webhook"
    assert first.details["silenceURL"].startswith("https://play.grafana.org/alerting/silence/new")
    assert "dashboardURL" not in first.details
    assert second.details["panelURL"] == "https://play.grafana.org/d/monitoring?viewPanel=2"
    assert first.details["annotations"]["runbook_url"] == "https://myrunbook.com/runbook/1234"


def _alert(**alert):
    return {"status": "firing", "alerts": [{"fingerprint": "f1", "labels": {"alertname": "A"}, **alert}]}


@pytest.mark.parametrize("severity, expected", [
    ("critical", "critical"), ("page", "critical"), ("P1", "critical"), ("high", "high"), ("error", "high"),
    ("warning", "medium"), ("low", "low"), ("info", "info"), ("none", "info"), ("bogus", "high"), (None, "high"),
])
def test_severity_label(severity, expected):
    assert alertmanager.parse(_alert(labels={"alertname": "A", "severity": severity}))[0].severity == expected


def test_alert_without_status_takes_the_groups():
    payload = {"status": "resolved", "alerts": [{"fingerprint": "f1", "labels": {"alertname": "A"}}]}
    assert alertmanager.parse(payload)[0].action == "resolve"


def test_empty_group_gives_no_event():
    assert alertmanager.parse({"status": "firing", "alerts": []}) == []


def test_resolved_alert_needs_no_title():
    [event] = alertmanager.parse({"alerts": [{"fingerprint": "f1", "status": "resolved"}]})
    assert (event.action, event.title) == ("resolve", "")


@pytest.mark.parametrize("payload, field", [
    ({"status": "firing"}, "alerts"),
    ({"alerts": {"fingerprint": "f1"}}, "alerts"),
    ({"alerts": [1]}, "alerts.0"),
    ({"alerts": [{"fingerprint": "f1", "labels": {"alertname": "A"}}, {"labels": {"alertname": "B"}}]},
     "alerts.1.fingerprint"),
    (_alert(fingerprint=17), "alerts.0.fingerprint"),
    (_alert(labels={"job": "x"}), "alerts.0.labels.alertname"),
    (_alert(labels=["alertname=A"]), "alerts.0.labels"),
    (_alert(annotations={"summary": 3}), "alerts.0.annotations.summary"),
])
def test_invalid(payload, field):
    with pytest.raises(PayloadError) as caught:
        alertmanager.parse(payload)
    assert field in [detail["field"] for detail in caught.value.details]
    assert f"'{field}'" in str(caught.value)
