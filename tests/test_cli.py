"""The ``oncall`` command line, run as a user would run it."""
import re
import subprocess
import sys

import pytest
from freezegun import freeze_time
from click.testing import CliRunner
from sqlmodel import Session

from oncall.cli import main
from oncall.services import tokens, users
from oncall.store.db import make_engine


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    for command in ("serve", "worker", "db", "demo", "token", "user"):
        assert command in result.output


@pytest.fixture
def env(db_url, monkeypatch):
    monkeypatch.setenv("ONCALL_DATABASE_URL", db_url)
    return db_url


def test_token_create_prints_a_working_token_last(env):
    result = CliRunner().invoke(main, ["token", "create", "--name", "splunk"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    engine = make_engine(env)
    with Session(engine) as session:
        assert tokens.authenticate(session=session, token=token).name == "splunk"
        assert token not in str([row for row in session.exec(__import__("sqlmodel").select(tokens.ApiToken))])
    engine.dispose()


def test_user_create_with_password_from_stdin(env):
    result = CliRunner().invoke(main, ["user", "create", "--email", "boss@soc.example", "--name", "Boss",
                                       "--role", "admin", "--password-stdin"],
                                input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    engine = make_engine(env)
    with Session(engine) as session:
        user = users.by_email(session=session, email="boss@soc.example")
        assert user.role == "admin"
        assert users.check_password(user, "correct horse battery")
        assert not users.check_password(user, "wrong")
    engine.dispose()


def test_user_create_rejects_a_bad_email_and_short_password(env):
    bad_email = CliRunner().invoke(main, ["user", "create", "--email", "nope", "--name", "X"])
    assert bad_email.exit_code == 2 and "email" in bad_email.output
    short = CliRunner().invoke(main, ["user", "create", "--email", "a@b.org", "--name", "X",
                                      "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "password" in short.output


def test_demo_prints_a_curl_line_that_pages_and_is_idempotent(env):
    from oncall.app import create_app
    from tests.engine.test_smoke import Recorder

    with freeze_time("2026-12-01T12:00:00Z"):
        first = CliRunner().invoke(main, ["demo"])
        second = CliRunner().invoke(main, ["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "already loaded" in second.output
    sign_in = next(line for line in first.output.splitlines() if line.startswith("sign in at"))
    email, password = sign_in.split(" as ")[1].split(" with password ")[0], sign_in.split("password ")[1].split()[0]
    curl = first.output.strip().splitlines()[-1]
    assert curl.startswith("curl ") and "/v2/enqueue" in curl
    body = curl.split(" -d '", 1)[1].rstrip("'")
    pd, sms = Recorder("pagerduty"), Recorder("sms")
    app = create_app({"database_url": env, "notifiers": {"pagerduty": pd, "sms": sms}})
    with freeze_time("2026-12-05T07:14:00Z"):  # Saturday 02:14 in New York: after hours
        response = app.test_client().post("/v2/enqueue", data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 202, response.get_json()
        app.extensions["oncall.escalation"].tick()
    assert len(pd.sent) == 1 and "Ransomware" in pd.sent[0].summary
    browser = app.test_client()
    form = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)[1]
    login = browser.post("/login", data={"email": email, "password": password, "csrf_token": csrf})
    assert login.status_code == 302 and login.headers["Location"] == "/"
    app.extensions["oncall.engine"].dispose()


def test_db_upgrade_on_a_fresh_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ONCALL_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = subprocess.run([sys.executable, "-m", "oncall.cli", "db", "upgrade"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh.db").exists()
