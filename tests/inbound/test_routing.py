"""Routing rules: one ticket to several teams, each with its own policy and incident, linked by ticket_group."""
from __future__ import annotations

import pytest

from sqlalchemy import select

from oncall.store.models import Incident
from tests.inbound.conftest import fresh


@pytest.fixture
def teams(inbound):
    """SOC (the integration's own team), IT and Legal, each with a policy."""
    it = inbound.team_with_policy("IT")
    legal = inbound.team_with_policy("Legal")
    return {"soc": (inbound.team_id, inbound.policy_id), "it": it, "legal": legal}


def _route(team) -> dict:
    return {"team_id": team[0], "policy_id": team[1]}


@pytest.fixture
def malware_hook(inbound, teams):
    rules = [{"match": {"category": "malware"},
              "routes": [_route(teams["soc"]), _route(teams["it"]), _route(teams["legal"])]}]
    return inbound.integration("generic", routing_rules=rules)


def _by_team(inbound, teams, ids) -> dict[str, dict]:
    names = {team_id: name for name, (team_id, _) in teams.items()}
    found = {names[i["team_id"]]: i for i in (inbound.incident(n) for n in ids)}
    assert len(found) == len(ids)
    return found


def test_malware_goes_to_soc_it_and_legal_each_with_its_own_policy(inbound, teams, malware_hook, payload):
    response = malware_hook.send(payload("generic", "trigger"))
    assert response.status_code == 202
    body = response.get_json()
    assert body["dedup_keys"] == ["CASE-7731"] and len(body["incident_ids"]) == 3
    incidents = _by_team(inbound, teams, body["incident_ids"])
    assert set(incidents) == {"soc", "it", "legal"}
    for name, incident in incidents.items():
        assert incident["policy_id"] == teams[name][1]
        assert incident["dedup_key"] == "CASE-7731" and incident["status"] == "triggered"
        assert incident["integration_id"] == malware_hook.id
        assert [e["kind"] for e in incident["timeline"]] == ["triggered"]
    groups = {i["ticket_group"] for i in incidents.values()}
    assert len(groups) == 1 and None not in groups
    # each team sees its own incident
    for name, (team_id, _) in teams.items():
        assert [i["id"] for i in inbound.incidents(team_id=team_id)] == [incidents[name]["id"]]
    [row] = inbound.inbound_events()
    assert row.outcome == "opened" and sorted(row.incident_ids) == sorted(body["incident_ids"])


def test_a_repeat_joins_all_three_and_a_resolve_resolves_all_three(inbound, teams, malware_hook, payload):
    first = malware_hook.send(payload("generic", "trigger")).get_json()["incident_ids"]
    again = malware_hook.send(payload("generic", "trigger")).get_json()["incident_ids"]
    assert sorted(again) == sorted(first)
    assert len(inbound.incidents()) == 3
    for incident_id in first:
        assert [e["kind"] for e in inbound.incident(incident_id)["timeline"]] == ["triggered", "event_appended"]

    resolved = malware_hook.send(payload("generic", "resolve")).get_json()["incident_ids"]
    assert sorted(resolved) == sorted(first)
    assert {i["status"] for i in inbound.incidents()} == {"resolved"}

    reopened = malware_hook.send(payload("generic", "trigger")).get_json()["incident_ids"]
    assert not set(reopened) & set(first) and len(reopened) == 3
    old_group = inbound.incident(first[0])["ticket_group"]
    new_groups = {inbound.incident(i)["ticket_group"] for i in reopened}
    assert len(new_groups) == 1 and old_group not in new_groups


def test_a_team_that_closed_its_part_gets_a_new_incident_in_the_same_group(inbound, teams, malware_hook, payload):
    first = _by_team(inbound, teams, malware_hook.send(payload("generic", "trigger")).get_json()["incident_ids"])
    group = first["soc"]["ticket_group"]
    assert inbound.api.post(f"/api/v1/incidents/{first['legal']['id']}/resolve", {}).status_code == 200
    again = _by_team(inbound, teams, malware_hook.send(payload("generic", "trigger")).get_json()["incident_ids"])
    assert again["soc"]["id"] == first["soc"]["id"] and again["it"]["id"] == first["it"]["id"]
    assert again["legal"]["id"] != first["legal"]["id"]
    assert {i["ticket_group"] for i in again.values()} == {group}


def test_no_match_goes_to_the_integration_team_alone(inbound, teams, malware_hook, payload):
    phishing = {**payload("generic", "trigger"), "category": "phishing"}
    body = malware_hook.send(phishing).get_json()
    [incident] = [inbound.incident(i) for i in body["incident_ids"]]
    assert (incident["team_id"], incident["policy_id"]) == teams["soc"]
    assert incident["ticket_group"] is None


def test_a_rule_to_one_other_team_moves_the_ticket(inbound, teams, payload):
    hook = inbound.integration("generic", routing_rules=[
        {"match": {"assignment_group": "soc tier 1"}, "routes": [_route(teams["it"])]}])
    [incident_id] = hook.send(payload("generic", "trigger")).get_json()["incident_ids"]
    incident = inbound.incident(incident_id)
    assert (incident["team_id"], incident["policy_id"]) == teams["it"]
    assert incident["ticket_group"] is None


def test_first_matching_rule_wins_unless_it_continues(inbound, teams, payload):
    event = payload("generic", "trigger")  # category malware, tags edr+kiosk, labels site=ams env=prod
    stop = inbound.integration("generic", routing_rules=[
        {"match": {"tags": "edr"}, "routes": [_route(teams["it"])]},
        {"match": {"category": "malware"}, "routes": [_route(teams["legal"])]}])
    ids = stop.send(event).get_json()["incident_ids"]
    assert {inbound.incident(i)["team_id"] for i in ids} == {teams["it"][0]}

    go_on = inbound.integration("generic", routing_rules=[
        {"match": {"tags": "edr"}, "routes": [_route(teams["it"])], "continue": True},
        {"match": {"category": "nothing"}, "routes": [_route(teams["soc"])]},
        {"match": {"category": "malware"}, "routes": [_route(teams["legal"]), _route(teams["it"])]}])
    ids = go_on.send(event).get_json()["incident_ids"]
    assert sorted(inbound.incident(i)["team_id"] for i in ids) == sorted([teams["it"][0], teams["legal"][0]])


@pytest.mark.parametrize("source, variant, match, hits", [
    ("generic", "trigger", {"labels": ["site=ams", "env=prod"]}, True),
    ("generic", "trigger", {"labels": ["site=ams", "env=dev"]}, False),
    ("generic", "trigger", {"tags": ["EDR", "kiosk"]}, True),
    ("generic", "trigger", {"title_pattern": r"malware\s+beacon"}, True),
    ("generic", "trigger", {"title_pattern": "^beacon"}, False),
    ("generic", "trigger", {"category": "malware", "assignment_group": "SOC Tier 2"}, False),
    ("splunk", "es_notable", {"security_domain": "ACCESS"}, True),
    ("splunk", "es_notable", {"rule_name": "brute force access behavior detected"}, True),
    ("splunk", "es_notable", {"security_domain": "endpoint"}, False),
    ("servicenow", "plain_strings", {"assignment_group": "SOC Tier 2", "category": "security"}, True),
    ("jira", "issue_created_text", {"labels": "ransomware"}, False),  # Jira labels are routing tags
    ("jira", "issue_created_text", {"tags": "ransomware"}, True),
    ("thehive", "v5_alert_create", {"category": "edr", "tags": "mitre:T1003"}, True),
    ("alertmanager", "firing", {"labels": "alertname=ProbeFailure"}, True),
    ("events_v2", "trigger", {"category": "incident", "assignment_group": "noc"}, True),
])
def test_rules_match_on_each_parsed_field(inbound, teams, payload, source, variant, match, hits):
    hook = inbound.integration(source, routing_rules=[{"match": match, "routes": [_route(teams["legal"])]}])
    response = hook.send(payload(source, variant))
    assert response.status_code == 202, response.get_json()
    team_ids = {i["team_id"] for i in inbound.incidents()}
    assert team_ids == {teams["legal"][0] if hits else teams["soc"][0]}


def test_a_routed_team_whose_policy_was_deleted_still_gets_the_ticket_paged(inbound, teams, malware_hook, payload,
                                                                            session):
    """Deleting a policy a rule names must not turn the sender's ticket into a 4xx (dropped) or a 500."""
    deleted = inbound.api.delete(f"/api/v1/escalation-policies/{teams['legal'][1]}")
    assert deleted.status_code in (204, 409)
    response = malware_hook.send(payload("generic", "trigger"))
    assert response.status_code == 202, response.get_json()
    incidents = list(fresh(session).execute(select(Incident)).scalars())
    assert all(i.policy_id is not None for i in incidents)
    if deleted.status_code == 204:  # Legal's part falls back to the integration's own team and policy
        assert sorted((i.team_id, i.policy_id) for i in incidents) == sorted([teams["soc"], teams["it"]])
        assert len({i.ticket_group for i in incidents}) == 1
