"""Load test: a minute of mixed traffic against the deployed shape (not a test).

    PYTHONPATH=. python bench/load.py [--seconds 60] [--clients 16] [--web-workers 2] [--threads 4]
                                      [--tick 1] [--drain 60]

What runs, as in docs/deploy.md: ``oncall serve --workers 2`` (each gunicorn worker with its
own tick) and one ``oncall worker``, real processes on one PostgreSQL
(``ONCALL_BENCH_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_load``, created when missing; its
schema is dropped and migrated afresh). The production notifiers page the fake PagerDuty
(HTTPS) and fake Twilio from ``tests/fakes``, served by a child process of their own so
they do not compete with the load generator for its interpreter.

The load: ``--clients`` threads, each with its own keep-alive connection, picking per
request (weights in ``MIX``): a new Events API v2 trigger, an on-call lookup at a random
instant in the next 30 days, an acknowledgement of an open incident (ids come from the
incident list, itself measured), the dashboard of a signed-in user, or the sign-in page.

Printed: requests/s overall and per endpoint, p50/p99 latency, answers other than 2xx,
the resident memory of each server process at the start and at the end
(psutil when installed, else ``/proc/<pid>/status`` VmRSS), and the backlog (due
incidents, due notifications, from ``/metrics``) when the load stops and after the drain,
which must end at zero.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from pg import fresh_postgres  # noqa: E402
from sqlalchemy import func, make_url, select  # noqa: E402

from oncall.store.db import make_engine  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/oncall_bench_load"
ROUTING_KEY = "L" * 32
SECRET = "bench-load-secret-key"
PASSWORD = "bench-load-password"
MIX = {"ingest": 40, "oncall": 30, "ack": 10, "ui_dashboard": 10, "ui_login": 10}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- the database and the world ----------------------------------------------------------------
def fresh_database(url: str) -> str:
    return fresh_postgres(url)


def seed(url: str, *, users: int = 12, rotations: int = 20) -> dict:
    """Through the API of an in-process app: people, a team, rotations, a policy, an integration."""
    from sqlmodel import Session

    from oncall.app import create_app
    from oncall.services import tokens
    from oncall.services import users as user_service
    from oncall.schemas.people import UserCreate

    app = create_app({"database_url": url, "secret_key": SECRET, "TESTING": True})
    try:
        with Session(app.extensions["oncall.engine"], expire_on_commit=False) as s:
            token = tokens.create(session=s, name="bench").token
            user_service.create(session=s, data=UserCreate(name="Bench Admin", email="admin@bench.example",
                                                           role="admin", timezone="UTC"),
                                actor="bench", password=PASSWORD)
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}

        def post(path, body):
            response = client.post(path, json=body, headers=auth)
            assert response.status_code == 201, (path, response.get_json())
            return response.get_json()

        zones = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "UTC"]
        people = [post("/api/v1/users", {"name": f"Analyst {n}", "email": f"analyst{n}@bench.example",
                                         "phone": f"+1415556{n:04d}", "timezone": zones[n % len(zones)],
                                         "pagerduty_user_id": f"PBENCH{n}"}) for n in range(users)]
        ids = [p["id"] for p in people]
        team = post("/api/v1/teams", {"name": "SOC", "timezone": "America/New_York", "members": ids})
        rng = random.Random(7)
        rotation_ids = []
        for n in range(rotations):
            layers = [
                {"name": "days", "members": rng.sample(ids, 4), "shift_days": 1, "handoff": "2026-01-05T09:00"},
                {"name": "nights", "members": rng.sample(ids, 3), "shift_hours": 12, "handoff": "2026-01-05T18:00",
                 "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "18:00", "end": "09:00"}]},
            ]
            rotation = post("/api/v1/rotations", {"team_id": team["id"], "name": f"Rotation {n}",
                                                  "timezone": zones[n % len(zones)], "layers": layers})
            rotation_ids.append(rotation["id"])
            start = datetime(2026, 12, 1, tzinfo=timezone.utc) + timedelta(days=rng.randrange(60))
            post(f"/api/v1/rotations/{rotation['id']}/overrides",
                 {"user_id": rng.choice(ids), "start": start.isoformat(),
                  "end": (start + timedelta(hours=rng.randint(4, 48))).isoformat()})
        policy = post("/api/v1/escalation-policies", {
            "team_id": team["id"], "name": "Critical", "page_during_business_hours": True, "levels": [
                {"ack_timeout_seconds": 900, "channels": ["pagerduty", "sms"],
                 "targets": [{"type": "rotation", "id": rotation_ids[0]}]},
                {"ack_timeout_seconds": 900, "channels": ["sms"], "targets": [{"type": "user", "id": ids[1]}]}]})
        integration = post("/api/v1/integrations", {"team_id": team["id"], "policy_id": policy["id"],
                                                    "source": "events_v2", "name": "SIEM"})
        return {"token": token, "rotations": rotation_ids, "routing_key": integration["key"]}
    finally:
        app.extensions["oncall.engine"].dispose()


# -- the fake providers, in a process of their own --------------------------------------------
def _fakes_main(conn) -> None:
    from tests.fakes import FakePagerDuty, FakeTwilio

    with FakePagerDuty() as pd, FakeTwilio() as twilio:
        conn.send({"pd_url": pd.base_url, "pd_ca": pd.ca_path, "twilio_url": twilio.base_url,
                   "twilio_sid": twilio.account_sid, "twilio_token": twilio.auth_token})
        while True:
            command = conn.recv()
            if command == "counts":
                conn.send({"pagerduty": len(pd.requests), "pagerduty_events": len(pd.events),
                           "sms": len(twilio.messages)})
            else:
                return


# -- processes ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mib(pid: int) -> float | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "oncall.cli", "--log-level", "WARNING", *args], env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)


def stop(proc: subprocess.Popen) -> None:
    """End one process by its own PID: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.1)


def backlog(base_url: str) -> dict[str, float]:
    text_ = requests.get(base_url + "/metrics", timeout=10).text
    found = {}
    for name in ("oncall_engine_due_incidents", "oncall_outbox_due"):
        match = re.search(rf"^{name} (\S+)$", text_, re.M)
        found[name] = float(match[1]) if match else float("nan")
    return found


# -- the load ----------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.failures: list[str] = []  # the first few requests that got no HTTP answer

    def add(self, name: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latency[name].append(seconds)
            self.status[name][status] += 1


class Client(threading.Thread):
    def __init__(self, n: int, base_url: str, world: dict, stop_at: float, rec: Recorder, open_ids: deque,
                 seen: set, seen_lock: threading.Lock):
        super().__init__(daemon=True)
        self.n, self.base, self.world, self.stop_at, self.rec = n, base_url, world, stop_at, rec
        self.open_ids, self.seen, self.seen_lock = open_ids, seen, seen_lock
        self.rng = random.Random(1000 + n)
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {world['token']}"
        self.browser = requests.Session()  # signed in
        self.anonymous = requests.Session()
        self.events = 0

    def _timed(self, name: str, call):
        started = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
            with self.rec.lock:
                if len(self.rec.failures) < 5:
                    self.rec.failures.append(f"{name}: {exc!r}"[:300])
        self.rec.add(name, time.perf_counter() - started, status)
        return response

    def sign_in(self) -> None:
        page = self.browser.get(self.base + "/login", timeout=30)
        token = CSRF.search(page.text)[1]
        answer = self.browser.post(self.base + "/login", timeout=30, allow_redirects=False, data={
            "email": "admin@bench.example", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code in (302, 303), answer.status_code

    def run(self) -> None:
        names, weights = zip(*MIX.items())
        while time.monotonic() < self.stop_at:
            getattr(self, "op_" + self.rng.choices(names, weights)[0])()

    def op_ingest(self) -> None:
        self.events += 1
        key = f"LOAD-{self.n:02d}-{self.events:06d}"
        body = {"routing_key": self.world["routing_key"], "event_action": "trigger", "dedup_key": key,
                "payload": {"summary": f"Suspicious sign-in {key}", "source": "splunk-es", "severity": "critical"}}
        self._timed("POST /v2/enqueue", lambda: self.api.post(self.base + "/v2/enqueue", json=body, timeout=30))

    def op_oncall(self) -> None:
        rotation = self.rng.choice(self.world["rotations"])
        at = (datetime(2026, 12, 1, tzinfo=timezone.utc) + timedelta(seconds=self.rng.randrange(30 * 86400)))
        self._timed("GET /api/v1/rotations/<id>/oncall", lambda: self.api.get(
            f"{self.base}/api/v1/rotations/{rotation}/oncall", params={"at": at.isoformat()}, timeout=30))

    def op_ack(self) -> None:
        try:
            incident_id = self.open_ids.popleft()
        except IndexError:
            listed = self._timed("GET /api/v1/incidents", lambda: self.api.get(
                f"{self.base}/api/v1/incidents", params={"status": "triggered", "limit": 50}, timeout=30))
            if listed is None or listed.status_code != 200:
                return
            with self.seen_lock:
                fresh = [i["id"] for i in listed.json() if i["id"] not in self.seen]
                self.seen.update(fresh)
            self.open_ids.extend(fresh)
            return
        self._timed("POST /api/v1/incidents/<id>/acknowledge", lambda: self.api.post(
            f"{self.base}/api/v1/incidents/{incident_id}/acknowledge", json={}, timeout=30))

    def op_ui_dashboard(self) -> None:
        self._timed("GET / (signed in)", lambda: self.browser.get(self.base + "/", timeout=30))

    def op_ui_login(self) -> None:
        self._timed("GET /login", lambda: self.anonymous.get(self.base + "/login", timeout=30))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--tick", type=float, default=1.0, help="ONCALL_TICK_SECONDS of the server processes")
    parser.add_argument("--drain", type=float, default=60, help="seconds allowed for the backlog to reach zero")
    args = parser.parse_args()

    url = fresh_database(os.environ.get("ONCALL_BENCH_POSTGRES_URL", DEFAULT_PG))
    world = seed(url)
    parent, child = mp.get_context("spawn").Pipe()
    fakes = mp.get_context("spawn").Process(target=_fakes_main, args=(child,), daemon=True)
    fakes.start()
    provider = parent.recv()
    logs = Path(tempfile.mkdtemp(prefix="oncall-load-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONCALL_")}
    env.update(ONCALL_DATABASE_URL=url, ONCALL_SECRET_KEY=SECRET, ONCALL_BASE_URL=base_url,
               ONCALL_TICK_SECONDS=str(args.tick), ONCALL_INGEST_RATE_PER_MINUTE="10000000",
               ONCALL_PAGERDUTY_ROUTING_KEY=ROUTING_KEY, ONCALL_PAGERDUTY_EVENTS_BASE=provider["pd_url"],
               SSL_CERT_FILE=provider["pd_ca"], ONCALL_TWILIO_ACCOUNT_SID=provider["twilio_sid"],
               ONCALL_TWILIO_AUTH_TOKEN=provider["twilio_token"], ONCALL_TWILIO_FROM="+15005550006",
               ONCALL_TWILIO_API_BASE=provider["twilio_url"], PYTHONPATH=str(ROOT))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    serve = start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.web_workers),
                   "--threads", str(args.threads)], {**env, "PROMETHEUS_MULTIPROC_DIR": str(logs / "prometheus")},
                  logs / "serve.log")
    worker = start(["worker"], env, logs / "worker.log")
    try:
        wait_for(lambda: _ok(base_url + "/readyz"), 60, "/readyz")
        wait_for(lambda: len(children(serve.pid)) == args.web_workers, 30, "the gunicorn workers")
        processes = {f"serve master {serve.pid}": serve.pid, f"oncall worker {worker.pid}": worker.pid,
                     **{f"gunicorn worker {pid}": pid for pid in children(serve.pid)}}
        rss_start = {name: rss_mib(pid) for name, pid in processes.items()}

        rec, open_ids, seen, seen_lock = Recorder(), deque(), set(), threading.Lock()
        clients = [Client(n, base_url, world, 0, rec, open_ids, seen, seen_lock) for n in range(args.clients)]
        for c in clients:
            c.sign_in()
        started = time.monotonic()
        for c in clients:
            c.stop_at = started + args.seconds
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - started
        at_stop = backlog(base_url)
        drain_started = time.monotonic()
        drained = False
        while time.monotonic() - drain_started < args.drain:
            figures = backlog(base_url)
            if figures["oncall_engine_due_incidents"] == 0 and figures["oncall_outbox_due"] == 0:
                drained = True
                break
            time.sleep(0.5)
        drain_seconds = time.monotonic() - drain_started
        after_drain = backlog(base_url)
        rss_end = {name: rss_mib(pid) for name, pid in processes.items()}
        parent.send("counts")
        wire = parent.recv()
        db = make_engine(url)
        from oncall.store.models import Incident, Notification

        with db.connect() as conn:
            incidents = dict(conn.execute(select(Incident.status, func.count()).group_by(Incident.status)).all())
            notes = conn.execute(select(Notification.channel, Notification.kind, Notification.status, func.count())
                                 .group_by(Notification.channel, Notification.kind, Notification.status)).all()
        db.dispose()
    finally:
        stop(worker)
        stop(serve)
        parent.send("stop")
        fakes.join(10)

    total = sum(len(v) for v in rec.latency.values())
    print(f"oncall load: {args.seconds:.0f} s, {args.clients} clients, oncall serve --workers {args.web_workers} "
          f"--threads {args.threads} + 1 oncall worker, tick {args.tick} s, PostgreSQL {make_url(url).database}, "
          f"{os.cpu_count()} CPUs (load average before: {os.getloadavg()[0]:.1f})")
    print(f"\n{total:,} requests in {elapsed:.1f} s = {total / elapsed:,.0f} requests/s\n")
    print(f"{'endpoint':<44}{'count':>8}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}  non-2xx")
    for name in sorted(rec.latency):
        values = rec.latency[name]
        bad = {k: v for k, v in rec.status[name].items() if not (isinstance(k, int) and 200 <= k < 300)}
        print(f"{name:<44}{len(values):>8}{len(values) / elapsed:>8.1f}{percentile(values, 50) * 1000:>9.1f}"
              f"{percentile(values, 99) * 1000:>9.1f}  {dict(bad) or '-'}")
    for failure in rec.failures:
        print(f"  no answer: {failure}")
    print(f"\n{'process':<28}{'RSS start MiB':>14}{'RSS end MiB':>13}")
    for name in processes:
        print(f"{name:<28}{rss_start[name] or float('nan'):>14.1f}{rss_end[name] or float('nan'):>13.1f}")
    print(f"\nbacklog when the load stopped: {at_stop['oncall_engine_due_incidents']:.0f} due incidents, "
          f"{at_stop['oncall_outbox_due']:.0f} due notifications")
    print(f"backlog after {'draining for' if drained else 'NOT drained within'} {drain_seconds:.1f} s: "
          f"{after_drain['oncall_engine_due_incidents']:.0f} due incidents, "
          f"{after_drain['oncall_outbox_due']:.0f} due notifications")
    print(f"incidents: {incidents}")
    print("notifications: " + ", ".join(f"{c}/{k}/{s}={n}" for c, k, s, n in sorted(notes)))
    sent = {channel: sum(n for c, _, status, n in notes if c == channel and status in ("sent", "delivered"))
            for channel in ("pagerduty", "sms")}
    print(f"on the wire: {wire['pagerduty_events']} PagerDuty events accepted ({wire['pagerduty']} requests), "
          f"{wire['sms']} SMS; recorded as sent: {sent['pagerduty']} PagerDuty, {sent['sms']} SMS "
          f"({'no message sent twice' if (wire['pagerduty'], wire['sms']) == (sent['pagerduty'], sent['sms']) else 'MISMATCH'})")
    print(f"logs: {logs}")
    if not drained:
        raise SystemExit(1)


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    main()
