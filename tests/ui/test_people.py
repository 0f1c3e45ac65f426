"""People, teams and business hours in the UI."""
from datetime import datetime, timezone

from freezegun import freeze_time

from oncall.services import business_hours, teams, users
from tests.ui.conftest import reread
from tests.ui.reading import field_errors

NEW = {"name": "Nia New", "email": "nia@example.com", "phone": "+1 415 555 0199", "timezone": "Europe/Paris",
       "pagerduty_user_id": "PNIA123", "role": "manager", "password": ""}


def test_admin_adds_a_person_with_their_contact_methods(signed_in, session):
    admin = signed_in("admin")
    answer = admin.post("/people/new", data=NEW, follow_redirects=True)
    assert "Nia New added. Without a password they cannot sign in" in answer.get_data(as_text=True)
    nia = users.by_email(session=session, email="nia@example.com")
    assert (nia.phone, nia.timezone, nia.pagerduty_user_id, nia.role) == ("+14155550199", "Europe/Paris",
                                                                          "PNIA123", "manager")
    listing = admin.get("/people").get_data(as_text=True)
    assert "+14155550199" in listing and "PNIA123" in listing


def test_person_errors_are_shown_next_to_the_fields(signed_in, people, session):
    answer = signed_in("admin").post("/people/new", data={**NEW, "email": "not-an-email", "phone": "555",
                                                         "timezone": "Nowhere", "password": "short"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert field_errors(page, "password") == ["must be at least 12 characters"]
    fixed_password = signed_in("admin").post("/people/new", data={**NEW, "email": "not-an-email", "phone": "555",
                                                                 "timezone": "Nowhere"}).get_data(as_text=True)
    assert field_errors(fixed_password, "email") == ["not a valid e-mail address"]
    assert field_errors(fixed_password, "phone") == ["not an E.164 phone number (like +14155550100)"]
    assert field_errors(fixed_password, "timezone") == ["unknown IANA timezone 'Nowhere'"]
    taken = signed_in("admin").post("/people/new", data={**NEW, "email": people.analyst.email})
    assert field_errors(taken.get_data(as_text=True), "email") == ["already used"]


def test_admin_edits_a_person_and_sets_a_password(signed_in, people, client, session):
    admin = signed_in("admin")
    form = admin.get(f"/people/{people.analyst.id}").get_data(as_text=True)
    assert f'value="{people.analyst.email}"' in form and "Leave empty to keep the current one." in form
    answer = admin.post(f"/people/{people.analyst.id}", data={
        "name": "Ann Renamed", "email": people.analyst.email, "phone": "", "timezone": "Asia/Tokyo",
        "pagerduty_user_id": "", "role": "analyst", "password": "a fresh long password"})
    assert answer.status_code == 302
    reread(session)
    ann = users.get(session=session, user_id=people.analyst.id)
    assert (ann.name, ann.phone, ann.timezone) == ("Ann Renamed", None, "Asia/Tokyo")
    assert client.post("/login", data={"email": ann.email, "password": "a fresh long password"}).status_code == 302


def test_an_admin_cannot_demote_themselves(signed_in, people):
    answer = signed_in("admin").post(f"/people/{people.admin.id}", data={
        "name": "Ada", "email": people.admin.email, "timezone": "UTC", "role": "analyst"})
    assert field_errors(answer.get_data(as_text=True), "role") == ["you cannot take away your own admin role"]


def test_admin_creates_and_edits_a_team(signed_in, people, session):
    admin = signed_in("admin")
    created = admin.post("/teams/new", data={"name": "CSIRT", "timezone": "Europe/Berlin",
                                             "members": [people.analyst.id], "managers": [people.manager.id]})
    assert created.status_code == 302
    team = next(t for t in teams.list_(session=session) if t.name == "CSIRT")
    out = teams.to_out(session=session, team=team)
    assert (out.members, out.managers) == ([people.manager.id, people.analyst.id], [people.manager.id])
    edited = admin.post(f"/teams/{team.id}", data={"name": "CSIRT", "timezone": "Nowhere"})
    assert field_errors(edited.get_data(as_text=True), "timezone") == ["unknown IANA timezone 'Nowhere'"]
    duplicate = admin.post("/teams/new", data={"name": "Team A", "timezone": "UTC"})
    assert field_errors(duplicate.get_data(as_text=True), "name") == ["already used"]
    listing = admin.get("/teams").get_data(as_text=True)
    assert "CSIRT" in listing and "Europe/Berlin" in listing and "Business hours" in listing


def test_business_hours_and_holidays(signed_in, people, session):
    with freeze_time("2026-12-02T15:00:00Z"):  # Wednesday 10:00 in New York
        manager = signed_in("manager")
        page = manager.get(f"/teams/{people.team_a.id}/hours").get_data(as_text=True)
        assert "No business hours are set" in page and 'value="09:00"' in page  # a suggestion to start from
        saved = manager.post(f"/teams/{people.team_a.id}/hours", data={
            "timezone": "America/New_York", "windows.0.days": ["mon", "tue", "wed", "thu", "fri"],
            "windows.0.start": "09:00", "windows.0.end": "17:00", "holidays": "2026-12-24\n2026-12-31",
            "holiday_country": "us"}, follow_redirects=True).get_data(as_text=True)
        assert "Business hours of Team A saved." in saved
        assert "inside business hours" in saved and "until Wed 02 Dec 17:00 EST" in saved
    stored = business_hours.get(session=session, team_id=people.team_a.id)
    assert stored.holidays == ["2026-12-24", "2026-12-31"] and stored.holiday_country == "US"
    assert business_hours.check(session=session, team_id=people.team_a.id,
                                at=datetime(2026, 12, 25, 15, tzinfo=timezone.utc)).business_hours is False


def test_business_hours_errors_are_shown_by_the_row(signed_in, people):
    answer = signed_in("manager").post(f"/teams/{people.team_a.id}/hours", data={
        "timezone": "America/New_York", "windows.1.start": "09:00", "windows.1.end": "17:00",
        "holidays": "Christmas", "holiday_country": "XX"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert field_errors(page, "windows.0.start") != []  # the empty first row is reported on its own row
    assert field_errors(page, "windows.1.days") == ["choose at least one"]
    assert field_errors(page, "holidays") == ["'Christmas' is not an ISO date like 2026-12-25"]
    assert field_errors(page, "holiday_country") == ["no holiday calendar for country 'XX'"]


def test_analysts_read_business_hours_without_a_form(signed_in, people):
    page = signed_in("analyst").get(f"/teams/{people.team_a.id}/hours").get_data(as_text=True)
    assert "Save business hours" not in page and "outside business hours" in page
