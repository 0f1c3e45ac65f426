"""Integrations in the UI: the key shown once, the curl example, the per-source settings."""
import html
import re
import shlex

import pytest

from oncall.services import integrations
from oncall.web.ui.integration_guides import GUIDES, sample_body
from tests.ui.conftest import make_integration, make_policy, make_rotation
from tests.ui.reading import field_errors


@pytest.fixture
def policy(session, people):
    return make_policy(session, people.team_a, make_rotation(session, people.team_a, [people.analyst]))


def _create(client, people, policy, **fields):
    return client.post("/sources/new", data={"team_id": people.team_a.id, "policy_id": policy.id,
                                             "source": "events_v2", "name": "Splunk ES", "min_severity": "high",
                                             **fields})


def test_the_key_is_shown_once_with_a_curl_example(signed_in, people, policy, client):
    manager = signed_in("manager")
    answer = _create(manager, people, policy)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    key = re.search(r'id="integration-key">([^<]+)<', page)[1]
    assert "shown only on this page" in page and "http://oncall.test/v2/enqueue" in page
    curl = re.search(r'<pre class="copy" id="curl-example">(.*?)</pre>', page, re.S)[1]
    body = shlex.split(html.unescape(curl).replace("\\\n", ""))
    sent = client.post("/v2/enqueue", data=body[body.index("-d") + 1], content_type="application/json")
    assert sent.status_code == 202 and key in curl  # the example works as pasted
    detail = manager.get(re.search(r'href="(/sources/\d+)"', page)[1]).get_data(as_text=True)
    assert key not in detail and f"{key[:4]}…" in detail  # later: only the hint


@pytest.mark.parametrize("source", [s for s in GUIDES if s != "events_v2"])
def test_each_webhook_sources_test_event_opens_an_incident(source, signed_in, people, policy, client, session):
    page = _create(signed_in("manager"), people, policy, source=source).get_data(as_text=True)
    url = re.search(r'id="integration-url">([^<]+)<', page)[1]
    assert url.startswith("http://oncall.test/integrations/")
    assert html.escape(GUIDES[source].title) in page and html.escape(GUIDES[source].steps[0], quote=False) in page
    answer = client.post(url.removeprefix("http://oncall.test"), json=sample_body(source, ""))
    assert answer.status_code == 202 and answer.get_json()["incident_ids"], answer.data


def test_events_v2_test_event_opens_an_incident(people, policy, session, client):
    created = make_integration(session, people.team_a, policy)
    answer = client.post("/v2/enqueue", json=sample_body("events_v2", created.key))
    assert answer.status_code == 202


def test_integration_errors_are_shown_next_to_the_fields(signed_in, people, policy, session):
    other = make_policy(session, people.team_b, make_rotation(session, people.team_b, [people.analyst]))
    admin = signed_in("admin")
    page = _create(admin, people, policy, name="", source="fax").get_data(as_text=True)
    assert field_errors(page, "name") == ["required"]
    assert "Input should be 'events_v2'" in field_errors(page, "source")[0]
    wrong_team = _create(admin, people, other).get_data(as_text=True)
    assert field_errors(wrong_team, "policy_id") == [f"policy {other.id} belongs to another team"]
    short_secret = _create(admin, people, policy, signing_secret="short").get_data(as_text=True)
    assert field_errors(short_secret, "signing_secret") == ["String should have at least 16 characters"]
    assert integrations.list_(session=session) == []


def test_a_new_key_is_shown_once_and_the_old_one_keeps_working_a_while(signed_in, people, policy, session, client):
    created = make_integration(session, people.team_a, policy)
    answer = signed_in("manager").post(f"/sources/{created.id}/rotate-key")
    assert answer.status_code == 200
    new_key = re.search(r'id="integration-key">([^<]+)<', answer.get_data(as_text=True))[1]
    assert new_key != created.key and "24 hours" in answer.get_data(as_text=True)
    for key in (created.key, new_key):
        assert client.post("/v2/enqueue", json=sample_body("events_v2", key)).status_code == 202


def test_the_list_and_detail_pages(signed_in, people, policy, session):
    created = make_integration(session, people.team_a, policy, source="jira", name="Jira SEC")
    analyst = signed_in("analyst")
    listing = analyst.get("/sources").get_data(as_text=True)
    assert "Jira SEC" in listing and "New integration" not in listing
    detail = analyst.get(f"/sources/{created.id}").get_data(as_text=True)
    assert "Jira settings → System → WebHooks" in detail and "http://oncall.test/integrations/&lt;key&gt;" in detail
    assert "Issue a new key" not in detail
