"""Analysts (fairness, sleep hours), recurring types and the MTTA trend, against the hand-computed dataset."""
import pytest

from oncall.services.reports.recurring import title_pattern
from tests.reports.dataset import PERIOD


def _get(api, path):
    response = api.get(path)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_analysts_pages_after_hours_and_sleep_hours(api, data, frozen):
    body = _get(api, f"/api/v1/reports/analysts?{PERIOD}")
    rows = {r["name"]: r for r in body["analysts"]}
    assert [r["name"] for r in body["analysts"]] == ["Alice", "Bob", "Carol"]  # most paged first
    assert rows["Alice"] == {
        "user_id": data.alice, "name": "Alice", "timezone": "America/New_York",
        "pages": 5, "share_of_pages": 0.5556, "after_hours_pages": 3,
        "sleep_hour_pages": 1, "share_of_sleep_hour_pages": 0.3333,  # only the 22:00 EST page
        "acknowledged": 2, "mtta": {"median": 450.0, "p90": 570.0}}
    bob = rows["Bob"]
    assert (bob["pages"], bob["after_hours_pages"], bob["sleep_hour_pages"]) == (3, 2, 2)  # 02:00, 01:10 London
    assert bob["share_of_sleep_hour_pages"] == 0.6667 and bob["acknowledged"] == 1
    carol = rows["Carol"]
    assert (carol["pages"], carol["after_hours_pages"], carol["sleep_hour_pages"]) == (1, 1, 0)  # 19:00 Tokyo


def test_analysts_of_one_team(api, data, frozen):
    body = _get(api, f"/api/v1/reports/analysts?{PERIOD}&team_id={data.cert}")
    assert [(r["name"], r["pages"]) for r in body["analysts"]] == [("Carol", 1)]


def test_recurring_types_by_rule_then_title_pattern(api, data, frozen):
    rows = _get(api, f"/api/v1/reports/recurring?{PERIOD}")
    assert rows == [
        {"key_type": "rule_name", "key": "Brute Force Detected", "incidents": 3, "first_at": "2026-03-02T03:00:00Z",
         "last_at": "2026-03-07T01:00:00Z", "example_title": rows[0]["example_title"]},
        {"key_type": "title", "key": "<id> Malware on <id>", "incidents": 2, "first_at": "2026-03-05T02:00:00Z",
         "last_at": "2026-03-06T10:00:00Z", "example_title": rows[1]["example_title"]},
    ]
    assert "Malware on WKS-00" in rows[1]["example_title"]
    everything = _get(api, f"/api/v1/reports/recurring?{PERIOD}&min_count=1")
    assert ("category", "Security Incident", 1) in [(r["key_type"], r["key"], r["incidents"]) for r in everything]


@pytest.mark.parametrize("title, pattern", [
    ("Failed login for user 42 from 10.0.0.5", "Failed login for user <n> from <ip>"),
    ("Malware d41d8cd98f00b204e9800998ecf8427e on WKS-0042", "Malware <hex> on <id>"),
    ("Alert 550e8400-e29b-41d4-a716-446655440000 fired  twice", "Alert <id> fired twice"),
    ("Beaconing to 0xdeadbeef1 on port 443", "Beaconing to <hex> on port <n>"),
])
def test_title_pattern(title, pattern):
    assert title_pattern(title) == pattern


def test_mtta_trend_per_day_and_week(api, data, frozen):
    days = _get(api, f"/api/v1/reports/trend?{PERIOD}&bucket=day")
    assert [(d["start"], d["incidents"], d["acknowledged"], d["mtta"]["median"]) for d in days] == [
        ("2026-03-02", 1, 1, 300.0), ("2026-03-03", 1, 1, 1200.0), ("2026-03-04", 1, 1, 600.0),
        ("2026-03-05", 1, 0, None), ("2026-03-06", 1, 1, 60.0), ("2026-03-07", 1, 0, None)]
    weeks = _get(api, "/api/v1/reports/trend?since=2026-02-23T00:00:00Z&until=2026-03-09T00:00:00Z&bucket=week")
    assert weeks == [
        {"start": "2026-02-23", "incidents": 1, "acknowledged": 1, "mtta": {"median": 600.0, "p90": 600.0}},  # #7
        {"start": "2026-03-02", "incidents": 6, "acknowledged": 4, "mtta": {"median": 450.0, "p90": 1020.0}}]
