"""The ack link page: same look as the app, a confirmation first, then the acknowledgement."""
from freezegun import freeze_time

from oncall.services import ack_tokens
from tests.conftest import TEST_SECRET
from tests.ui.conftest import make_integration, make_policy, make_rotation, notification_for, trigger
from tests.ui.reading import visible_text


def test_the_ack_link_confirms_then_acknowledges(app, client, session, people):
    rotation = make_rotation(session, people.team_a, [people.analyst])
    key = make_integration(session, people.team_a, make_policy(session, people.team_a, rotation)).key
    with freeze_time("2026-12-05T07:14:00Z"):
        trigger(client, key, "INC-7", "Credential stuffing on VPN")
        app.extensions["oncall.escalation"].tick()
        link = f"/ack/{ack_tokens.make(TEST_SECRET, notification_for(session, people.analyst).id)}"
        page = client.get(link).get_data(as_text=True)
        assert "/static/oncall.css" in page and 'class="card ack"' in page  # the app's look
        assert 'aria-label="main"' not in page  # no navigation for a phone that is not signed in
        text = visible_text(page)
        assert "Acknowledge this incident?" in text and "INC-7 Credential stuffing on VPN" in text
        assert "You Ann Analyst" in text and "Opened Sat 05 Dec 02:14 EST" in text
        done = visible_text(client.post(link).get_data(as_text=True))
        assert "✓ Acknowledged" in done and "Thank you, Ann Analyst: the escalation has stopped." in done
        assert "Already acknowledged" in visible_text(client.post(link).get_data(as_text=True))


def test_a_forged_link_says_so(client):
    page = client.get("/ack/not-a-real-token")
    assert page.status_code == 400 and "Cannot acknowledge" in page.get_data(as_text=True)
