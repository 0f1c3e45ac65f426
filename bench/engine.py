"""Benchmark: the escalation engine draining a backlog of due incidents (not a test).

    PYTHONPATH=. python bench/engine.py [--incidents 10000] [--backends sqlite,postgresql]
                                        [--workers 1,2] [--mode processes|threads|both] [--spread 0]

For each backend and worker count: a fresh database with N open incidents whose first step
is due (half page one person in PagerDuty, half by SMS), and 1 or 2 workers, each an
``EscalationEngine`` with its own SQLAlchemy engine and the production notifiers, pointed at
the fake providers (``tests/fakes``: PagerDuty over HTTPS, Twilio over HTTP) running in
this process on 127.0.0.1. Workers are processes (as ``oncall worker`` is deployed) or
threads in this process. They start, connect and warm up first; then every deadline is set
to one second from now (or spread evenly over ``--spread`` seconds from then) and they
are let go; an idle worker ticks every ``--idle`` seconds (0.2), as ``ONCALL_TICK_SECONDS``.

Printed per run: time to drain (first deadline to every page recorded as sent), escalation steps/s
(incidents advanced), pages/s, deadline -> provider-request latency p50/p99/max (the
fake's arrival time minus the incident's deadline), and tick errors (e.g. SQLite's
``database is locked`` with two writers).

PostgreSQL: ``ONCALL_BENCH_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench`` (created when missing; its
schema is dropped and migrated afresh for each run).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, update  # noqa: E402
from sqlmodel import Session  # noqa: E402
from pg import fresh_postgres  # noqa: E402

from oncall.store.db import make_engine  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench"
ROUTING_KEY = "B" * 32
SECRET = "bench-secret"
FAR = datetime(2099, 1, 1, tzinfo=timezone.utc)
REPLY = re.compile(r"reply ACK (\d+)")


# -- databases ---------------------------------------------------------------------------------
def fresh_database(backend: str, tmp: Path) -> str:
    from oncall.store.migrate import upgrade

    if backend == "sqlite":
        path = tmp / f"bench-{time.monotonic_ns()}.db"
        url = f"sqlite:///{path}"
    else:
        return fresh_postgres(os.environ.get("ONCALL_BENCH_POSTGRES_URL", DEFAULT_PG))
    upgrade(url)
    return url


def seed(url: str, incidents: int) -> None:
    from oncall import clock
    from oncall.services import policies
    from oncall.store.models import EscalationLevel, EscalationPolicy, EscalationTarget, Incident, Team, User

    engine = make_engine(url)
    now = clock.now()
    with Session(engine) as s:
        team = Team(name="SOC", timezone="UTC")
        user = User(name="Alice", email="alice@soc.example", phone="+14155550001", timezone="UTC")
        s.add_all([team, user])
        s.flush()
        snapshots = []
        for channel in ("pagerduty", "sms"):
            policy = EscalationPolicy(team_id=team.id, name=channel)
            s.add(policy)
            s.flush()
            level = EscalationLevel(policy_id=policy.id, position=0, ack_timeout_seconds=3600, channels=[channel])
            s.add(level)
            s.flush()
            s.add(EscalationTarget(level_id=level.id, position=0, type="user", target_id=user.id))
            s.flush()
            snapshots.append((policy.id, policies.snapshot(session=s, policy_id=policy.id)))
        rows = [{"team_id": team.id, "policy_id": snapshots[n % 2][0], "source": "generic",
                 "external_id": f"INC{n:07d}", "dedup_key": f"INC{n:07d}", "title": f"Alert {n}",
                 "severity": "critical", "status": "triggered", "urgency": "high", "details": {},
                 "created_at": now, "policy_snapshot": snapshots[n % 2][1], "level": 0, "loop": 0,
                 "next_deadline": FAR, "escalation_state": "pending"} for n in range(incidents)]
        for start in range(0, len(rows), 2000):
            s.execute(insert(Incident), rows[start:start + 2000])
        s.commit()
    engine.dispose()


def release(url: str, spread: float, lead: float = 1.0) -> tuple[float, dict[int, float]]:
    """Make every incident due ``lead`` s from now (or spread over ``spread`` s from then).

    Returns the first deadline (epoch) and each incident's deadline (epoch).
    """
    from oncall.store.models import Incident

    engine = make_engine(url)
    start = datetime.now(timezone.utc) + timedelta(seconds=lead)
    with Session(engine) as s:
        ids = list(s.execute(select(Incident.id).order_by(Incident.id)).scalars())
        due = {incident_id: start + timedelta(seconds=spread * i / len(ids) if spread > 0 else 0.0)
               for i, incident_id in enumerate(ids)}
        if spread <= 0:
            s.execute(update(Incident).values(next_deadline=start))
        else:  # ORM bulk UPDATE by primary key
            s.execute(update(Incident), [{"id": i, "next_deadline": d} for i, d in due.items()])
        s.commit()
    engine.dispose()
    return start.timestamp(), {i: d.timestamp() for i, d in due.items()}


def count_sent(engine) -> int:
    from oncall.store.models import Notification

    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Notification)
                         .where(Notification.status == "sent")).scalar()


# -- workers -------------------------------------------------------------------------------
def build_engine(url: str, pd_base: str, ca_path: str, twilio_base: str, sid: str, token: str):
    os.environ["SSL_CERT_FILE"] = ca_path
    from oncall.engine.tick import EscalationEngine
    from oncall.notifiers.pagerduty import PagerDutyNotifier
    from oncall.notifiers.twilio_sms import TwilioSmsNotifier

    return EscalationEngine(
        db=make_engine(url), secret_key=SECRET, base_url="http://127.0.0.1:8080",
        notifiers={"pagerduty": PagerDutyNotifier(ROUTING_KEY, events_base=pd_base),
                   "sms": TwilioSmsNotifier(sid, token, "+15005550006", api_base=twilio_base,
                                            status_callback="http://127.0.0.1:8080/webhooks/twilio/status")})


def work(engine, ready, go, stop, errors, idle: float) -> None:
    """Tick until told to stop; a tick drains what it can claim, then we idle one interval."""
    import logging

    logging.getLogger("oncall.engine").setLevel(logging.CRITICAL)
    engine.tick()  # warm up: connections, TLS, imports (nothing is due yet)
    ready.set()
    go.wait()
    while not stop.is_set():
        try:
            result = engine.tick()
        except Exception as exc:  # as the scheduler does: log, and the next tick retries
            with errors.get_lock():
                errors.value += 1
            print(f"  tick error: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}", file=sys.stderr)
            continue
        if not result.advanced and not result.sent:
            stop.wait(idle)
    engine.db.dispose()


def process_main(args, ready, go, stop, errors, idle) -> None:
    work(build_engine(*args), ready, go, stop, errors, idle)


# -- one run -------------------------------------------------------------------------------
def run(backend: str, workers: int, mode: str, incidents: int, spread: float, idle: float, tmp: Path) -> dict:
    from tests.engine.harness import no_nagle
    from tests.fakes import FakePagerDuty, FakeTwilio

    class Timed:
        def answer(self, request):
            self.arrivals.append((time.time(), request))
            return super().answer(request)

    class PD(Timed, FakePagerDuty):
        arrivals: list

    class Twilio(Timed, FakeTwilio):
        arrivals: list

    url = fresh_database(backend, tmp)
    seed(url, incidents)
    pd, twilio = PD(), Twilio()
    pd.arrivals, twilio.arrivals = [], []
    no_nagle(pd.start())
    no_nagle(twilio.start())
    args = (url, pd.base_url, pd.ca_path, twilio.base_url, twilio.account_sid, twilio.auth_token)
    try:
        if mode == "processes":
            ctx = mp.get_context("spawn")
            stop, go = ctx.Event(), ctx.Event()
            errors = ctx.Value("i", 0)
            readies = [ctx.Event() for _ in range(workers)]
            procs = [ctx.Process(target=process_main, args=(args, readies[i], go, stop, errors, idle))
                     for i in range(workers)]
        else:
            stop, go = threading.Event(), threading.Event()
            errors = mp.Value("i", 0)
            readies = [threading.Event() for _ in range(workers)]
            procs = [threading.Thread(target=work, args=(build_engine(*args), readies[i], go, stop, errors, idle))
                     for i in range(workers)]
        for p in procs:
            p.start()
        for r in readies:
            if not r.wait(120):
                raise RuntimeError("a worker did not start")
        watcher = make_engine(url)
        t0, due = release(url, spread)
        go.set()
        while count_sent(watcher) < incidents:
            time.sleep(0.05)
        drained = time.time() - t0
        stop.set()
        for p in procs:
            p.join(60)
        watcher.dispose()
    finally:
        pd.stop()
        twilio.stop()

    latencies = []
    for arrived, request in pd.arrivals:
        latencies.append(arrived - due[request.json()["payload"]["custom_details"]["incident_id"]])
    for arrived, request in twilio.arrivals:
        latencies.append(arrived - due[int(REPLY.search(request.form()["Body"])[1])])
    latencies.sort()
    requests_seen = len(pd.arrivals) + len(twilio.arrivals)
    if backend == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {"backend": backend, "workers": workers, "mode": mode, "incidents": incidents, "drain_s": drained,
            "steps_per_s": incidents / drained, "pages_per_s": requests_seen / drained,
            "p50_ms": pct(50) * 1000, "p99_ms": pct(99) * 1000, "max_ms": latencies[-1] * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000, "requests": requests_seen, "errors": errors.value}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--mode", default="processes", choices=["processes", "threads", "both"])
    parser.add_argument("--spread", type=float, default=0.0, help="deadlines spread over this many seconds")
    parser.add_argument("--idle", type=float, default=0.2, help="a worker's pause after an empty tick (s)")
    options = parser.parse_args()
    modes = ["processes", "threads"] if options.mode == "both" else [options.mode]
    print(f"engine bench: {options.incidents} incidents, deadlines "
          f"{'all due at once' if options.spread <= 0 else f'spread over {options.spread:g} s'}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    header = (f"{'backend':<11}{'workers':>8} {'mode':<10}{'drain s':>9}{'steps/s':>9}{'pages/s':>9}"
              f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>7}")
    print(header)
    with tempfile.TemporaryDirectory(prefix="oncall-bench-") as tmp:
        for backend in options.backends.split(","):
            for mode in modes:
                for workers in (int(w) for w in options.workers.split(",")):
                    r = run(backend, workers, mode, options.incidents, options.spread, options.idle, Path(tmp))
                    assert r["requests"] == options.incidents, f"{r['requests']} provider requests, expected " \
                                                               f"{options.incidents} (a retry or a repeat?)"
                    print(f"{r['backend']:<11}{r['workers']:>8} {r['mode']:<10}{r['drain_s']:>9.1f}"
                          f"{r['steps_per_s']:>9.0f}{r['pages_per_s']:>9.0f}{r['p50_ms']:>9.0f}{r['p99_ms']:>9.0f}"
                          f"{r['max_ms']:>9.0f}{r['errors']:>7}", flush=True)


if __name__ == "__main__":
    main()
