"""The audit chain: every change is recorded, and tampering of each kind is caught (API and CLI)."""
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlmodel import Session

from oncall.cli import main
from oncall.services import audit
from oncall.store.models import AuditEntry


@pytest.fixture
def chain(api, make, session):
    """Five entries: users and a team created through the services."""
    alice = make.user(name="Alice")
    make.user(name="Bob")
    make.team(name="SOC", members=[alice.id])
    api.patch(f"/api/v1/users/{alice.id}", json={"name": "Alice B."})
    ids = list(session.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())
    assert len(ids) == 5  # token.create (the api fixture), 2 × user.create, team.create, user.update
    return ids


def _verify(api) -> dict:
    response = api.get("/api/v1/audit/verify")
    assert response.status_code == 200
    return response.get_json()


def _cli(db_url, monkeypatch):
    monkeypatch.setenv("ONCALL_DATABASE_URL", db_url)
    return CliRunner().invoke(main, ["audit", "verify"])


def _tamper(session, sql: str, **params) -> None:
    session.execute(text(sql), params)
    session.commit()


def test_intact_chain_verifies(api, chain, db_url, monkeypatch):
    assert _verify(api) == {"ok": True, "entries": 5, "first_broken_id": None, "last_good_id": chain[-1],
                            "reason": None}
    result = _cli(db_url, monkeypatch)
    assert result.exit_code == 0 and result.output.strip() == "ok: 5 entries"


@pytest.mark.parametrize("column, value", [("after", '{"name": "Mallory"}'), ("actor", "user:999")])
def test_an_edited_entry_is_named(api, chain, session, db_url, monkeypatch, column, value):
    _tamper(session, f"UPDATE audit_entry SET {column} = :value WHERE id = :id", value=value, id=chain[2])
    result = _verify(api)
    assert (result["ok"], result["first_broken_id"], result["entries"]) == (False, chain[2], 2)
    assert "modified" in result["reason"]
    cli = _cli(db_url, monkeypatch)
    assert cli.exit_code == 1 and f"entry {chain[2]}:" in cli.output


def test_a_deleted_middle_entry_breaks_the_next_link(api, chain, session, db_url, monkeypatch):
    _tamper(session, "DELETE FROM audit_entry WHERE id = :id", id=chain[2])
    result = _verify(api)
    assert (result["ok"], result["first_broken_id"], result["last_good_id"]) == (False, chain[3], chain[1])
    assert "link" in result["reason"]
    cli = _cli(db_url, monkeypatch)
    assert cli.exit_code == 1 and f"entry {chain[3]}:" in cli.output


def test_a_deleted_last_entry_is_caught_by_the_head(api, chain, session, db_url, monkeypatch):
    _tamper(session, "DELETE FROM audit_entry WHERE id = :id", id=chain[-1])
    result = _verify(api)
    assert (result["ok"], result["first_broken_id"], result["last_good_id"], result["entries"]) == (
        False, None, chain[-2], 4)
    assert "deleted" in result["reason"]
    cli = _cli(db_url, monkeypatch)
    assert cli.exit_code == 1 and "end of the chain" in cli.output and "deleted" in cli.output


def test_a_well_forged_appended_entry_is_caught_by_the_head(api, chain, session, db_url, monkeypatch):
    last = session.get(AuditEntry, chain[-1])
    forged = AuditEntry(at=last.at, actor="user:1", action="user.delete", object_type="user", object_id="2",
                        prev_hash=last.hash, hash="")
    forged.hash = audit._content_hash(forged)  # a correct link and hash; only the head knows better
    session.add(forged)
    session.commit()
    result = _verify(api)
    assert (result["ok"], result["first_broken_id"]) == (False, forged.id)
    assert "head" in result["reason"]
    cli = _cli(db_url, monkeypatch)
    assert cli.exit_code == 1 and f"entry {forged.id}:" in cli.output


def test_an_entry_inserted_in_the_middle_is_named(api, chain, session, db_url, monkeypatch):
    _tamper(session, "DELETE FROM audit_entry WHERE id = :id", id=chain[2])  # make room for the insert
    before = session.get(AuditEntry, chain[1])
    session.expunge_all()
    inserted = AuditEntry(id=chain[2], at=before.at, actor="test", action="user.create", object_type="user",
                          object_id="9", prev_hash=before.hash, hash="")
    inserted.hash = audit._content_hash(inserted)
    session.add(inserted)
    session.commit()
    result = _verify(api)
    assert (result["ok"], result["first_broken_id"]) == (False, chain[3])  # the next link no longer fits
    assert _cli(db_url, monkeypatch).exit_code == 1


def test_recording_goes_on_from_the_head(api, chain, session):
    """A new entry chains to the head, so a deleted last entry stays detectable afterwards."""
    _tamper(session, "DELETE FROM audit_entry WHERE id = :id", id=chain[-1])
    entry = audit.record(session, actor="test", action="x.y", object_type="x")
    session.commit()
    result = _verify(api)
    assert not result["ok"] and result["first_broken_id"] == entry.id  # SQLite may even reuse the deleted id


def test_concurrent_appends_keep_one_chain(db_url, engine, api):
    """Writers in parallel, each in a fresh session (PostgreSQL: the advisory lock; SQLite: its write lock)."""
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with Session(engine) as session:
                    audit.record(session, actor=f"w{n}", action="test.write", object_type="test", object_id=i)
                    session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = _verify(api)
    assert result["ok"] and result["entries"] == 81  # the api fixture's token.create, then 80


def test_audit_list_filters(api, chain, session):
    everything = api.get("/api/v1/audit").get_json()
    assert [e["id"] for e in everything] == chain[::-1]  # newest first
    assert [e["action"] for e in api.get("/api/v1/audit?action=user.").get_json()] == [
        "user.update", "user.create", "user.create"]
    update = api.get("/api/v1/audit?action=user.update").get_json()[0]
    assert update["before"]["name"] == "Alice" and update["after"]["name"] == "Alice B."
    assert update["actor"].startswith("token:")
    assert len(api.get(f"/api/v1/audit?actor={update['actor']}").get_json()) == 1
    team = api.get("/api/v1/audit?object_type=team").get_json()
    assert [e["action"] for e in team] == ["team.create"]
    assert api.get(f"/api/v1/audit?object_type=user&object_id={update['object_id']}").get_json()[0]["id"] == update["id"]
    page = api.get("/api/v1/audit?limit=2&offset=1").get_json()
    assert [e["id"] for e in page] == chain[::-1][1:3]
    last_at = everything[0]["at"]
    assert api.get(f"/api/v1/audit?since={last_at}").get_json()[0]["id"] == chain[-1]
    assert chain[-1] not in [e["id"] for e in api.get(f"/api/v1/audit?until={last_at}").get_json()]
    total = session.execute(select(func.count()).select_from(AuditEntry)).scalar()
    assert total == 5
