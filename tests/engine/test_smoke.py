"""A first story: trigger after hours, page level 1, time out, page level 2, acknowledge."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from oncall.notifiers.base import SendResult


class Recorder:
    def __init__(self, channel):
        self.channel = channel
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return SendResult(ok=True, provider_id=f"{self.channel}-{message.notification_id}")


def test_two_levels_then_ack(db_url):
    from oncall.app import create_app
    from oncall.services import tokens

    pd, sms = Recorder("pagerduty"), Recorder("sms")
    app = create_app({"database_url": db_url, "secret_key": "k", "notifiers": {"pagerduty": pd, "sms": sms},
                      "base_url": "http://oncall.test"})
    client = app.test_client()
    from sqlmodel import Session
    with Session(app.extensions["oncall.engine"]) as s:
        token = tokens.create(session=s, name="t").token
    h = {"Authorization": f"Bearer {token}"}
    a = client.post("/api/v1/users", json={"name": "A", "email": "a@x.org", "phone": "+14155550001"}, headers=h).get_json()
    b = client.post("/api/v1/users", json={"name": "B", "email": "b@x.org", "phone": "+14155550002"}, headers=h).get_json()
    team = client.post("/api/v1/teams", json={"name": "SOC", "timezone": "UTC", "members": [a["id"], b["id"]]}, headers=h).get_json()
    policy = client.post("/api/v1/escalation-policies", json={"team_id": team["id"], "name": "p", "levels": [
        {"ack_timeout_seconds": 600, "channels": ["pagerduty"], "targets": [{"type": "user", "id": a["id"]}]},
        {"ack_timeout_seconds": 600, "channels": ["sms"], "targets": [{"type": "user", "id": b["id"]}]}]}, headers=h)
    assert policy.status_code == 201, policy.get_json()
    integ = client.post("/api/v1/integrations", json={"team_id": team["id"], "policy_id": policy.get_json()["id"],
                                                      "source": "events_v2", "name": "splunk"}, headers=h).get_json()
    engine = app.extensions["oncall.escalation"]
    t0 = datetime(2026, 12, 5, 2, 14, tzinfo=timezone.utc)
    with freeze_time(t0) as frozen:
        r = client.post("/v2/enqueue", json={"routing_key": integ["key"], "event_action": "trigger", "dedup_key": "INC1",
                                             "payload": {"summary": "Ransomware", "source": "edr", "severity": "critical"}})
        assert r.status_code == 202, r.get_json()
        engine.tick()
        assert [m.kind for m in pd.sent] == ["trigger"] and sms.sent == []
        frozen.tick(timedelta(seconds=601))
        engine.tick()
        assert len(sms.sent) == 1 and sms.sent[0].recipient_phone == "+14155550002"
        ack_url = sms.sent[0].ack_url
        path = ack_url.removeprefix("http://oncall.test")
        assert client.get(path).status_code == 200
        assert client.post(path).status_code == 200
        engine.tick()
        assert [m.kind for m in pd.sent] == ["trigger", "acknowledge"]
        frozen.tick(timedelta(hours=2))
        engine.tick()
        assert len(sms.sent) == 1
    incident = client.get("/api/v1/incidents", headers=h).get_json()[0]
    assert incident["status"] == "acknowledged" and incident["acknowledged_by"] == b["id"]
    app.extensions["oncall.engine"].dispose()
