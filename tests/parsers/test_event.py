import pytest

from oncall.ingest.event import (SEVERITIES, NormalizedEvent, PayloadError, normalise_severity, routing_fields,
                                 severity_at_least)


def test_severities_are_ordered_low_to_high():
    assert SEVERITIES == ("info", "low", "medium", "high", "critical")


@pytest.mark.parametrize("severity, minimum, expected", [
    ("critical", "high", True), ("high", "high", True), ("medium", "high", False),
    ("info", "info", True), ("info", "low", False), ("critical", "critical", True),
])
def test_severity_at_least(severity, minimum, expected):
    assert severity_at_least(severity, minimum) is expected


def test_severity_at_least_refuses_unknown_names():
    with pytest.raises(ValueError):
        severity_at_least("urgent", "high")


@pytest.mark.parametrize("value, expected", [
    ("critical", "critical"), (" HIGH ", "high"), ("Medium", "medium"), ("warning", "medium"), ("error", "high"),
    ("informational", "info"), ("none", "info"), ("P1", "critical"), ("sev4", "low"), ("moderate", "medium"),
    ("urgent-ish", None), ("", None), (None, None), (3, None), (True, None), ({"name": "high"}, None), (["high"], None),
])
def test_normalise_severity_shared_vocabulary(value, expected):
    assert normalise_severity(value) == expected


def test_normalise_severity_mapping_comes_first():
    mapping = {"1": "critical", "warning": "low"}
    assert normalise_severity(1, mapping) == "critical"
    assert normalise_severity("1", mapping) == "critical"
    assert normalise_severity("Warning", mapping) == "low"
    assert normalise_severity("error", mapping) == "high"
    assert normalise_severity(True, {"true": "critical"}) is None


def test_routing_fields_drop_empty_values_and_refuse_other_names():
    assert routing_fields(category="c", tags=[], labels=None, rule_name="") == {"category": "c"}
    with pytest.raises(TypeError):
        routing_fields(team="blue")


def test_event_defaults_and_invariants():
    event = NormalizedEvent(action="trigger", dedup_key="k", title="t", severity="high", source="generic",
                            external_id="k")
    assert (event.url, event.details, event.fields, event.occurred_at) == (None, {}, {}, None)
    with pytest.raises(ValueError):
        NormalizedEvent(action="escalate", dedup_key="k", title="t", severity="high", source="s", external_id="k")
    with pytest.raises(ValueError):
        NormalizedEvent(action="trigger", dedup_key="k", title="t", severity="error", source="s", external_id="k")


def test_payload_error_names_every_field():
    error = PayloadError([{"field": "a", "message": "'a' is missing or blank"},
                          {"field": "b.c", "message": "'b.c' is invalid (must be a string)"}])
    assert isinstance(error, ValueError)
    assert [d["field"] for d in error.details] == ["a", "b.c"]
    assert str(error) == error.message == "invalid payload: 'a' is missing or blank; 'b.c' is invalid (must be a string)"
