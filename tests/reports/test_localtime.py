"""The SQL version of business hours and local hours agrees with the core, instant by instant."""
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from oncall.schedule.hours import BusinessHours, is_business_hours
from oncall.services.coverage import window
from oncall.services.reports.localtime import in_business_hours, local_hour, offset_of
from oncall.store.models import Incident, Notification

SINCE = datetime(2026, 3, 1, tzinfo=timezone.utc)
UNTIL = datetime(2026, 11, 15, tzinfo=timezone.utc)
HOURS = BusinessHours("America/New_York", (window("mon,tue,wed,thu,fri", "09:00", "17:00"),
                                           window("sat", "22:00", "02:30"),   # past midnight
                                           window("sun", "01:30", "03:00")),  # across both DST changes
                      frozenset({date(2026, 3, 9), date(2026, 11, 2), date(2026, 3, 8)}))
ZONES = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London", "UTC"]


def _instants() -> list[datetime]:
    rng = random.Random(3)
    found = [SINCE + timedelta(seconds=rng.uniform(0, (UNTIL - SINCE).total_seconds())) for _ in range(400)]
    for transition in (datetime(2026, 3, 8, 7, tzinfo=timezone.utc), datetime(2026, 11, 1, 6, tzinfo=timezone.utc),
                       datetime(2026, 4, 4, 15, tzinfo=timezone.utc), datetime(2026, 10, 3, 15, 30, tzinfo=timezone.utc)):
        found += [transition + timedelta(minutes=m) for m in range(-240, 241, 15)]
        found += [transition - timedelta(microseconds=1), transition + timedelta(seconds=59, microseconds=999999)]
    for day in (date(2026, 3, 6), date(2026, 3, 7), date(2026, 11, 2), date(2026, 7, 4)):  # edges, midnights
        for wall in ("00:00", "01:30", "02:29", "02:30", "08:59", "09:00", "16:59", "17:00", "22:00", "23:59"):
            local = datetime.fromisoformat(f"{day}T{wall}").replace(tzinfo=ZoneInfo("America/New_York"))
            found += [local.astimezone(timezone.utc), local.astimezone(timezone.utc) - timedelta(microseconds=1)]
    return [t for t in found if SINCE <= t < UNTIL]


def test_business_hours_and_local_hours_match_the_core(session, make):
    team = make.team(name="SOC")
    incident = Incident(team_id=team.id, source="generic", external_id="1", dedup_key="1", title="t", severity="high")
    session.add(incident)
    session.flush()
    instants = _instants()
    session.execute(insert(Notification), [
        {"incident_id": incident.id, "idempotency_key": str(i), "channel": "sms", "sent_at": at, "created_at": at,
         "recipient": ZONES[i % len(ZONES)]} for i, at in enumerate(instants)])
    session.commit()
    sent = Notification.sent_at
    rows = session.execute(select(Notification.sent_at, Notification.recipient,
                                  in_business_hours(HOURS, sent, SINCE, UNTIL),
                                  local_hour(sent, offset_of(Notification.recipient, ZONES, sent, SINCE, UNTIL)))
                           .order_by(Notification.id)).all()
    assert len(rows) == len(instants) > 600
    wrong = [(at, bool(inside)) for at, _, inside, _ in rows if bool(inside) != is_business_hours(HOURS, at)]
    assert wrong == []
    hours = [(at, tz, hour) for at, tz, _, hour in rows if hour != at.astimezone(ZoneInfo(tz)).hour]
    assert hours == []
    assert sum(bool(inside) for *_, inside, _ in rows) > 50  # both answers occur
