import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import jira


@pytest.mark.parametrize("variant, expected", [
    ("issue_created_text", {"action": "trigger", "dedup_key": "SEC-20", "external_id": "SEC-20",
                            "title": "Ransomware beacon on host fin-ws-12", "severity": "critical", "source": "jira",
                            "fields": {"category": "Incident", "tags": ["page-oncall", "ransomware"]},
                            "url": "https://acme.atlassian.net/browse/SEC-20",
                            "occurred_at": "2020-02-17T02:20:08.623+0700"}),
    ("issue_created_adf", {"action": "trigger", "dedup_key": "SOC-118", "title": "Impossible travel for j.doe@acme.com",
                           "severity": "high", "fields": {"category": "Security Alert", "tags": ["identity"]},
                           "url": "https://acme.atlassian.net/browse/SOC-118"}),
    ("issue_updated_done", {"action": "resolve", "dedup_key": "SEC-20", "severity": "critical",
                            "occurred_at": "2020-02-17T03:20:08.101+0700"}),
    ("issue_deleted", {"action": "resolve", "dedup_key": "SEC-21", "severity": "medium", "fields": {"category": "Incident"}}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = jira.parse(load_payload("jira", variant))
    assert {key: getattr(event, key) for key in expected} == expected


def test_text_description_is_kept_as_is(load_payload):
    [event] = jira.parse(load_payload("jira", "issue_created_text"))
    assert event.details["description"] == "Beaconing to 185.220.101.4 every 60s.\nHost isolated? No."
    assert event.details["project"] == "SEC"


def test_adf_description_is_flattened(load_payload):
    [event] = jira.parse(load_payload("jira", "issue_created_adf"))
    assert event.details["description"] == (
        "Sign-ins\nLogins from Lisbon and Singapore 20 minutes apart.\nReported by @SIEM Bot\n"
        "IP 203.0.113.7\nIP 198.51.100.23")


def test_adf_without_text_is_dropped():
    assert jira.adf_to_text({"type": "doc", "version": 1, "content": []}) is None


def test_deeply_nested_adf_does_not_exhaust_the_stack():
    node = {"type": "text", "text": "deep"}
    for _ in range(50_000):
        node = {"type": "blockquote", "content": [node]}
    assert jira.adf_to_text(node) == "deep"


@pytest.mark.parametrize("name, expected", [
    ("Highest", "critical"), ("Blocker", "critical"), ("Critical", "critical"), ("High", "high"),
    ("Major", "high"), ("Medium", "medium"), ("Low", "low"), ("Minor", "low"), ("Lowest", "info"),
    ("Trivial", "info"), ("Needs triage", "medium"), (None, "medium"),
])
def test_priority_names(load_payload, name, expected):
    payload = load_payload("jira", "issue_created_text")
    payload["issue"]["fields"]["priority"] = {"id": "10100", "name": name}
    assert jira.parse(payload)[0].severity == expected


def test_issue_without_priority_is_medium(load_payload):
    payload = load_payload("jira", "issue_created_text")
    payload["issue"]["fields"]["priority"] = None
    assert jira.parse(payload)[0].severity == "medium"


@pytest.mark.parametrize("category, action", [("done", "resolve"), ("indeterminate", "trigger"), ("new", "trigger")])
def test_status_category_decides_resolve(load_payload, category, action):
    payload = load_payload("jira", "issue_updated_done")
    payload["issue"]["fields"]["status"]["statusCategory"]["key"] = category
    assert jira.parse(payload)[0].action == action


def test_other_webhook_events_give_no_event(load_payload):
    payload = load_payload("jira", "issue_created_text")
    payload["webhookEvent"] = "comment_created"
    assert jira.parse(payload) == []


def test_no_url_without_a_rest_self_link(load_payload):
    payload = load_payload("jira", "issue_created_text")
    del payload["issue"]["self"]
    assert jira.parse(payload)[0].url is None


def test_resolve_needs_no_summary():
    [event] = jira.parse({"webhookEvent": "jira:issue_deleted", "issue": {"key": "SEC-1", "fields": {}}})
    assert (event.action, event.title) == ("resolve", "")


@pytest.mark.parametrize("payload, field", [
    ({"issue": {"key": "SEC-1", "fields": {"summary": "x"}}}, "webhookEvent"),
    ({"webhookEvent": 3}, "webhookEvent"),
    ({"webhookEvent": "jira:issue_created"}, "issue"),
    ({"webhookEvent": "jira:issue_created", "issue": []}, "issue"),
    ({"webhookEvent": "jira:issue_created", "issue": {"fields": {"summary": "x"}}}, "issue.key"),
    ({"webhookEvent": "jira:issue_created", "issue": {"key": "SEC-1"}}, "issue.fields"),
    ({"webhookEvent": "jira:issue_created", "issue": {"key": "SEC-1", "fields": {}}}, "issue.fields.summary"),
    ({"webhookEvent": "jira:issue_updated", "issue": {"key": "SEC-1", "fields": {"summary": {"text": "x"}}}},
     "issue.fields.summary"),
])
def test_invalid(payload, field):
    with pytest.raises(PayloadError) as caught:
        jira.parse(payload)
    assert field in [detail["field"] for detail in caught.value.details]
    assert f"'{field}'" in str(caught.value)
