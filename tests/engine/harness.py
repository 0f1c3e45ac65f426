"""A story harness: the real app, the real notifiers, fake providers on the wire, a frozen clock.

    h = make_harness()                        # fixture (tests/engine/conftest.py)
    w = soc(h)                                # Alice (level 1, PagerDuty), Bob (level 2, SMS)
    incident = h.trigger(w.integration, "INC0010001", "Ransomware on FIN-WS-042")
    h.tick()
    h.expect_pd_event("trigger", "INC0010001")
    h.advance(601); h.tick()
    sms = h.expect_sms(w.bob["phone"])
    h.expect_no_more()

- PagerDuty is :class:`tests.fakes.FakePagerDuty` over HTTPS (its throwaway CA in
  ``SSL_CERT_FILE``, through ``monkeypatch``); Twilio is :class:`tests.fakes.FakeTwilio`. The
  notifiers are the production ones, built from settings by ``build_notifiers`` (or, with
  ``notifier_timeout``, built the same way with a shorter timeout for fault tests).
- Time is frozen with freezegun (``tick=False``) and moves only by :meth:`advance`. freezegun
  also freezes ``time.monotonic``; the providers' clients still work (socket timeouts are the
  operating system's), which ``tests/engine/test_faults.py`` checks with real timeouts.
- The ``expect_*`` helpers consume what reached the fakes, in order, so a story reads as the
  sequence of messages a user would see; :meth:`expect_no_more` says nothing else went out.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from oncall.app import create_app
from oncall.notifiers.factory import STATUS_CALLBACK_PATH
from oncall.notifiers.pagerduty import PagerDutyNotifier
from oncall.notifiers.twilio_sms import TwilioSmsNotifier
from oncall.services import tokens
from oncall.store.models import (BusinessHours, BusinessWindow, Holiday, Layer, LayerMember, LayerVersion,
                                 Notification, Rotation)
from tests.conftest import Api
from tests.fakes import FakePagerDuty, FakeTwilio

UTC = timezone.utc
BASE_URL = "http://oncall.test"
SECRET_KEY = "story-secret-key-not-for-production"
ROUTING_KEY = "R" * 32  # PagerDuty integration keys are 32 characters
TWILIO_FROM = "+15005550006"
PD_WEBHOOK_SECRET = "pd-webhook-secret-current"
# Friday 21:14 in New York: after hours. Tuesday 10:00 in New York: business hours.
AFTER_HOURS = datetime(2026, 12, 5, 2, 14, tzinfo=UTC)
BUSINESS_HOURS = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
WEEKDAYS = "mon,tue,wed,thu,fri"
ACK_URL = re.compile(re.escape(BASE_URL) + r"/ack/[A-Za-z0-9_.\-]+")

_seq = itertools.count(1)


def no_nagle(fake):
    """Answer without Nagle's delay: the fakes write headers and body separately, and Nagle
    plus the client's delayed ACK would add up to 40 ms to every request (no real provider
    answers that slowly for that reason). Call after ``start()``."""
    fake._httpd.RequestHandlerClass.disable_nagle_algorithm = True
    return fake


def level(*targets, channels=("pagerduty",), timeout: int = 600, routing_key: str | None = None) -> dict:
    """One escalation level for the API; a target is ``("user", id)``, ``("rotation", id)``, ...

    A dict with an ``id`` (a user as the API returned it) is a user target.
    """
    def target(t):
        if isinstance(t, dict):
            return {"type": "user", "id": t["id"]}
        return {"type": t[0], "id": t[1]}

    body = {"ack_timeout_seconds": timeout, "channels": list(channels), "targets": [target(t) for t in targets]}
    if routing_key:
        body["pagerduty_routing_key"] = routing_key
    return body


class Harness:
    def __init__(self, db_url: str, monkeypatch, *, start: datetime = AFTER_HOURS,
                 notifier_timeout: float | None = None, pagerduty: bool = True, twilio: bool = True,
                 **settings):
        self.pd = no_nagle(FakePagerDuty().start())
        monkeypatch.setenv("SSL_CERT_FILE", self.pd.ca_path)
        self.twilio = no_nagle(FakeTwilio().start())
        self._freezer = freeze_time(start, tick=False)
        self.clock = self._freezer.start()
        config = {"database_url": db_url, "secret_key": SECRET_KEY, "base_url": BASE_URL, "TESTING": True,
                  "pagerduty_webhook_secret": PD_WEBHOOK_SECRET, **settings}
        if pagerduty:
            config.update(pagerduty_routing_key=ROUTING_KEY, pagerduty_events_base=self.pd.base_url)
        if twilio:
            config.update(twilio_account_sid=self.twilio.account_sid, twilio_auth_token=self.twilio.auth_token,
                          twilio_from=TWILIO_FROM, twilio_api_base=self.twilio.base_url)
        if notifier_timeout is not None:  # the factory's notifiers, with a shorter timeout
            config["notifiers"] = {
                "pagerduty": PagerDutyNotifier(ROUTING_KEY, events_base=self.pd.base_url, timeout=notifier_timeout),
                "sms": TwilioSmsNotifier(self.twilio.account_sid, self.twilio.auth_token, TWILIO_FROM,
                                         api_base=self.twilio.base_url, timeout=notifier_timeout,
                                         status_callback=BASE_URL + STATUS_CALLBACK_PATH),
            }
        self.app = create_app(config)
        self.settings = self.app.extensions["oncall.settings"]
        self.db = self.app.extensions["oncall.engine"]
        self.engine = self.app.extensions["oncall.escalation"]
        self.client = self.app.test_client()
        with self.session() as s:
            self.api = Api(self.client, tokens.create(session=s, name="story").token)
        self._pd_seen = 0
        self._sms_seen = 0

    def close(self) -> None:
        self._freezer.stop()
        self.pd.stop()
        self.twilio.stop()
        self.db.dispose()

    def session(self) -> Session:
        return Session(self.db, expire_on_commit=False)

    # -- time and the engine ----------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        self.clock.tick(timedelta(seconds=seconds))

    def tick(self):
        return self.engine.tick()

    # -- the world, through the API where it exists -------------------------------------------
    def _created(self, response, status: int = 201) -> dict:
        assert response.status_code == status, (response.status_code, response.get_json())
        return response.get_json()

    def user(self, name: str, phone: str | None = None, **fields) -> dict:
        n = next(_seq)
        body = {"name": name, "email": f"{name.lower().replace(' ', '.')}{n}@soc.example",
                "timezone": "America/New_York", "phone": phone or f"+1415555{n:04d}", **fields}
        return self._created(self.api.post("/api/v1/users", json=body))

    def team(self, name: str | None = None, members=(), timezone_: str = "America/New_York") -> dict:
        body = {"name": name or f"SOC {next(_seq)}", "timezone": timezone_, "members": [m["id"] for m in members]}
        return self._created(self.api.post("/api/v1/teams", json=body))

    def policy(self, team: dict, levels: list[dict], *, repeat: int = 0, page_during_business_hours: bool = False,
               name: str = "Critical tickets") -> dict:
        body = {"team_id": team["id"], "name": name, "repeat": repeat, "levels": levels,
                "page_during_business_hours": page_during_business_hours}
        return self._created(self.api.post("/api/v1/escalation-policies", json=body))

    def integration(self, team: dict, policy: dict, source: str = "events_v2") -> dict:
        body = {"team_id": team["id"], "policy_id": policy["id"], "source": source, "name": "Splunk ES"}
        return self._created(self.api.post("/api/v1/integrations", json=body))

    def business_hours(self, team: dict, windows=((WEEKDAYS, "09:00", "17:00"),), *,
                       timezone_: str = "America/New_York", holidays=()) -> None:
        """Straight into the tables (the business-hours API is being built elsewhere)."""
        with self.session() as s:
            s.add(BusinessHours(team_id=team["id"], timezone=timezone_))
            s.flush()
            for days, start, end in windows:
                s.add(BusinessWindow(team_id=team["id"], days=days, start=start, end=end))
            for day in holidays:
                s.add(Holiday(team_id=team["id"], day=day))
            s.commit()

    def rotation(self, team: dict, members: list[dict], *, handoff: str = "2026-01-05T09:00", shift_unit: str = "weeks",
                 shift_count: int = 1, timezone_: str = "America/New_York", restrictions=()) -> int:
        """A one-layer rotation, straight into the tables (the rotation API is being built elsewhere)."""
        with self.session() as s:
            rotation = Rotation(team_id=team["id"], name=f"Primary {next(_seq)}", timezone=timezone_)
            s.add(rotation)
            s.flush()
            layer = Layer(rotation_id=rotation.id, name="primary", position=0)
            s.add(layer)
            s.flush()
            version = LayerVersion(layer_id=layer.id, handoff=handoff, shift_unit=shift_unit, shift_count=shift_count,
                                   member_offset=0, restrictions=list(restrictions))
            s.add(version)
            s.flush()
            for position, member in enumerate(members):
                s.add(LayerMember(layer_version_id=version.id, position=position, user_id=member["id"]))
            s.commit()
            return rotation.id

    # -- events in ------------------------------------------------------------------------------
    def trigger(self, integration: dict, dedup_key: str = "INC0010001", summary: str = "Ransomware on FIN-WS-042",
                severity: str = "critical") -> int:
        """An Events API v2 trigger; the id of the incident it opened (or joined)."""
        response = self.client.post("/v2/enqueue", json={
            "routing_key": integration["key"], "event_action": "trigger", "dedup_key": dedup_key,
            "payload": {"summary": summary, "source": "splunk-es", "severity": severity}})
        assert response.status_code == 202, response.get_json()
        assert response.get_json()["dedup_key"] == dedup_key
        [incident] = [i for i in self.api.get("/api/v1/incidents?limit=500").get_json()
                      if i["dedup_key"] == dedup_key and i["status"] != "resolved"]
        return incident["id"]

    # -- what a user sees -----------------------------------------------------------------------
    def incident(self, incident_id: int) -> dict:
        response = self.api.get(f"/api/v1/incidents/{incident_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def timeline(self, incident_id: int) -> list[dict]:
        return self.incident(incident_id)["timeline"]

    def kinds(self, incident_id: int) -> list[str]:
        return [e["kind"] for e in self.timeline(incident_id)]

    def entries(self, incident_id: int, kind: str) -> list[dict]:
        return [e for e in self.timeline(incident_id) if e["kind"] == kind]

    def notifications(self, incident_id: int) -> list[dict]:
        return self.incident(incident_id)["notifications"]

    def notification_rows(self, incident_id: int) -> list[Notification]:
        from sqlalchemy import select

        with self.session() as s:
            return list(s.execute(select(Notification).where(Notification.incident_id == incident_id)
                                  .order_by(Notification.id)).scalars())

    # -- what reached the providers -------------------------------------------------------------
    def expect_pd_event(self, action: str, dedup_key: str, routing_key: str = ROUTING_KEY) -> dict:
        """The next event PagerDuty accepted is ``action`` for ``dedup_key``."""
        events = self.pd.events
        assert len(events) > self._pd_seen, (f"expected a PagerDuty {action} for {dedup_key}, got nothing new; "
                                              f"all events: {[(e['event_action'], e['dedup_key']) for e in events]}")
        event = events[self._pd_seen]
        self._pd_seen += 1
        assert (event["event_action"], event["dedup_key"]) == (action, dedup_key), event
        assert event["routing_key"] == routing_key, event
        return event

    def expect_sms(self, to: str) -> dict:
        """The next SMS Twilio accepted goes to ``to``; the Message resource (``body``, ``sid``)."""
        messages = self.twilio.messages
        assert len(messages) > self._sms_seen, (f"expected an SMS to {to}, got nothing new; "
                                                f"all SMS: {[(m['to'], m['body']) for m in messages]}")
        message = messages[self._sms_seen]
        self._sms_seen += 1
        assert message["to"] == to, message
        return message

    def expect_no_more(self) -> None:
        """Nothing reached PagerDuty or Twilio beyond what was expected already."""
        extra_pd = [(e["event_action"], e["dedup_key"]) for e in self.pd.events[self._pd_seen:]]
        extra_sms = [(m["to"], m["body"]) for m in self.twilio.messages[self._sms_seen:]]
        assert not extra_pd and not extra_sms, f"unexpected messages: PagerDuty {extra_pd}, SMS {extra_sms}"

    @staticmethod
    def ack_path(text: str) -> str:
        """The path of the ack link in an SMS body (or any text)."""
        match = ACK_URL.search(text)
        assert match, f"no ack link in {text!r}"
        return match[0].removeprefix(BASE_URL)

    # -- provider webhooks, signed as the providers sign them ----------------------------------
    def twilio_signature(self, path: str, params: dict, token: str | None = None) -> str:
        return RequestValidator(token or self.twilio.auth_token).compute_signature(BASE_URL + path, params)

    def twilio_post(self, path: str, params: dict, *, signature: str | None = "auto"):
        headers = {}
        if signature == "auto":
            signature = self.twilio_signature(path, params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.client.post(path, data=params, headers=headers)

    def sms_reply(self, phone: str, body: str):
        return self.twilio_post("/webhooks/twilio/sms", {
            "MessageSid": f"SM{next(_seq):032x}", "AccountSid": self.twilio.account_sid, "From": phone,
            "To": TWILIO_FROM, "Body": body, "NumMedia": "0"})

    def delivery_status(self, sid: str, status: str, error_code: str | None = None):
        params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": self.twilio.account_sid}
        if error_code:
            params["ErrorCode"] = error_code
        return self.twilio_post("/webhooks/twilio/status", params)

    @staticmethod
    def pd_signature(raw: bytes, secret: str = PD_WEBHOOK_SECRET) -> str:
        return "v1=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()

    def pd_webhook(self, event: dict | bytes, *, webhook_id: str | None = None, signature: str | None = "auto",
                   secret: str = PD_WEBHOOK_SECRET):
        raw = event if isinstance(event, bytes) else json.dumps({"event": event}).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "auto":
            signature = self.pd_signature(raw, secret)
        if signature is not None:
            headers["X-PagerDuty-Signature"] = signature
        if webhook_id is not None:
            headers["X-Webhook-Id"] = webhook_id
        return self.client.post("/webhooks/pagerduty", data=raw, headers=headers)


def pd_incident_event(event_type: str, incident_key: str, agent_id: str | None = "PAGENT1") -> dict:
    """A PagerDuty v3 webhook event about an incident, as PagerDuty sends it."""
    return {
        "id": f"01{next(_seq):024X}", "event_type": event_type, "resource_type": "incident",
        "occurred_at": datetime.now(UTC).isoformat(),
        "agent": {"id": agent_id, "type": "user_reference", "summary": "Paula PagerDuty"} if agent_id else None,
        "data": {"id": "Q1ABCDEF", "type": "incident", "incident_key": incident_key, "status": event_type.split(".")[1],
                 "title": "Ransomware on FIN-WS-042"},
    }


@dataclass
class World:
    """The standard SOC: Alice first (PagerDuty), Bob second (SMS), business hours 9-17 New York."""

    alice: dict
    bob: dict
    team: dict
    policy: dict
    integration: dict


def soc(h: Harness, *, levels=None, repeat: int = 0, page_during_business_hours: bool = False,
        business_hours: bool = True) -> World:
    alice = h.user("Alice", pagerduty_user_id="PALICE1")
    bob = h.user("Bob")
    team = h.team(members=[alice, bob])
    if business_hours:
        h.business_hours(team)
    if levels is None:
        levels = [level(alice, channels=["pagerduty"]), level(bob, channels=["sms"])]
    elif callable(levels):
        levels = levels(alice, bob)
    policy = h.policy(team, levels, repeat=repeat, page_during_business_hours=page_during_business_hours)
    return World(alice, bob, team, policy, h.integration(team, policy))
