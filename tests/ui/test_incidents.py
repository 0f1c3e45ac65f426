"""Incidents in the UI: filters, the detail page with timeline and notifications, ack/resolve."""
import html

import pytest
from freezegun import freeze_time

from oncall.services import incidents
from tests.ui.conftest import make_integration, make_policy, make_rotation, reread, trigger

AFTER_HOURS = "2026-12-05T07:14:00Z"


@pytest.fixture
def paged(app, client, session, people):
    """Two incidents of team A, paged to the analyst by the engine."""
    rotation = make_rotation(session, people.team_a, [people.analyst])
    key = make_integration(session, people.team_a, make_policy(session, people.team_a, rotation), name="Splunk").key
    with freeze_time(AFTER_HOURS):
        trigger(client, key, "INC-1", "Ransomware on FIN-WS-042")
        trigger(client, key, "INC-2", "Phishing reported by CFO", severity="error")  # high
        app.extensions["oncall.escalation"].tick()
    return {i.external_id: i for i in incidents.list_(session=session, query=incidents.IncidentQuery())}


def test_the_list_filters_by_status_team_severity_and_source(signed_in, paged, people):
    client = signed_in("analyst")
    page = client.get("/incidents").get_data(as_text=True)
    assert "INC-1" in page and "INC-2" in page
    critical = client.get("/incidents?severity=critical").get_data(as_text=True)
    assert "INC-1" in critical and "INC-2" not in critical
    assert "INC-1" not in client.get(f"/incidents?team_id={people.team_b.id}").get_data(as_text=True)
    assert "INC-1" in client.get("/incidents?source=events_v2&status=triggered").get_data(as_text=True)
    assert "No incidents match." in client.get("/incidents?status=resolved").get_data(as_text=True)
    bad = client.get("/incidents?status=sleeping")
    assert bad.status_code == 400 and "Input should be 'triggered'" in html.unescape(bad.get_data(as_text=True))


def test_the_detail_page_shows_the_timeline_and_the_notifications(signed_in, paged, people):
    page = signed_in("analyst").get(f"/incidents/{paged['INC-1'].id}").get_data(as_text=True)
    assert "Ransomware on FIN-WS-042" in page and "Splunk" in page and "After hours" in page
    timeline = page[page.index('id="timeline"'):page.index('id="notifications"')]
    assert "Triggered by Splunk" in timeline and "Level 1 started" in timeline
    notifications = page[page.index('id="notifications"'):]
    assert "Ann Analyst" in notifications and "pagerduty" in notifications
    assert 'class="delivery delivery-sent"' in notifications  # the console notifier delivered it
    assert "Acknowledge</button>" in page and "Resolve</button>" in page


def test_acknowledge_then_resolve_from_the_ui(signed_in, paged, people, session):
    client, incident = signed_in("analyst"), paged["INC-1"]
    acked = client.post(f"/incidents/{incident.id}/acknowledge")
    assert acked.status_code == 302
    page = client.get(acked.headers["Location"]).get_data(as_text=True)
    assert "Acknowledged: the escalation has stopped." in page and "Acknowledged by Ann Analyst via ui" in page
    again = client.post(f"/incidents/{incident.id}/acknowledge", follow_redirects=True)
    assert "Nothing changed" in again.get_data(as_text=True)
    resolved = client.post(f"/incidents/{incident.id}/resolve", follow_redirects=True).get_data(as_text=True)
    assert "Resolved." in resolved and "Resolve</button>" not in resolved
    reread(session)
    stored = incidents.get(session=session, incident_id=incident.id)
    assert (stored.status, stored.acknowledged_by) == ("resolved", people.analyst.id)


def test_an_unknown_incident_is_404(signed_in, people):
    answer = signed_in("analyst").get("/incidents/424242")
    assert answer.status_code == 404 and b"incident 424242 not found" in answer.data


def test_a_link_from_the_source_is_shown_only_when_it_is_http(signed_in, paged, session):
    incident = paged["INC-1"]
    for link, shown in (("https://itsm.example/INC-1", True), ("javascript:alert(1)", False)):
        incident.link = link
        session.add(incident)
        session.commit()
        page = signed_in("analyst").get(f"/incidents/{incident.id}").get_data(as_text=True)
        assert (f'href="{link}"' in page) is shown
