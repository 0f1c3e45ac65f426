"""Credentials are stored encrypted, never answered, never logged; the connector API validates."""
import logging
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from oncall.services import crypto
from oncall.store.models import AuditEntry, TicketConnector
from tests.conftest import TEST_SECRET
from tests.connectors.conftest import BASIC, BEARER, T0
from tests.fakes._ticketing import PASSWORD, TOKEN


def test_credentials_are_encrypted_at_rest_and_never_answered_or_logged(soc, servicenow, session, caplog):
    caplog.set_level(logging.DEBUG)  # requests/urllib3 and ours, at their most talkative
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        servicenow.add(priority="1", created="2026-01-05 09:00:01")
        frozen.tick(timedelta(seconds=5))
        soc.poll()
        soc.tick()  # a page and its write-back
        servicenow.fail_next(1, 401)
        frozen.tick(timedelta(seconds=60))
        soc.poll()  # a failure, logged and recorded
        answers = [soc.api.get(f"/api/v1/integrations/{integration['id']}/connector").get_data(as_text=True),
                   soc.api.put(f"/api/v1/integrations/{integration['id']}/connector",
                               json={"base_url": servicenow.base_url, "auth": BEARER}).get_data(as_text=True)]

    for text in (*answers, caplog.text):
        assert PASSWORD not in text and TOKEN not in text
    assert '"auth_type":"token"' in answers[1].replace(" ", "")
    session.rollback()
    row = session.get(TicketConnector, integration["id"])
    assert PASSWORD not in row.credentials and TOKEN not in row.credentials
    assert crypto.decrypt(TEST_SECRET, row.credentials) == f'{{"type": "token", "token": "{TOKEN}"}}'
    audit = " ".join(str((e.before, e.after)) for e in session.execute(select(AuditEntry)).scalars())
    assert "connector.put" in " ".join(e.action for e in session.execute(select(AuditEntry)).scalars())
    assert PASSWORD not in audit and TOKEN not in audit
    assert "HTTP 401" in soc.status(integration)["last_error"]


def test_saving_again_without_auth_keeps_the_credentials(soc, servicenow):
    with freeze_time(T0) as frozen:
        integration = soc.connected("servicenow", servicenow)
        answer = soc.api.put(f"/api/v1/integrations/{integration['id']}/connector",
                             json={"base_url": servicenow.base_url, "interval_seconds": 300})
        assert answer.status_code == 200 and answer.get_json()["interval_seconds"] == 300
        frozen.tick(timedelta(seconds=1))
        soc.poll()
    assert soc.status(integration)["consecutive_failures"] == 0  # still authenticated


@pytest.mark.parametrize("source, body, field", [
    ("events_v2", {"base_url": "https://acme.service-now.com", "auth": BASIC}, "integration_id"),
    ("jira", {"base_url": "https://acme.atlassian.net", "auth": BASIC}, "project"),
    ("servicenow", {"base_url": "https://acme.service-now.com"}, "auth"),
    ("servicenow", {"base_url": "https://svc:pw@acme.service-now.com", "auth": BASIC}, "base_url"),
    ("servicenow", {"base_url": "ftp://acme.service-now.com", "auth": BASIC}, "base_url"),
    ("servicenow", {"base_url": "https://acme.service-now.com", "auth": {"type": "token"}}, "auth.token.token"),
    ("thehive", {"base_url": "https://hive.example", "auth": BEARER, "interval_seconds": 1}, "interval_seconds"),
])
def test_bad_connectors_are_refused_naming_the_field(soc, source, body, field):
    integration = soc.api.post("/api/v1/integrations", json={"team_id": soc.team_id, "policy_id": soc.policy_id,
                                                             "source": source, "name": "x"}).get_json()
    answer = soc.api.put(f"/api/v1/integrations/{integration['id']}/connector", json=body)
    assert answer.status_code == 400
    assert field in [d["field"] for d in answer.get_json()["details"]]
    assert PASSWORD not in answer.get_data(as_text=True)


def test_get_and_delete(soc, servicenow):
    integration = soc.connected("servicenow", servicenow)
    path = f"/api/v1/integrations/{integration['id']}/connector"
    got = soc.api.get(path).get_json()
    assert got["source"] == "servicenow" and got["auth_type"] == "basic" and got["poll"] is True
    assert soc.api.delete(path).status_code == 204
    assert soc.api.get(path).status_code == 404
    assert soc.api.get("/api/v1/integrations/999/connector").status_code == 404
