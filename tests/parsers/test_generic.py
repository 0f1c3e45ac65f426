import pytest

from oncall.ingest.event import PayloadError
from oncall.ingest.parsers import generic


@pytest.mark.parametrize("variant, expected", [
    ("trigger", {"action": "trigger", "dedup_key": "CASE-7731", "external_id": "CASE-7731",
                 "title": "Malware beacon from kiosk-03", "severity": "critical", "source": "generic",
                 "fields": {"category": "malware", "tags": ["edr", "kiosk"], "labels": ["env=prod", "site=ams"],
                            "assignment_group": "SOC Tier 1"},
                 "url": "https://soar.example.com/cases/7731", "occurred_at": "2024-06-01T23:12:00+02:00",
                 "details": {"host": "kiosk-03", "description": "Beacon to known C2 every 30s"}}),
    ("resolve", {"action": "resolve", "dedup_key": "CASE-7731", "title": "", "severity": "info",
                 "details": {"note": "Reimaged"}, "occurred_at": "2024-06-02T00:40:00+02:00"}),
])
def test_fixture_variants(load_payload, variant, expected):
    [event] = generic.parse(load_payload("generic", variant))
    assert {key: getattr(event, key) for key in expected} == expected


@pytest.mark.parametrize("payload, expected", [
    ({"dedup_key": "k1", "summary": "s", "severity": "high"}, {"dedup_key": "k1", "external_id": "k1", "title": "s"}),
    ({"id": "T-1", "dedup_key": "k1", "title": "t", "severity": "low"}, {"dedup_key": "k1", "external_id": "T-1"}),
    ({"id": 42, "title": "t", "severity": "low"}, {"dedup_key": "42", "external_id": "42"}),
    ({"id": "T-1", "action": "acknowledge"}, {"action": "acknowledge", "severity": "info"}),
    ({"id": "T-1", "title": "t", "severity": "error"}, {"severity": "high"}),
    ({"id": "T-1", "title": "t", "severity": "SEV2"}, {"severity": "high"}),
    ({"id": "T-1", "title": "t", "severity": "warning"}, {"severity": "medium"}),
    ({"id": "T-1", "title": "t", "severity": "info", "labels": ["env=prod"], "rule_name": "r", "security_domain": "d"},
     {"fields": {"labels": ["env=prod"], "rule_name": "r", "security_domain": "d"}}),
])
def test_variants(payload, expected):
    [event] = generic.parse(payload)
    assert {key: getattr(event, key) for key in expected} == expected


@pytest.mark.parametrize("payload, field", [
    ({"title": "t", "severity": "high"}, "id"),
    ({"id": True, "title": "t", "severity": "high"}, "id"),
    ({"id": "T-1", "severity": "high"}, "title"),
    ({"id": "T-1", "title": 5, "severity": "high"}, "title"),
    ({"id": "T-1", "title": "t"}, "severity"),
    ({"id": "T-1", "title": "t", "severity": "spicy"}, "severity"),
    ({"id": "T-1", "title": "t", "severity": 1}, "severity"),
    ({"id": "T-1", "action": "explode"}, "action"),
])
def test_invalid(payload, field):
    with pytest.raises(PayloadError) as caught:
        generic.parse(payload)
    assert field in [detail["field"] for detail in caught.value.details]
    assert f"'{field}'" in str(caught.value)
