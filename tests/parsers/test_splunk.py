import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import splunk

NOTABLE_ID = "7EAF4AF4-7392-4442-A0BE-AEEFDE9A996F@@notable@@3d4071abbf91141c5d789b1d403004b8"


@pytest.mark.parametrize("variant, expected", [
    ("es_notable", {"action": "trigger", "dedup_key": NOTABLE_ID, "external_id": NOTABLE_ID,
                    "title": "Brute force access by svc_backup on dc01", "severity": "critical", "source": "splunk",
                    "fields": {"rule_name": "Brute Force Access Behavior Detected", "security_domain": "access"},
                    "url": "https://es.example.com:8000/app/SplunkEnterpriseSecuritySuite/@go?sid="
                           "scheduler__admin__SplunkEnterpriseSecuritySuite__RMD5a1b2c3d4e5f60718_at_1717232400_4242",
                    "occurred_at": "1717232400"}),
    ("saved_search", {"action": "trigger", "dedup_key": "scheduler_admin_search_W2_at_14232356_132",
                      "title": "MongoDB auth failures", "severity": "high",
                      "fields": {"rule_name": "MongoDB auth failures"},
                      "url": "http://web.example.local:8000/app/search/@go?sid=scheduler_admin_search_W2_at_14232356_132",
                      "occurred_at": None}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = splunk.parse(load_payload("splunk", variant))
    assert {key: getattr(event, key) for key in expected} == expected


def test_first_result_row_is_kept_in_details(load_payload):
    [event] = splunk.parse(load_payload("splunk", "es_notable"))
    assert event.details["result"]["dest"] == "dc01"
    assert event.details["app"] == "SplunkEnterpriseSecuritySuite"


def _notable(**result):
    return {"sid": "sid1", "search_name": "Access - X - Rule", "result": {"event_id": "e1", **result}}


@pytest.mark.parametrize("result, expected", [
    ({"urgency": "critical", "severity": "low"}, "critical"),
    ({"urgency": "informational"}, "info"),
    ({"urgency": "unknown", "severity": "medium"}, "medium"),
    ({"severity": "low"}, "low"),
    ({"urgency": "unknown"}, "high"),
    ({}, "high"),
    ({"severity": "1"}, "info"), ({"severity": "2"}, "info"), ({"severity": "3"}, "medium"),
    ({"severity": "4"}, "high"), ({"severity": "5"}, "critical"), ({"severity": "6"}, "critical"),
])
def test_severity(result, expected):
    assert splunk.parse(_notable(**result))[0].severity == expected


@pytest.mark.parametrize("payload, title", [
    (_notable(rule_title="Brute force by bob", rule_name="Brute Force"), "Brute force by bob"),
    (_notable(rule_name="Brute Force"), "Brute Force"),
    (_notable(), "Access - X - Rule"),
    ({"sid": "1717.42", "search_name": None, "result": {"count": "3"}}, "Splunk alert 1717.42"),
])
def test_title(payload, title):
    assert splunk.parse(payload)[0].title == title


def test_plain_search_without_result_row():
    [event] = splunk.parse({"sid": "s1", "search_name": "Failed logins"})
    assert (event.dedup_key, event.title, event.details) == ("s1", "Failed logins", {"sid": "s1", "search_name": "Failed logins"})


@pytest.mark.parametrize("payload, field", [
    ({"search_name": "x", "result": {"count": "1"}}, "sid"),
    ({"sid": 42}, "sid"),
    ({"sid": "s1", "result": "count=1"}, "result"),
    ({"sid": "s1", "result": {"event_id": 5}}, "result.event_id"),
    ({"sid": "s1", "search_name": ["x"]}, "search_name"),
])
def test_invalid(payload, field):
    with pytest.raises(PayloadError) as caught:
        splunk.parse(payload)
    assert field in [detail["field"] for detail in caught.value.details]
    assert f"'{field}'" in str(caught.value)
