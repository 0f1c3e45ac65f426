import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import servicenow

LINK = "https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id="


@pytest.mark.parametrize("variant, expected", [
    ("display_value", {"action": "trigger", "dedup_key": "INC0010001", "external_id": "INC0010001",
                       "title": "Email server down", "severity": "critical", "source": "servicenow",
                       "fields": {"category": "Network", "assignment_group": "Network"},
                       "url": LINK + "9d385017c611228701d22104cc95c371", "occurred_at": "2024-06-01 09:00:00"}),
    ("plain_strings", {"action": "trigger", "dedup_key": "INC0010002", "external_id": "INC0010002",
                       "title": "Suspicious PowerShell on fin-ws-12", "severity": "high",
                       "fields": {"category": "Security", "assignment_group": "SOC Tier 2"},
                       "url": LINK + "46d44a4fa9fe1981015ae2d0cbd6d2e1", "occurred_at": "2024-06-01 22:14:05"}),
    ("resolved", {"action": "resolve", "dedup_key": "INC0010001", "title": "Email server down",
                  "severity": "critical", "occurred_at": "2024-06-01 10:42:17"}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = servicenow.parse(load_payload("servicenow", variant))
    assert {key: getattr(event, key) for key in expected} == expected


def test_sys_id_and_display_values_are_kept(load_payload):
    [event] = servicenow.parse(load_payload("servicenow", "display_value"))
    assert event.details["sys_id"] == "9d385017c611228701d22104cc95c371"
    assert event.details["caller_id"] == "Joe Employee"
    assert event.details["priority"] == "1 - Critical"


@pytest.mark.parametrize("priority, expected", [
    ("1 - Critical", "critical"), ({"value": "2", "display_value": "2 - High"}, "high"),
    ("3 - Moderate", "medium"), ({"value": "4"}, "low"), ({"display_value": "5 - Planning"}, "info"),
    ("5", "info"), ("Planning", "info"), ("Critical", "critical"), ("Moderate", "medium"),
    (None, "medium"), ("9 - Custom", "medium"), (1, "critical"), (True, "medium"),
])
def test_priority(priority, expected):
    payload = {"number": "INC1", "short_description": "x", "priority": priority}
    assert servicenow.parse(payload)[0].severity == expected


@pytest.mark.parametrize("state, action", [
    ("6", "resolve"), ("7", "resolve"), ("8", "resolve"), ({"value": "7", "display_value": "Closed"}, "resolve"),
    ("Canceled", "resolve"), ({"display_value": "Resolved"}, "resolve"), ("6 - Resolved", "resolve"),
    ("1", "trigger"), ("2", "trigger"), ({"value": "3", "display_value": "On Hold"}, "trigger"),
    ("In Progress", "trigger"), (None, "trigger"), (6, "resolve"),
])
def test_state(state, action):
    payload = {"number": "INC1", "short_description": "x", "state": state}
    assert servicenow.parse(payload)[0].action == action


def test_number_in_value_shape():
    [event] = servicenow.parse({"number": {"value": "INC9", "display_value": "INC9"}, "short_description": "x"})
    assert event.dedup_key == "INC9"


def test_no_link_without_instance_or_sys_id():
    assert servicenow.parse({"number": "INC1", "short_description": "x", "sys_id": "abc"})[0].url is None


def test_resolve_needs_no_title():
    [event] = servicenow.parse({"number": "INC1", "state": "7"})
    assert (event.action, event.title) == ("resolve", "")


@pytest.mark.parametrize("payload, field, message", [
    ({"short_description": "x"}, "number", "'number' is missing or blank"),
    ({"number": " ", "short_description": "x"}, "number", "'number' is missing or blank"),
    ({"number": {"value": ""}, "short_description": "x"}, "number", "'number' is missing or blank"),
    ({"number": 10001, "short_description": "x"}, "number",
     "'number' is invalid (must be a string or a {value, display_value} object)"),
    ({"number": "INC1"}, "short_description", "'short_description' is missing or blank"),
    ({"number": "INC1", "short_description": ["x"]}, "short_description",
     "'short_description' is invalid (must be a string or a {value, display_value} object)"),
])
def test_invalid(payload, field, message):
    with pytest.raises(PayloadError) as caught:
        servicenow.parse(payload)
    assert {"field": field, "message": message} in caught.value.details
