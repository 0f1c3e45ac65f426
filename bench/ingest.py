"""Benchmark: PagerDuty Events v2 ingest through the production server (not a test).

    PYTHONPATH=. python bench/ingest.py [--seconds 15] [--clients 16] [--backends sqlite,postgresql]

For each backend it migrates a fresh database (``oncall db upgrade``), creates an API token
(``oncall token create``), starts ``oncall serve`` (gunicorn, the engine tick included) on a
free port, makes a user, a team, a policy and an ``events_v2`` integration through the API
(its rate limit raised to the maximum), then drives ``POST /v2/enqueue`` from concurrent
clients (threads, one ``requests.Session`` each) for a fixed time, twice:

- ``unique``: every event a trigger with a new dedup key (each opens an incident);
- ``90% dup``: nine events in ten repeat one of 20 hot dedup keys (appended to the open
  incident), one in ten is new.

It prints accepted events/s, p50/p99 latency and every answer that was not a 202, then checks
that the database holds one ``inbound_event`` row for each 202 (nothing accepted was lost).
The server is ended by its own PID (SIGTERM to the gunicorn master).

PostgreSQL: ``ONCALL_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_ingest``); the database is created
if missing and its schema dropped first.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from pg import fresh_postgres
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_ingest"
MAX_RATE = 100_000  # the highest rate_limit_per_minute an integration may have
HOT_KEYS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "oncall.cli", "--log-level", "WARNING", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"oncall {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    """``oncall serve`` as a child process; stopped by its own PID."""

    def __init__(self, env: dict, port: int, workers: int, threads: int, log: Path):
        self.base = f"http://127.0.0.1:{port}"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oncall.cli", "--log-level", "WARNING", "serve", "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"oncall serve exited with {self.proc.returncode}; see {log}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"oncall serve did not come up; see {log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)  # the gunicorn master stops its own workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _setup(base: str, token: str) -> str:
    """A user, a team, a policy and an events_v2 integration; returns its routing key."""
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"

    def post(path, body):
        response = s.post(base + path, json=body, timeout=10)
        if response.status_code != 201:
            raise SystemExit(f"POST {path}: {response.status_code} {response.text}")
        return response.json()

    user = post("/api/v1/users", {"name": "Bench Analyst", "email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
                                  "phone": "+14155550199", "timezone": "UTC"})
    team = post("/api/v1/teams", {"name": f"Bench {uuid.uuid4().hex[:6]}", "timezone": "UTC"})
    policy = post("/api/v1/escalation-policies", {
        "team_id": team["id"], "name": "Bench", "page_during_business_hours": True,
        "levels": [{"ack_timeout_seconds": 600, "channels": ["pagerduty"],
                    "targets": [{"type": "user", "id": user["id"]}]}]})
    integration = post("/api/v1/integrations", {"team_id": team["id"], "policy_id": policy["id"],
                                                "source": "events_v2", "name": "bench",
                                                "rate_limit_per_minute": MAX_RATE})
    return integration["key"]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _drive(base: str, routing_key: str, *, seconds: float, clients: int, duplicate_share: float,
           prefix: str) -> Run:
    run = Run()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def client(n: int) -> None:
        rng = random.Random(n)
        session = requests.Session()
        latencies, statuses, errors = [], Counter(), Counter()
        i = 0
        start.wait()
        while time.perf_counter() < stop_at[0]:
            i += 1
            if rng.random() < duplicate_share:
                dedup_key = f"{prefix}-hot-{rng.randrange(HOT_KEYS)}"
            else:
                dedup_key = f"{prefix}-{n}-{i}"
            event = {"routing_key": routing_key, "event_action": "trigger", "dedup_key": dedup_key,
                     "payload": {"summary": f"Suspicious login burst on host-{i % 97}", "source": "siem.example",
                                 "severity": "critical", "custom_details": {"client": n, "seq": i}}}
            began = time.perf_counter()
            try:
                response = session.post(base + "/v2/enqueue", json=event, timeout=30)
                statuses[response.status_code] += 1
            except requests.RequestException as exc:
                errors[exc.__class__.__name__] += 1
                continue
            latencies.append(time.perf_counter() - began)
        with lock:
            run.latencies += latencies
            run.statuses.update(statuses)
            run.errors.update(errors)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at.append(began + seconds)
    start.wait()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began
    return run


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _report(backend: str, mix: str, run: Run) -> dict:
    accepted = run.statuses.get(202, 0)
    figures = {"backend": backend, "mix": mix, "events_per_s": accepted / run.seconds,
               "p50_ms": _percentile(run.latencies, 50) * 1000, "p99_ms": _percentile(run.latencies, 99) * 1000,
               "accepted": accepted, "other": {**{str(k): v for k, v in run.statuses.items() if k != 202},
                                               **run.errors}}
    other = ", ".join(f"{k}: {v}" for k, v in figures["other"].items()) or "none"
    print(f"{backend:<11} {mix:<8} {figures['events_per_s']:8.1f} events/s   p50 {figures['p50_ms']:7.1f} ms   "
          f"p99 {figures['p99_ms']:7.1f} ms   accepted {accepted:6d}   not 202: {other}", flush=True)
    return figures


def _stored(url: str) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://")
                           else url)
    with engine.connect() as conn:
        found = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                 for table in ("inbound_event", "incident", "timeline_entry", "notification")}
    engine.dispose()
    return found


def bench_backend(backend: str, url: str, args) -> list[dict]:
    env = {**os.environ, "ONCALL_DATABASE_URL": url, "ONCALL_SECRET_KEY": "bench-secret-key-not-for-production",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for name in [k for k in env if k.startswith(("ONCALL_TWILIO", "ONCALL_PAGERDUTY"))]:
        del env[name]  # console notifiers: the bench measures ingest, not a provider
    _cli(env, "db", "upgrade")
    token = _cli(env, "token", "create", "--name", "bench").strip().splitlines()[-1]
    port = _free_port()
    server = Server(env, port, args.workers, args.threads, Path(args.logdir) / f"serve-{backend}.log")
    results = []
    try:
        routing_key = _setup(server.base, token)
        _drive(server.base, routing_key, seconds=1.0, clients=args.clients, duplicate_share=0.0, prefix="warm")
        before = _stored(url)["inbound_event"]
        accepted = 0
        for mix, share in (("unique", 0.0), ("90% dup", 0.9)):
            run = _drive(server.base, routing_key, seconds=args.seconds, clients=args.clients,
                         duplicate_share=share, prefix=f"{mix[:3]}-{uuid.uuid4().hex[:6]}")
            results.append(_report(backend, mix, run))
            accepted += run.statuses.get(202, 0)
        stored = _stored(url)
        kept = stored["inbound_event"] - before
        verdict = "ok" if kept == accepted else "MISMATCH"
        print(f"{backend:<11} check    {accepted} accepted, {kept} inbound_event rows [{verdict}]; "
              f"{stored['incident']} incidents, {stored['timeline_entry']} timeline entries, "
              f"{stored['notification']} notifications", flush=True)
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (oncall serve --workers)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (oncall serve --threads)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--logdir", default=None, help="where the server logs go (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oncall-bench-") as tmp:
        args.logdir = args.logdir or tmp
        Path(args.logdir).mkdir(parents=True, exist_ok=True)
        print(f"POST /v2/enqueue, {args.clients} clients, {args.seconds:g} s per mix, oncall serve --workers "
              f"{args.workers} --threads {args.threads}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/bench-ingest.db"
            elif backend == "postgresql":
                url = fresh_postgres(os.environ.get("ONCALL_BENCH_POSTGRES_URL", DEFAULT_PG), migrate=False)
            else:
                raise SystemExit(f"unknown backend {backend!r}")
            bench_backend(backend, url, args)


if __name__ == "__main__":
    main()
