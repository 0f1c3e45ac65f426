"""Benchmark: every report over a year of 100,000 incidents, on SQLite and PostgreSQL (not a test).

    PYTHONPATH=. python bench/reports.py [--incidents 100000] [--backends sqlite,postgresql] [--rebuild]

It migrates a database, bulk-inserts (Core ``insert`` executemany, explicit ids) a year of
incidents for six teams with timelines (triggered / acknowledged / resolved, plus a queued and
a sent entry per page), pages and SLA targets, then times each report as the API computes it
(the service functions, no HTTP): whole year and one month. The data is kept between runs
(``--rebuild`` makes it again).

PostgreSQL: ``ONCALL_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_reports``), created if missing.
SQLite: ``/tmp/oncall_bench_reports.db``.
"""
from __future__ import annotations

import argparse
import os
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, make_url, select, text
from sqlmodel import Session
from pg import fresh_postgres

from oncall.schemas.reports import ExportQuery, RecurringQuery, ReportQuery, SummaryQuery, TrendQuery
from oncall.services.reports import csvfile, export
from oncall.services.reports.analysts import analysts
from oncall.services.reports.recurring import recurring
from oncall.services.reports.summary import summary
from oncall.services.reports.trend import trend
from oncall.store.db import make_engine
from oncall.store.migrate import upgrade
from oncall.store.models import (BusinessHours, BusinessWindow, Incident, Notification, SlaTarget, Team,
                                 TimelineEntry, User)

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_reports"
SQLITE = "sqlite:////tmp/oncall_bench_reports.db"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
YEAR = timedelta(days=365)
NOW = START + YEAR + timedelta(days=1)
TEAMS = [("SOC Americas", "America/New_York"), ("SOC EMEA", "Europe/Berlin"), ("SOC APAC", "Asia/Singapore"),
         ("CERT", "Europe/London"), ("Cloud", "America/Los_Angeles"), ("OT", "Australia/Sydney")]
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Singapore", "Europe/London", "America/Los_Angeles",
         "Asia/Kolkata"]
TITLES = ["Brute force on host web{n:02d} from 10.0.{a}.{b}", "Malware on WKS-{n:04d} hash {h}",
          "INC{n:07d} Suspicious login for user {a}", "Beaconing to 0x{h} port {b}", "Impossible travel for uid {n}"]
RULES = ["Brute Force Detected", "Excessive Failed Logins", "Malware Detected", None, None]
SOURCES = ["splunk", "servicenow", "jira", "thehive", "alertmanager", "events_v2"]
SEVERITIES = ["critical", "high", "high", "medium", "critical"]
PATHS = ["link", "sms", "pagerduty", "api", "ui"]
CHUNK = 10_000


def _bulk(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[i:i + CHUNK])


def _people(conn) -> tuple[list[int], dict[int, list[int]]]:
    users = [{"id": i, "name": f"Analyst {i}", "email": f"a{i}@bench.example", "timezone": ZONES[i % len(ZONES)],
              "role": "analyst", "created_at": START} for i in range(1, 25)]
    _bulk(conn, User.__table__, users)
    _bulk(conn, Team.__table__, [{"id": t, "name": name, "timezone": tz, "created_at": START}
                                 for t, (name, tz) in enumerate(TEAMS, 1)])
    _bulk(conn, BusinessHours.__table__, [{"team_id": t, "timezone": tz, "holiday_country": "US" if t == 1 else None,
                                           "updated_at": START} for t, (_, tz) in enumerate(TEAMS, 1) if t != 6])
    _bulk(conn, BusinessWindow.__table__, [{"team_id": t, "days": "mon,tue,wed,thu,fri", "start": "09:00",
                                            "end": "17:00"} for t in range(1, 6)])
    _bulk(conn, SlaTarget.__table__, [{"team_id": t, "severity": s, "acknowledge_seconds": a, "resolve_seconds": r,
                                       "updated_at": START} for t in range(1, 7)
                                      for s, a, r in (("critical", 900, 14400), ("high", 1800, 86400))])
    return [u["id"] for u in users], {t: [u for u in range(1, 25) if u % 6 == t % 6] for t in range(1, 7)}


def build(url: str, count: int) -> None:
    """A year of ``count`` incidents with timelines and pages, inserted in bulk."""
    rng = random.Random(7)
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            path = url.removeprefix("sqlite:///") + suffix
            if os.path.exists(path):
                os.remove(path)
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        _, members = _people(conn)
        incidents, entries, notes = [], [], []
        for n in range(1, count + 1):
            team = rng.randint(1, 6)
            created = START + timedelta(seconds=rng.uniform(0, YEAR.total_seconds()))
            kind = rng.randrange(len(TITLES))
            title = TITLES[kind].format(n=rng.randint(1, 9999), a=rng.randint(0, 255), b=rng.randint(1, 65535),
                                        h=f"{rng.getrandbits(48):012x}")
            acked = created + timedelta(seconds=rng.lognormvariate(6, 1)) if rng.random() < 0.85 else None
            resolved = (acked or created) + timedelta(seconds=rng.lognormvariate(8, 1)) if rng.random() < 0.9 else None
            level, user = rng.choice((1, 1, 1, 2, 2, 3)), rng.choice(members[team])
            rule = RULES[kind]
            incidents.append({
                "id": n, "team_id": team, "source": SOURCES[kind if kind < 4 else rng.randrange(6)],
                "external_id": f"T{n}", "dedup_key": f"d{n}", "title": title, "severity": rng.choice(SEVERITIES),
                "status": "resolved" if resolved else "acknowledged" if acked else "triggered", "urgency": "high",
                "details": {"fields": {"rule_name": rule} if rule else {}}, "created_at": created,
                "acknowledged_at": acked, "acknowledged_by": user if acked else None, "resolved_at": resolved,
                "policy_snapshot": {}, "level": level, "loop": 0, "escalation_state": "stopped"})
            entries.append({"incident_id": n, "at": created, "kind": "triggered", "actor": "integration:1",
                            "message": f"Triggered: {title}", "data": {}})
            for page in range(level):
                sent = created + timedelta(seconds=5 + 600 * page)
                paged = rng.choice(members[team])
                notes.append({"incident_id": n, "idempotency_key": f"{n}:{page}", "kind": "trigger", "level": page + 1,
                              "loop": 0, "channel": rng.choice(("pagerduty", "sms")), "user_id": paged,
                              "status": "sent", "attempts": 1, "created_at": sent, "sent_at": sent})
                entries.append({"incident_id": n, "at": sent, "kind": "notification_sent", "actor": "engine",
                                "message": f"page sent to user {paged}", "data": {"level": page + 1}})
            if acked:
                entries.append({"incident_id": n, "at": acked, "kind": "acknowledged", "actor": f"user:{user}",
                                "message": "Acknowledged", "data": {"via": rng.choice(PATHS), "user_id": user}})
            if resolved:
                entries.append({"incident_id": n, "at": resolved, "kind": "resolved", "actor": "system",
                                "message": "Resolved", "data": {"via": "integration"}})
        _bulk(conn, Incident.__table__, incidents)
        _bulk(conn, TimelineEntry.__table__, entries)
        _bulk(conn, Notification.__table__, notes)
        if engine.dialect.name == "postgresql":
            for table in ("incident", "users", "team"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.begin() as conn:  # committed: statistics gathered in a rolled-back transaction are lost
        conn.execute(text("ANALYZE"))
    print(f"  built {count:,} incidents, {len(entries):,} timeline entries, {len(notes):,} pages "
          f"in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def _period(days: int | None) -> dict:
    since = START if days is None else START + timedelta(days=180)
    return {"since": since, "until": since + (YEAR if days is None else timedelta(days=days))}


def _csv_export(session, query):
    rows = export.timeline_rows(session=session, query=query, now=NOW)
    return sum(1 for _ in csvfile.lines(rows, export.CSV_FIELDS))


CASES = [
    ("summary by team", lambda s, p: summary(session=s, query=SummaryQuery(**p, group_by="team"), now=NOW)),
    ("summary by severity", lambda s, p: summary(session=s, query=SummaryQuery(**p, group_by="severity"), now=NOW)),
    ("summary by analyst", lambda s, p: summary(session=s, query=SummaryQuery(**p, group_by="analyst"), now=NOW)),
    ("summary one team", lambda s, p: summary(session=s, query=SummaryQuery(**p, team_id=2), now=NOW)),
    ("analysts", lambda s, p: analysts(session=s, query=ReportQuery(**p), now=NOW)),
    ("recurring", lambda s, p: recurring(session=s, query=RecurringQuery(**p), now=NOW)),
    ("trend by day", lambda s, p: trend(session=s, query=TrendQuery(**p, bucket="day"), now=NOW)),
    ("trend by week", lambda s, p: trend(session=s, query=TrendQuery(**p, bucket="week"), now=NOW)),
    ("export json 1,000", lambda s, p: export.incidents(session=s, query=ExportQuery(**p, limit=1000), now=NOW)),
    ("export csv 10,000", lambda s, p: _csv_export(s, ExportQuery(**p, limit=10_000))),
]


def measure(url: str) -> dict[tuple[str, str], float]:
    engine = make_engine(url)
    timings = {}
    for label, days in (("year", None), ("30 days", 30)):
        for name, run in CASES:
            with Session(engine) as session:
                started = time.perf_counter()
                run(session, _period(days))
                timings[(name, label)] = time.perf_counter() - started
    engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    urls = {"sqlite": SQLITE,
            "postgresql": fresh_postgres(os.environ.get("ONCALL_BENCH_POSTGRES_URL", DEFAULT_PG), empty=False, migrate=False)}
    results = {}
    for backend in args.backends.split(","):
        url = urls[backend]
        print(f"{backend}: {make_url(url).render_as_string(hide_password=True)}")
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                have = conn.execute(select(func.count()).select_from(Incident)).scalar()
        except Exception:
            have = None
        engine.dispose()
        if args.rebuild or have != args.incidents:
            build(url, args.incidents)
        results[backend] = measure(url)
    names = list(next(iter(results.values())))
    print(f"\n{'report':<22}{'period':<9}" + "".join(f"{b:>12}" for b in results))
    for name, period in names:
        print(f"{name:<22}{period:<9}" + "".join(f"{results[b][(name, period)]:>11.3f}s" for b in results))


if __name__ == "__main__":
    main()
