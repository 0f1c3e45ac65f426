import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import thehive


@pytest.mark.parametrize("variant, expected", [
    ("v5_alert_create", {"action": "trigger", "dedup_key": "~40993016", "external_id": "~40993016",
                         "title": "Credential dumping on dc01", "severity": "critical", "source": "thehive",
                         "fields": {"category": "EDR", "tags": ["mitre:T1003", "host:dc01"]},
                         "url": None, "occurred_at": "1683378066274"}),
    ("v5_case_create", {"action": "trigger", "dedup_key": "~41001232", "title": "Phishing campaign against finance",
                        "severity": "high", "fields": {"tags": ["phishing", "finance"]}}),
    ("v5_case_closed", {"action": "resolve", "dedup_key": "~41001232", "severity": "high"}),
    ("v4_alert_creation", {"action": "trigger", "dedup_key": "~1234567890", "title": "Ransomware Detection",
                           "severity": "high", "fields": {"category": "external", "tags": ["ransomware"]},
                           "occurred_at": "1705329780000"}),
    ("v4_case_update_closed", {"action": "resolve", "dedup_key": "~2048", "title": "Ransomware on fs02",
                               "severity": "critical"}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = thehive.parse(load_payload("thehive", variant))
    assert {key: getattr(event, key) for key in expected} == expected


def test_details_say_what_the_object_is(load_payload):
    [event] = thehive.parse(load_payload("thehive", "v5_alert_create"))
    assert event.details["object_type"] == "Alert"
    assert event.details["source"] == "CrowdStrike"
    assert event.details["description"] == "lsass.exe memory read by procdump64.exe"


def _update(object_type, **state):
    return {"action": "update", "objectType": object_type, "objectId": "~9",
            "object": {"_id": "~9", "title": "t", "severity": 2, **state}}


@pytest.mark.parametrize("payload, action", [
    (_update("Alert", stage="Closed", status="FalsePositive"), "resolve"),
    (_update("Alert", stage="New", status="Ignored"), "resolve"),
    (_update("Alert", status="Duplicated"), "resolve"),
    (_update("Alert", stage="Imported", status="Imported"), "trigger"),
    (_update("Alert", stage="InProgress", status="InProgress"), "trigger"),
    (_update("Case", stage="Closed", status="Indeterminate"), "resolve"),
    (_update("Case", stage="InProgress", status="InProgress"), "trigger"),
    (_update("case", status="Open"), "trigger"),
    (_update("case", status="Deleted"), "resolve"),
    ({"action": "delete", "objectType": "Alert", "objectId": "~9"}, "resolve"),
    ({"operation": "Delete", "objectType": "case", "objectId": "~9"}, "resolve"),
    ({"action": "create", "objectType": "Alert", "objectId": "~9", "object": {"title": "t", "status": "Closed"}},
     "trigger"),
])
def test_closing_updates_resolve(payload, action):
    assert thehive.parse(payload)[0].action == action


def test_status_of_an_update_may_come_from_details_only():
    payload = {"operation": "Update", "objectType": "case", "objectId": "~7",
               "details": {"status": "Resolved"}}
    [event] = thehive.parse(payload)
    assert (event.action, event.dedup_key, event.title) == ("resolve", "~7", "")


@pytest.mark.parametrize("severity, expected", [(4, "critical"), (3, "high"), (2, "medium"), (1, "low"),
                                                ("3", "high"), (None, "medium"), (9, "medium")])
def test_severity(severity, expected):
    payload = {"action": "create", "objectType": "Alert", "object": {"_id": "~1", "title": "t", "severity": severity}}
    assert thehive.parse(payload)[0].severity == expected


def test_severity_falls_back_to_details():
    payload = {"operation": "Creation", "objectType": "alert", "objectId": "~1",
               "details": {"title": "t", "severity": 4}}
    assert thehive.parse(payload)[0].severity == "critical"


@pytest.mark.parametrize("object_type", ["Observable", "Task", "case_artifact", "case_task_log"])
def test_other_objects_give_no_event(object_type):
    assert thehive.parse({"action": "create", "objectType": object_type, "objectId": "~1", "rootId": "~2"}) == []


@pytest.mark.parametrize("payload, field", [
    ({"objectType": "Alert", "object": {"_id": "~1", "title": "t"}}, "action"),
    ({"action": 1, "objectType": "Alert", "object": {"_id": "~1", "title": "t"}}, "action"),
    ({"action": "create", "object": {"_id": "~1", "title": "t"}}, "objectType"),
    ({"operation": "Frobnicate", "objectType": "alert", "object": {"_id": "~1", "title": "t"}}, "operation"),
    ({"action": "create", "objectType": "Alert", "object": {"title": "t"}}, "object._id"),
    ({"action": "create", "objectType": "Alert", "object": {"_id": "~1"}}, "object.title"),
    ({"action": "create", "objectType": "Alert", "objectId": "~1", "object": "x", "details": {"title": "t"}}, "object"),
])
def test_invalid(payload, field):
    with pytest.raises(PayloadError) as caught:
        thehive.parse(payload)
    assert field in [detail["field"] for detail in caught.value.details]
    assert f"'{field}'" in str(caught.value)
