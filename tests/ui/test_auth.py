"""Signing in and out: the form, the landing page, throttling, redirects, cookies."""
from datetime import timedelta

from freezegun import freeze_time

from oncall.services import users
from tests.ui.conftest import PASSWORD, sign_in, ui_app


def test_login_page_has_email_and_password_fields(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert b'name="email"' in page.data and b'name="password"' in page.data
    assert b'type="password"' in page.data


def test_a_good_sign_in_lands_on_the_dashboard(client, people):
    answer = sign_in(client, people.analyst)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert b"On call now" in dashboard.data and b"Ann Analyst" in dashboard.data


def test_email_is_case_insensitive(client, people):
    answer = client.post("/login", data={"email": people.admin.email.upper(), "password": PASSWORD})
    assert answer.status_code == 302


def test_wrong_password_and_unknown_email_say_the_same(client, people):
    wrong = sign_in(client, people.analyst, "not the password at all")
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": PASSWORD})
    for answer in (wrong, unknown):
        assert answer.status_code == 200
        assert b"Wrong e-mail or password." in answer.data
    assert client.get("/").status_code == 302  # still signed out


def test_a_person_without_a_password_cannot_sign_in(client, make):
    paged_only = make.user(name="Pat Paged")
    answer = client.post("/login", data={"email": paged_only.email, "password": ""})
    assert b"Wrong e-mail or password." in answer.data


def test_pages_send_the_signed_out_to_sign_in_and_back(client, people):
    answer = client.get("/rotations?weeks=2")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/login?next=/rotations?weeks%3D2"
    back = client.post("/login", data={"email": people.admin.email, "password": PASSWORD,
                                       "next": "/rotations?weeks=2"})
    assert back.headers["Location"] == "/rotations?weeks=2"


def test_next_never_leaves_the_site(client, people):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        answer = client.post("/login", data={"email": people.admin.email, "password": PASSWORD, "next": target})
        assert answer.headers["Location"] == "/"
        client.post("/logout")


def test_five_failures_lock_that_email_from_that_address_for_15_minutes(client, people):
    with freeze_time("2026-12-05T02:00:00Z") as frozen:
        for _ in range(5):
            assert sign_in(client, people.manager, "wrong password!").status_code == 200
        locked = sign_in(client, people.manager)  # even the right password
        assert locked.status_code == 429
        assert b"Too many failed sign-ins" in locked.data
        assert int(locked.headers["Retry-After"]) <= 15 * 60
        assert sign_in(client, people.analyst).status_code == 302  # another e-mail is not locked
        other_address = client.post("/login", data={"email": people.manager.email, "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert other_address.status_code == 302
        frozen.tick(timedelta(minutes=15, seconds=1))
        assert sign_in(client, people.manager).status_code == 302


def test_a_success_clears_the_failures(client, people):
    with freeze_time("2026-12-05T02:00:00Z"):
        for _ in range(4):
            sign_in(client, people.manager, "wrong password!")
        assert sign_in(client, people.manager).status_code == 302
        client.post("/logout")
        for _ in range(4):
            sign_in(client, people.manager, "wrong password!")
        assert sign_in(client, people.manager).status_code == 302


def test_sign_out_ends_the_session(signed_in):
    client = signed_in("analyst")
    assert client.get("/").status_code == 200
    answer = client.post("/logout")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_a_new_password_signs_other_browsers_out(signed_in, people, session):
    client = signed_in("analyst")
    users.set_password(session=session, user_id=people.analyst.id, password="a brand new password", actor="test")
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, people):
    cookie = sign_in(client, people.admin).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_https(db_url, people):
    app = ui_app(db_url, base_url="https://oncall.example")
    cookie = sign_in(app.test_client(), people.admin).headers["Set-Cookie"]
    assert "Secure" in cookie
    app.extensions["oncall.engine"].dispose()
