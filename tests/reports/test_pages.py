"""The UI pages: audit browser, reports with SVG charts, and the printable incident report."""
import re

from sqlalchemy import text

from oncall.services import incidents
from tests.reports.dataset import NOW, PERIOD


def test_audit_page_lists_filters_and_verifies(client, make, session):
    make.user(name="Alice")
    make.team(name="SOC")
    page = client.get("/audit")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "user.create" in html and "team.create" in html
    only_teams = client.get("/audit?object_type=team&actor=").get_data(as_text=True)
    assert "team.create" in only_teams and "user.create" not in only_teams
    assert "The chain verifies: 2 entries" in client.get("/audit?verify=1").get_data(as_text=True)
    session.execute(text("UPDATE audit_entry SET actor = 'someone else' WHERE id = 1"))
    session.commit()
    assert "broken at entry #1" in client.get("/audit?verify=1").get_data(as_text=True)


def test_reports_page_has_tables_and_svg_charts(client, data, frozen):
    page = client.get(f"/reports?{PERIOD}&group_by=severity&bucket=day")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 2
    assert "Median time to acknowledge" in html and "Pages by hour of day" in html
    assert re.search(r"<title>2026-03-03: 20 minutes</title>", html)  # #2 was acknowledged after 1200 s
    assert re.search(r"<title>20: 3 pages</title>", html)
    assert "Brute Force Detected" in html and "Alice" in html and "critical" in html
    assert 'href="/reports/summary.csv?' in html


def test_incident_report_is_the_evidence(client, data, session, frozen):
    incident_id = data.incidents[2]
    incidents.resolve(session=session, incident_id=data.incidents[6], user_id=None, via="api", actor="token:1",
                      now=NOW)
    page = client.get(f"/incidents/{incident_id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Brute force on host web02 from 10.0.0.9" in html and "SOC" in html
    assert "2026-03-03T14:20:00Z" in html and "2026-03-03 09:20:00 EST" in html  # acknowledged: UTC and team time
    assert "escalation level 2" in html
    assert "sms" in html and "sent" in html  # Bob's page and its delivery status
    assert "The audit chain verifies" in html
    evidence = client.get(f"/incidents/{data.incidents[6]}/report").get_data(as_text=True)
    assert "incident.resolve" in evidence  # its audit entry, with the hashes
    assert re.search(r"<code>[0-9a-f]{64}</code>", evidence)
    assert client.get("/incidents/999/report").status_code == 404
