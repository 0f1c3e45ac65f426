"""Fault-injection helpers: private PostgreSQL databases, real processes, a seeded world.

- ``pg_database()`` (fixture ``pg_database``): a new database ``oncall_rel_<pid>_<n>`` on the
  server of ``ONCALL_TEST_POSTGRES_URL``, migrated to head, dropped after the test. The
  suites here start other processes and cut connections, so they never share the suite's
  common test database (which other tests truncate).
- ``Proc`` / fixture ``procs``: ``oncall serve`` and ``oncall worker`` as real subprocesses,
  logs in the test's tmp dir; each is ended by its own PID (SIGTERM, then SIGKILL).
- ``seed()``: users, a team, policies and Events v2 integrations through the API of an
  in-process app, so the world is built the way an operator builds it.
"""
from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import make_url, text
from sqlmodel import Session

from oncall.app import create_app
from oncall.services import tokens
from oncall.store.db import make_engine
from oncall.store.migrate import upgrade
from tests.conftest import Api

_db_seq = itertools.count(1)
SECRET_KEY = "reliability-secret-key-not-for-production"


def postgres_server_url() -> str:
    url = os.environ.get("ONCALL_TEST_POSTGRES_URL")
    if not url:
        message = "reliability tests on PostgreSQL need ONCALL_TEST_POSTGRES_URL"
        if os.environ.get("CI"):
            pytest.fail(message + " (a skipped PostgreSQL run is a failure in CI)")
        pytest.skip(message)
    return url


def _admin_engine(server_url: str):
    return make_engine(make_url(server_url).set(database="postgres").render_as_string(hide_password=False),
                       isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_database():
    """A factory: ``pg_database()`` -> the URL of a new, migrated, private database."""
    server_url = postgres_server_url()
    made: list[str] = []
    admin = _admin_engine(server_url)

    def create() -> str:
        name = f"oncall_rel_{os.getpid()}_{next(_db_seq)}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        return url

    yield create
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(**overrides: str) -> dict[str, str]:
    """The test process's environment without any ONCALL_* setting, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONCALL_")}
    env.update({"ONCALL_SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"})
    env.update({k: str(v) for k, v in overrides.items()})
    return env


@dataclass
class Proc:
    """One ``oncall`` subprocess; ``stop()`` ends it by its PID."""

    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = None

    def start(self) -> "Proc":
        self._log = open(self.log_path, "wb")
        self.popen = subprocess.Popen([sys.executable, "-m", "oncall.cli", "--log-level", "WARNING", *self.args],
                                      env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            os.kill(self.popen.pid, signum)

    def stop(self, timeout: float = 15) -> int | None:
        if self.popen is None:
            return None
        if self.alive():
            os.kill(self.popen.pid, signal.SIGCONT)  # in case a test paused it
            os.kill(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()
        return self.popen.returncode

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def children(self) -> list[int]:
        """PIDs of this process's direct children (gunicorn workers), from /proc."""
        try:
            text_ = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text_.split()]


class Procs:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.started: list[Proc] = []

    def serve(self, env: dict[str, str], *, port: int | None = None, workers: int = 1, threads: int = 4,
              name: str = "serve") -> tuple[Proc, str]:
        port = port or free_port()
        proc = Proc(name, ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                           "--threads", str(threads)], env, self.tmp_path / f"{name}.log").start()
        self.started.append(proc)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(url + "/healthz"), timeout=30, what=f"{name} to answer /healthz",
                   failed=lambda: not proc.alive(), log=proc.log)
        return proc, url

    def worker(self, env: dict[str, str], *, name: str = "worker") -> Proc:
        proc = Proc(name, ["worker"], env, self.tmp_path / f"{name}.log").start()
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self.started):
            proc.stop()


@pytest.fixture
def procs(tmp_path):
    started = Procs(tmp_path)
    yield started
    started.stop_all()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.05, failed=None, log=None):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if failed is not None and failed():
            pytest.fail(f"gave up waiting for {what}: the process exited\n{log() if log else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}" + (f"\n{log()}" if log else ""))
        time.sleep(interval)


# -- the world -----------------------------------------------------------------------------
@dataclass
class World:
    token: str
    users: list[dict] = field(default_factory=list)
    team: dict | None = None
    policies: dict[str, dict] = field(default_factory=dict)
    integrations: dict[str, dict] = field(default_factory=dict)  # channel -> integration (with "key")


def seed(db_url: str, *, channels=("pagerduty",), ack_timeout_seconds: int = 600, levels_per_policy: int = 1) -> World:
    """A team of two, and per channel a policy paging user 1 on that channel and an integration."""
    app = create_app({"database_url": db_url, "secret_key": SECRET_KEY, "TESTING": True})
    try:
        with Session(app.extensions["oncall.engine"]) as s:
            token = tokens.create(session=s, name="reliability").token
        api = Api(app.test_client(), token)
        world = World(token)

        def created(response):
            assert response.status_code == 201, response.get_json()
            return response.get_json()

        for n, name in enumerate(("Alice Analyst", "Bob Backup"), start=1):
            world.users.append(created(api.post("/api/v1/users", json={
                "name": name, "email": f"user{n}@soc.example", "phone": f"+1415555{n:04d}",
                "timezone": "UTC", "pagerduty_user_id": f"PUSER{n}"})))
        world.team = created(api.post("/api/v1/teams", json={"name": "SOC", "timezone": "UTC",
                                                             "members": [u["id"] for u in world.users]}))
        for channel in channels:
            levels = [{"ack_timeout_seconds": ack_timeout_seconds, "channels": [channel],
                       "targets": [{"type": "user", "id": world.users[i % 2]["id"]}]}
                      for i in range(levels_per_policy)]
            world.policies[channel] = created(api.post("/api/v1/escalation-policies", json={
                "team_id": world.team["id"], "name": f"Critical via {channel}", "repeat": 0,
                "page_during_business_hours": True, "levels": levels}))
            world.integrations[channel] = created(api.post("/api/v1/integrations", json={
                "team_id": world.team["id"], "policy_id": world.policies[channel]["id"], "source": "events_v2",
                "name": f"SIEM ({channel})"}))
        return world
    finally:
        app.extensions["oncall.engine"].dispose()


def trigger_body(routing_key: str, dedup_key: str, summary: str | None = None) -> dict:
    return {"routing_key": routing_key, "event_action": "trigger", "dedup_key": dedup_key,
            "payload": {"summary": summary or f"Suspicious login {dedup_key}", "source": "splunk-es",
                        "severity": "critical"}}


@dataclass
class Answer:
    dedup_key: str
    sent: float  # time.monotonic() when the request was sent
    answered: float
    status: int | None  # None: no HTTP answer at all (connection error, timeout)
    retry_after: str | None
    body: object
    error: str | None = None


class IngestLoad:
    """Threads that POST Events v2 triggers to ``base_url`` until stopped (or ``per_thread`` each)."""

    def __init__(self, base_url: str, routing_key: str, *, threads: int = 4, prefix: str = "ev",
                 per_thread: int | None = None, pause: float = 0.0):
        import threading

        self.base_url, self.routing_key, self.prefix = base_url, routing_key, prefix
        self.per_thread, self.pause = per_thread, pause
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def start(self) -> "IngestLoad":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        return self.join()

    def join(self, timeout: float = 60) -> list[Answer]:
        for thread in self._threads:
            thread.join(timeout)
        return self.answers

    def _run(self, n: int) -> None:
        http = requests.Session()
        for i in itertools.count():
            if self._stop.is_set() or (self.per_thread is not None and i >= self.per_thread):
                return
            key = f"{self.prefix}-{n:02d}-{i:05d}"
            sent = time.monotonic()
            try:
                response = http.post(self.base_url + "/v2/enqueue", json=trigger_body(self.routing_key, key),
                                     timeout=15)
                try:
                    body = response.json()
                except ValueError:
                    body = response.text[:500]
                answer = Answer(key, sent, time.monotonic(), response.status_code,
                                response.headers.get("Retry-After"), body)
            except requests.RequestException as exc:
                answer = Answer(key, sent, time.monotonic(), None, None, None, error=repr(exc))
            with self._lock:
                self.answers.append(answer)
            if self.pause:
                time.sleep(self.pause)
