"""End to end in a real browser: Debian's Chromium, driven by Playwright, against a real
``oncall serve`` on 127.0.0.1 with its own SQLite file. The tests run in order and build on
each other, like a manager's first evening with the tool; they save the screenshots shown in
the README (docs/screenshots/)."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from oncall.services import ack_tokens

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
SECRET = "browser-test-secret-key"
ADMIN = ("dana@soc.example", "Dana Admin", "a long admin password")
PROVIDER_VARIABLES = ("ONCALL_PAGERDUTY_ROUTING_KEY", "ONCALL_TWILIO_ACCOUNT_SID", "ONCALL_TWILIO_AUTH_TOKEN",
                      "ONCALL_TWILIO_FROM", "ONCALL_PAGERDUTY_API_TOKEN", "ONCALL_DEADMAN_URL")


def _need_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        message = f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message + " (a skipped browser run is a failure in CI)")
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    database_url: str
    log: Path
    found: dict = field(default_factory=dict)  # what one test leaves for the next

    def query(self, sql: str, **params):
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()

    def post_json(self, path: str, body: dict) -> int:
        """POST like a well-behaved sender: a 503 (SQLite busy under the tick) is retried."""
        for attempt in range(3):
            request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    return answer.status
            except urllib.error.HTTPError as exc:
                if exc.code != 503 or attempt == 2:
                    raise
                time.sleep(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_chromium()
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    database_url = f"sqlite:///{folder / 'oncall.db'}"
    env = {key: value for key, value in os.environ.items() if key not in PROVIDER_VARIABLES}
    env.update(ONCALL_DATABASE_URL=database_url, ONCALL_SECRET_KEY=SECRET, ONCALL_TICK_SECONDS="0.5",
               ONCALL_BASE_URL=f"http://127.0.0.1:{port}")

    def cli(*args, stdin=None):
        subprocess.run([sys.executable, "-m", "oncall.cli", *args], env=env, cwd=ROOT, input=stdin, text=True,
                       check=True, capture_output=True, timeout=60)

    cli("db", "upgrade")
    cli("user", "create", "--email", ADMIN[0], "--name", ADMIN[1], "--role", "admin", "--timezone",
        "America/New_York", "--password-stdin", stdin=ADMIN[2] + "\n")
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "oncall.cli", "serve", "--port", str(port)], env=env,
                                   cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"oncall serve did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield Server(base, database_url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=server.base)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def shot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _wait_for(query, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (rows := query()):
        assert time.monotonic() < deadline, "timed out waiting for the engine"
        time.sleep(0.25)
    return rows


def send_form(page, path: str, fill, button: str) -> None:
    """Open ``path``, fill its form and send it, as a person would; again if the server answers
    503 (SQLite busy while the engine ticks: nothing was saved and the page says to retry)."""
    for _ in range(3):
        page.goto(path)
        fill(page)
        page.click(f"button:has-text('{button}')")
        if not page.locator("h1").first.inner_text().startswith("503"):
            return
        time.sleep(1)
    pytest.fail(f"{path}: the server kept answering 503")


def test_sign_in_lands_on_the_dashboard(page, server):
    page.goto("/")
    assert "/login?next=/" in page.url

    def fill(form):
        form.fill("input[name=email]", ADMIN[0])
        form.fill("input[name=password]", ADMIN[2])

    send_form(page, "/login?next=/", fill, "Sign in")
    assert page.url == server.base + "/"
    assert page.locator("h2:has-text('On call now')").is_visible()
    assert page.locator("header").inner_text().count("Dana Admin") == 1


def test_add_people_and_a_team(page):
    for name, email, phone in (("Alice Doe", "alice@soc.example", "+14155550101"),
                               ("Bob Roe", "bob@soc.example", "+14155550102")):
        def person(form, name=name, email=email, phone=phone):
            form.fill("input[name=name]", name)
            form.fill("input[name=email]", email)
            form.fill("input[name=phone]", phone)
            form.fill("input[name=timezone]", "America/New_York")

        send_form(page, "/people/new", person, "Add person")
        assert page.locator(".flash").inner_text().startswith(f"{name} added.")

    def team(form):
        form.fill("input[name=name]", "SOC")
        form.fill("input[name=timezone]", "America/New_York")
        for person in ("Alice Doe", "Bob Roe", "Dana Admin"):
            form.get_by_label(f"{person} is a member").check()
        form.get_by_label("Dana Admin manages the team").check()

    send_form(page, "/teams/new", team, "Create team")
    assert "Team SOC created." in page.locator(".flash").inner_text()


def test_create_a_rotation_and_see_it_on_the_timeline(page, server):
    def rotation(form):
        form.fill("input[name=name]", "SOC primary")
        form.fill("input[name=timezone]", "America/New_York")
        members = form.locator("select[name='layers.0.members']")
        members.nth(0).select_option(label="Alice Doe")
        members.nth(1).select_option(label="Bob Roe")
        form.fill("input[name='layers.0.shift_count']", "2")
        form.select_option("select[name='layers.0.shift_unit']", "days")
        form.fill("input[name='layers.0.handoff']", f"{date.today() - timedelta(days=3)}T09:00")

    send_form(page, "/rotations/new", rotation, "Create rotation")
    assert "Rotation “SOC primary” created." in page.locator(".flash").inner_text()
    chart = page.locator(".rota")
    assert chart.locator(".week").count() == 3
    assert chart.locator(".bar:has-text('Alice Doe')").count() >= 2
    assert chart.locator(".bar:has-text('Bob Roe')").count() >= 2
    assert page.locator(".now").count() == 1
    shot(page, "rotation-timeline")


def test_a_policy_and_the_simulator(page):
    def policy(form):
        form.fill("input[name=name]", "Critical after hours")
        form.locator("select[name='levels.0.targets']").first.select_option(label="SOC primary · SOC")
        form.select_option("select[name='levels.0.channels']", label="PagerDuty, then SMS")
        form.fill("input[name='levels.0.timeout_minutes']", "5")
        form.locator("select[name='levels.1.targets']").first.select_option(label="Dana Admin")
        form.select_option("select[name='levels.1.channels']", label="SMS only")

    send_form(page, "/policies/new", policy, "Create policy")
    assert "Escalation policy “Critical after hours” created." in page.locator(".flash").inner_text()
    page.click("a:has-text('Simulate')")
    page.click("a:has-text('next Saturday 02:14')")
    rows = page.locator("#pages tbody tr")
    assert rows.count() == 2
    assert "02:14" in rows.nth(0).inner_text() and "pagerduty" in rows.nth(0).inner_text()
    assert re.search(r"(Alice Doe|Bob Roe)", rows.nth(0).inner_text())
    assert "Dana Admin" in rows.nth(1).inner_text() and "+5 min" in rows.nth(1).inner_text()
    assert "Outside business hours" in page.locator("#simulation").inner_text()
    shot(page, "simulator")


def test_an_integration_shows_its_key_once(page, server):
    def integration(form):
        form.fill("input[name=name]", "Splunk ES")
        form.select_option("select[name=source]", "events_v2")
        form.select_option("select[name=policy_id]", label="Critical after hours · SOC")

    send_form(page, "/sources/new", integration, "Create integration")
    key = page.locator("#integration-key").inner_text()
    assert len(key) == 32 and key in page.locator("#curl-example").inner_text()
    assert page.locator("#integration-url").inner_text() == server.base + "/v2/enqueue"
    server.found["key"] = key
    shot(page, "integration-created")
    page.click("a:has-text('Done, I have copied it')")
    assert key not in page.content()


def test_acknowledge_through_the_ack_link(browser, page, server):
    event = {"routing_key": server.found["key"], "event_action": "trigger", "dedup_key": "NOTABLE-4711",
             "payload": {"summary": "Ransomware behaviour on FIN-LAPTOP-7", "source": "splunk-es",
                         "severity": "critical"}}
    assert server.post_json("/v2/enqueue", event) == 202
    [(notification_id, incident_id)] = _wait_for(lambda: server.query(
        "SELECT n.id, n.incident_id FROM notification n JOIN incident i ON i.id = n.incident_id "
        "WHERE i.external_id = 'NOTABLE-4711' AND n.kind = 'trigger' ORDER BY n.id LIMIT 1"))

    def confirmation(ack):
        assert ack.locator("h1").inner_text() == "Acknowledge this incident?"
        assert "NOTABLE-4711" in ack.locator(".ticket").inner_text()
        shot(ack, "ack-page")

    phone = browser.new_context(viewport={"width": 390, "height": 760}, is_mobile=True, has_touch=True)
    try:
        ack = phone.new_page()
        send_form(ack, f"{server.base}/ack/{ack_tokens.make(SECRET, notification_id)}", confirmation, "Acknowledge")
        assert ack.locator("h1").inner_text() == "✓ Acknowledged"
        shot(ack, "ack-done")
    finally:
        phone.close()
    page.goto(f"/incidents/{incident_id}")
    assert page.locator(".big-status .status").inner_text().lower() == "acknowledged"
    timeline = page.locator("#timeline").inner_text()
    assert "Level 1 started" in timeline and "via link" in timeline
    assert page.locator("#notifications tbody tr").count() >= 1
    shot(page, "incident-detail")


def test_the_dashboard_with_an_open_incident(page, server):
    event = {"routing_key": server.found["key"], "event_action": "trigger", "dedup_key": "NOTABLE-4712",
             "payload": {"summary": "Impossible travel: j.smith signed in from two continents",
                         "source": "splunk-es", "severity": "critical"}}
    assert server.post_json("/v2/enqueue", event) == 202
    _wait_for(lambda: server.query("SELECT id FROM incident WHERE external_id = 'NOTABLE-4712' AND level = 1"))
    page.goto("/")
    incidents = page.locator("#open-incidents").inner_text()
    assert "1 triggered · 1 acknowledged" in incidents and "NOTABLE-4712" in incidents
    assert page.locator(".team .person").first.inner_text().strip() in ("Alice Doe", "Bob Roe")
    shot(page, "dashboard")
