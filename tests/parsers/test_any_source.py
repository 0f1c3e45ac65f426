"""Properties every parser shares: the registry, non-object payloads, and arbitrary input."""
import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import PARSERS, parse

# Keys and words the parsers look for, so generated objects reach past the first checks.
KEYS = ["event_action", "payload", "summary", "source", "severity", "dedup_key", "links", "images", "href",
        "src", "number", "short_description", "priority", "state", "value", "display_value", "instance",
        "sys_id", "webhookEvent", "issue", "key", "self", "fields", "status", "statusCategory", "description",
        "type", "content", "text", "labels", "action", "operation", "objectType", "object", "objectId", "_id",
        "title", "details", "stage", "tags", "result", "event_id", "sid", "search_name", "urgency", "alerts",
        "fingerprint", "annotations", "alertname", "id", "_createdAt"]
WORDS = ["trigger", "acknowledge", "resolve", "critical", "error", "warning", "info", "1 - Critical", "6",
         "jira:issue_created", "jira:issue_deleted", "done", "Alert", "Case", "create", "update", "delete",
         "Creation", "Closed", "resolved", "firing", "paragraph", "hardBreak", "https://x.example/rest/api/2/1"]

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.sampled_from(WORDS) | st.text(max_size=12))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6),
    max_leaves=40,
)
FIXTURE_PARSER = {"grafana": "alertmanager"}


def check(source, payload):
    try:
        events = parse(source, payload)
    except PayloadError as error:
        assert error.details and all(set(d) == {"field", "message"} for d in error.details)
        return
    assert isinstance(events, list)
    for event in events:
        assert event.source == source
        assert isinstance(event.dedup_key, str) and isinstance(event.title, str)
        assert event.dedup_key or (source == "events_v2" and event.action == "trigger")


def test_registry_names_every_source_type():
    assert set(PARSERS) == {"events_v2", "servicenow", "jira", "thehive", "splunk", "alertmanager", "generic"}
    with pytest.raises(KeyError):
        parse("nagios", {})


def test_every_fixture_has_a_parser_and_parses(fixture_payloads):
    for (folder, variant), payload in fixture_payloads.items():
        events = parse(FIXTURE_PARSER.get(folder, folder), payload)
        assert events, (folder, variant)


@pytest.mark.parametrize("source", sorted(PARSERS))
@pytest.mark.parametrize("payload", [None, [], ["event"], "event", 42, True])
def test_payload_must_be_an_object(source, payload):
    with pytest.raises(PayloadError) as caught:
        parse(source, payload)
    assert caught.value.details == [{"field": "", "message": "the payload must be a JSON object"}]


@pytest.mark.parametrize("source", sorted(PARSERS))
@settings(max_examples=200, deadline=None)
@given(payload=json_values)
def test_arbitrary_json_gives_events_or_a_payload_error(source, payload):
    check(source, payload)


@st.composite
def mutated_fixtures(draw, fixtures):
    """A fixture with one value somewhere inside replaced by arbitrary JSON, or removed."""
    (folder, _), payload = draw(st.sampled_from(sorted(fixtures.items())))
    payload = copy.deepcopy(payload)
    spots, stack = [], [payload]
    while stack:
        container = stack.pop()
        for key in (range(len(container)) if isinstance(container, list) else list(container)):
            spots.append((container, key))
            if isinstance(container[key], (dict, list)):
                stack.append(container[key])
    container, key = draw(st.sampled_from(spots))
    if isinstance(container, dict) and draw(st.booleans()):
        del container[key]
    else:
        container[key] = draw(json_values)
    return FIXTURE_PARSER.get(folder, folder), payload


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_fixtures_give_events_or_a_payload_error(fixture_payloads, data):
    source, payload = data.draw(mutated_fixtures(fixture_payloads))
    check(source, payload)
