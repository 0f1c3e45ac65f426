"""How to point each source at oncall: a few steps, and a test event to send with curl."""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    title: str
    steps: tuple[str, ...]
    sample: dict  # a critical test event in the source's own shape


GUIDES = {
    "events_v2": Guide("PagerDuty Events API v2 (Alertmanager, Grafana, Datadog, any PagerDuty integration)", (
        "In the sending tool, add a PagerDuty (Events API v2) destination.",
        "Set its events URL to the URL below (instead of events.pagerduty.com/v2/enqueue).",
        "Set its integration key / routing key to the key below.",
    ), {"event_action": "trigger", "dedup_key": "test-1",
        "payload": {"summary": "Test alert from curl", "source": "curl", "severity": "critical"}}),
    "servicenow": Guide("ServiceNow", (
        "Create an outbound REST Message (POST, JSON) to the URL below.",
        "Add a Business Rule on the incident table (after insert and update) or a Flow that sends the record: "
        "number, sys_id, short_description, priority, state, assignment_group.",
        "Priority 1 pages as critical, 2 as high; states 6, 7 and 8 resolve the incident.",
    ), {"number": "INC0010001", "sys_id": "a1b2c3", "short_description": "Test ticket from curl",
        "priority": "1 - Critical", "state": "1"}),
    "jira": Guide("Jira (Cloud or Data Center)", (
        "Jira settings → System → WebHooks → Create a WebHook with the URL below.",
        "Events: Issue created, updated and deleted; a JQL filter (e.g. project = SEC) narrows it.",
        "Optional: a secret, entered here as the signing secret, makes Jira sign each call (X-Hub-Signature).",
    ), {"webhookEvent": "jira:issue_created",
        "issue": {"key": "SEC-1", "fields": {"summary": "Test issue from curl", "priority": {"name": "Highest"},
                                             "status": {"statusCategory": {"key": "new"}}}}}),
    "thehive": Guide("TheHive 4 or 5", (
        "TheHive 5: Organisation → Notifications → add a Webhook notifier with the URL below, "
        "triggered on AlertCreated and CaseCreated (and updates, to resolve on close).",
        "TheHive 4: in application.conf, add the URL under notification.webhook.endpoints and enable it.",
        "Severity 4 pages as critical, 3 as high; closing the case or alert resolves the incident.",
    ), {"action": "create", "objectType": "Alert",
        "object": {"_id": "~4096", "title": "Test alert from curl", "severity": 4}}),
    "splunk": Guide("Splunk / Splunk Enterprise Security", (
        "Edit the saved search or correlation search → Trigger actions → Add action → Webhook.",
        "Set the webhook URL to the URL below.",
        "ES notables use their urgency; plain searches their severity field. Splunk never sends a close.",
    ), {"sid": "scheduler__admin__search__test", "search_name": "Test search",
        "result": {"event_id": "NOTABLE-1", "rule_title": "Test notable from curl", "urgency": "critical"}}),
    "alertmanager": Guide("Prometheus Alertmanager / Grafana webhook", (
        "Add a receiver with webhook_configs: - url: <the URL below> (or a Grafana webhook contact point).",
        "Route the alerts that should page to it; each alert is tracked by its fingerprint.",
        "A resolved alert resolves its incident.",
    ), {"version": "4", "status": "firing", "receiver": "oncall", "alerts": [
        {"status": "firing", "fingerprint": "test0001", "labels": {"alertname": "TestAlert", "severity": "critical"},
         "annotations": {"summary": "Test alert from curl"}}]}),
    "generic": Guide("Any tool that can POST JSON", (
        "POST one JSON object per ticket to the URL below.",
        "Fields: id, title, severity (critical, high, medium, low, info), action (trigger, acknowledge, resolve).",
        "Optional: a signing secret; then send X-Oncall-Signature: sha256=<HMAC-SHA256 of the body>.",
    ), {"id": "T-1", "title": "Test ticket from curl", "severity": "critical", "action": "trigger"}),
}


def sample_body(source: str, key: str) -> dict:
    """The test event, with the routing key where Events API v2 wants it."""
    body = GUIDES[source].sample
    return {"routing_key": key, **body} if source == "events_v2" else body


def curl(source: str, url: str, key: str) -> str:
    """A copy-paste command that sends the test event."""
    body = json.dumps(sample_body(source, key), separators=(",", ":"))
    return f"curl -sS -X POST {shlex.quote(url)} \\\n  -H 'Content-Type: application/json' \\\n  -d {shlex.quote(body)}"
