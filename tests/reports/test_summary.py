"""The summary report against figures computed by hand from tests/reports/dataset.py."""
from tests.reports.dataset import PERIOD

PATHS = {"link": 0, "sms": 0, "pagerduty": 0, "api": 0, "ui": 0, "integration": 0}


def _summary(api, group_by, extra=""):
    response = api.get(f"/api/v1/reports/summary?{PERIOD}&group_by={group_by}{extra}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_by_team(api, data, frozen):
    body = _summary(api, "team")
    assert (body["since"], body["until"], body["group_by"]) == ("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", "team")
    soc, cert = body["groups"]
    assert soc == {
        "key": str(data.soc), "label": "SOC", "incidents": 5, "acknowledged": 3, "resolved": 4,
        "mtta": {"median": 600.0, "p90": 1080.0},  # 300, 600, 1200
        "mttr": {"median": 5400.0, "p90": 14760.0},  # 600, 3600, 7200, 18000
        "acknowledge_breaches": 2, "resolve_breaches": 2,  # #2 late twice, #6 still open by "now"
        "acknowledgements_by_level": {"1": 2, "2": 1},
        "acknowledgements_by_path": {**PATHS, "sms": 1, "link": 1, "pagerduty": 1},
        "pages": 9, "after_hours_pages": 6,
    }
    assert cert == {
        "key": str(data.cert), "label": "CERT", "incidents": 1, "acknowledged": 1, "resolved": 0,
        "mtta": {"median": 60.0, "p90": 60.0}, "mttr": {"median": None, "p90": None},
        "acknowledge_breaches": 0, "resolve_breaches": 0,
        "acknowledgements_by_level": {"1": 1}, "acknowledgements_by_path": {**PATHS, "api": 1},
        "pages": 1, "after_hours_pages": 1,  # no business hours: every page is after hours
    }
    total = body["total"]
    assert (total["label"], total["incidents"], total["acknowledged"], total["resolved"]) == ("all", 6, 4, 4)
    assert total["mtta"] == {"median": 450.0, "p90": 1020.0}  # 60, 300, 600, 1200
    assert total["mttr"] == {"median": 5400.0, "p90": 14760.0}
    assert (total["acknowledge_breaches"], total["resolve_breaches"]) == (2, 2)
    assert total["acknowledgements_by_level"] == {"1": 3, "2": 1}
    assert (total["pages"], total["after_hours_pages"]) == (10, 7)
    # team time: 22, 09, 09, 10, 21 (EST); 11 (Berlin); 20, 20, 19, 20 (EST)
    assert body["pages_by_hour"] == [0] * 9 + [2, 1, 1] + [0] * 7 + [1, 3, 1, 1, 0]


def test_by_severity_and_source(api, data, frozen):
    groups = {g["key"]: g for g in _summary(api, "severity")["groups"]}
    assert {k: (g["incidents"], g["pages"], g["acknowledge_breaches"]) for k, g in groups.items()} == {
        "critical": (5, 9, 2), "high": (1, 1, 0)}
    assert groups["high"]["mtta"] == {"median": 600.0, "p90": 600.0}
    sources = {g["key"]: g["incidents"] for g in _summary(api, "source")["groups"]}
    assert sources == {"splunk": 4, "jira": 1, "servicenow": 1}


def test_by_analyst_who_acknowledged(api, data, frozen):
    groups = {g["label"]: g for g in _summary(api, "analyst")["groups"]}
    assert {label: g["incidents"] for label, g in groups.items()} == {
        "Alice": 2, "Bob": 1, "Carol": 1, "not acknowledged": 2}
    assert groups["Alice"]["mtta"] == {"median": 450.0, "p90": 570.0}  # 300, 600
    assert groups["not acknowledged"]["key"] is None


def test_filters_narrow_everything(api, data, frozen):
    body = _summary(api, "team", f"&team_id={data.soc}&severity=critical&source=splunk")
    assert [g["label"] for g in body["groups"]] == ["SOC"]
    soc = body["groups"][0]
    assert (soc["incidents"], soc["acknowledged"], soc["resolved"]) == (3, 2, 2)  # #1, #2, #6
    assert soc["mtta"] == {"median": 750.0, "p90": 1110.0}  # 300, 1200
    assert soc["pages"] == 7  # #1, #2 (twice), #6 (three times), #7 (created before, paged inside)


def test_an_empty_period_has_a_zero_total(api, data, frozen):
    response = api.get("/api/v1/reports/summary?since=2025-01-01T00:00:00Z&until=2025-02-01T00:00:00Z")
    body = response.get_json()
    assert body["groups"] == []
    assert body["total"]["incidents"] == 0 and body["total"]["mtta"] == {"median": None, "p90": None}
