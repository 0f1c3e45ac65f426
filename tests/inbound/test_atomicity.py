"""Nothing lost, nothing half-done: a database failure mid-ingest is a 503 with Retry-After and no rows."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from oncall.app import create_app
from oncall.services import tokens
from oncall.store.db import make_engine
from oncall.store.models import AuditEntry, Incident
from tests.conftest import TEST_SECRET, Api
from tests.factories import Factories
from tests.inbound.conftest import Inbound, count, counts
from tests.inbound.proxy import TcpProxy

NOTHING = {"incident": 0, "inbound_event": 0, "timeline_entry": 0}


@contextmanager
def failing(engine, when: str):
    """Make the database fail, as a lost connection would, at one point of the ingest transaction.

    ``when`` is the start of a SQL statement (``INSERT INTO inbound_event``), or ``commit``: the
    COMMIT of the transaction that wrote (read-only transactions before it commit normally).
    """
    seen, wrote = [], []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            wrote.append(statement)
        if when != "commit" and statement.lstrip().upper().startswith(when.upper()):
            seen.append(statement)
            raise OperationalError(statement, parameters, ConnectionError("server closed the connection"))

    def on_commit(conn):
        if not wrote:
            return
        # The COMMIT fails and the server has rolled the transaction back (as when the connection drops).
        seen.append("COMMIT")
        wrote.clear()
        conn.connection.dbapi_connection.rollback()
        raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        event.remove(engine, "commit", on_commit)


def _assert_503(response):
    assert response.status_code == 503, response.get_json()
    assert response.headers.get("Retry-After", "").isdigit()
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"] == "database_unavailable"


FAILURE_POINTS = ["INSERT INTO incident", "INSERT INTO timeline_entry", "INSERT INTO inbound_event", "commit"]


@pytest.mark.parametrize("when", FAILURE_POINTS)
@pytest.mark.parametrize("source", ["generic", "events_v2"])
def test_a_failure_while_opening_an_incident_is_503_and_leaves_no_rows(inbound, engine, session, payload,
                                                                       source, when):
    hook = inbound.integration(source)
    trigger = payload(source, "trigger")
    with failing(engine, when) as seen:
        _assert_503(hook.send(trigger))
    assert seen, f"the ingest never reached {when}"
    assert counts(session) == NOTHING
    # The sender retries: exactly one incident, nothing left over that blocks or doubles it.
    assert hook.send(trigger).status_code == 202
    assert counts(session) == {"incident": 1, "inbound_event": 1, "timeline_entry": 1}


def test_a_failure_after_the_incident_row_was_flushed_rolls_it_back(inbound, engine, session, payload, monkeypatch):
    """The incident INSERT went through inside the transaction; the commit then fails."""
    hook = inbound.integration("generic")
    flushed = []
    from oncall.services import ingest

    original = ingest._open_incident

    def spy(session_, *args, **kwargs):
        incident = original(session_, *args, **kwargs)
        flushed.append(incident.id)
        assert session_.execute(select(Incident.id)).scalars().all() == [incident.id]  # visible in the transaction
        return incident

    monkeypatch.setattr(ingest, "_open_incident", spy)
    with failing(engine, "commit"):
        _assert_503(hook.send(payload("generic", "trigger")))
    assert flushed and flushed[0] is not None
    assert counts(session) == NOTHING


@pytest.mark.parametrize("when", ["INSERT INTO timeline_entry", "INSERT INTO inbound_event", "commit"])
def test_a_failure_while_appending_a_duplicate_changes_nothing(inbound, engine, session, payload, when):
    hook = inbound.integration("generic")
    assert hook.send(payload("generic", "trigger")).status_code == 202
    before = counts(session)
    with failing(engine, when):
        _assert_503(hook.send(payload("generic", "trigger")))
    assert counts(session) == before


@pytest.mark.parametrize("when", ["UPDATE incident", "INSERT INTO timeline_entry", "INSERT INTO audit_entry",
                                  "INSERT INTO inbound_event", "commit"])
def test_a_failure_while_resolving_leaves_the_incident_open(inbound, engine, session, payload, when):
    hook = inbound.integration("generic")
    assert hook.send(payload("generic", "trigger")).status_code == 202
    before, audits = counts(session), count(session, AuditEntry)
    with failing(engine, when) as seen:
        _assert_503(hook.send(payload("generic", "resolve")))
    assert seen
    assert counts(session) == before and count(session, AuditEntry) == audits
    assert [i["status"] for i in inbound.incidents()] == ["triggered"]
    assert hook.send(payload("generic", "resolve")).status_code == 202
    assert [i["status"] for i in inbound.incidents()] == ["resolved"]


def test_a_failure_in_a_multi_event_delivery_stores_none_of_it(inbound, engine, session, payload):
    """Alertmanager sends several alerts at once: all of them are stored, or none."""
    hook = inbound.integration("alertmanager", min_severity="medium")
    inserts = []

    def second_incident_fails(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO incident"):
            inserts.append(statement)
            if len(inserts) == 2:
                raise OperationalError(statement, {}, ConnectionError("server closed the connection"))

    event.listen(engine, "before_cursor_execute", second_incident_fails)
    try:
        _assert_503(hook.send(payload("alertmanager", "firing")))
    finally:
        event.remove(engine, "before_cursor_execute", second_incident_fails)
    assert counts(session) == NOTHING


@pytest.mark.parametrize("path", ["/v2/enqueue", "/integrations/0123456789abcdef0123456789abcdef", "/integrations"])
def test_an_unreachable_database_is_503_with_retry_after(tmp_path, path):
    urls = [f"sqlite:///{tmp_path}/missing/dir/oncall.db",
            "postgresql+psycopg://postgres@127.0.0.1:1/oncall?connect_timeout=2"]
    for url in urls:
        app = create_app({"database_url": url, "secret_key": TEST_SECRET, "TESTING": True})
        try:
            response = app.test_client().post(path, json={"routing_key": "0123456789abcdef0123456789abcdef",
                                                          "event_action": "trigger", "id": "T-1"},
                                              headers={"Authorization": "Bearer 0123456789abcdef0123456789abcdef"})
            _assert_503(response)
        finally:
            app.extensions["oncall.engine"].dispose()


# ---- a real outage: PostgreSQL behind a proxy that the test cuts ----------------------------------

POSTGRESQL_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # a network database


@pytest.fixture
def outage(db_url):
    """An app that reaches the test PostgreSQL through a TcpProxy; yields (inbound helper, proxy)."""
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app({"database_url": proxied, "secret_key": TEST_SECRET, "TESTING": True})
    direct = make_engine(db_url)
    with Session(direct, expire_on_commit=False) as session:
        client = app.test_client()
        helper = Inbound(api=Api(client, tokens.create(session=session, name="outage").token), client=client,
                         session=session, make=Factories(session))
        helper.user_id = helper.make.user().id
        helper.team_id, helper.policy_id = helper.team_with_policy()
        yield helper, proxy
    app.extensions["oncall.engine"].dispose()
    direct.dispose()
    proxy.close()


@POSTGRESQL_ONLY
@pytest.mark.parametrize("source", ["events_v2", "generic"])
def test_postgresql_down_before_the_request_is_503_then_recovers(outage, payload, source):
    inbound, proxy = outage
    hook = inbound.integration(source)
    proxy.cut()
    _assert_503(hook.send(payload(source, "trigger")))
    assert counts(inbound.session) == NOTHING
    proxy.restore()
    assert hook.send(payload(source, "trigger")).status_code == 202
    assert counts(inbound.session) == {"incident": 1, "inbound_event": 1, "timeline_entry": 1}


@POSTGRESQL_ONLY
@pytest.mark.parametrize("at", ["INSERT INTO timeline_entry", "INSERT INTO inbound_event"])
def test_postgresql_lost_mid_ingest_is_503_and_the_server_keeps_no_rows(outage, payload, at):
    """The connection dies after the incident INSERT reached the server: PostgreSQL rolls it back."""
    inbound, proxy = outage
    hook = inbound.integration("generic")
    engine = inbound.client.application.extensions["oncall.engine"]
    cuts = []

    def cut_before(conn, cursor, statement, *args):
        if statement.startswith(at) and not cuts:
            cuts.append(statement)
            proxy.cut()

    event.listen(engine, "before_cursor_execute", cut_before)
    try:
        _assert_503(hook.send(payload("generic", "trigger")))
    finally:
        event.remove(engine, "before_cursor_execute", cut_before)
    assert cuts
    assert counts(inbound.session) == NOTHING
    proxy.restore()
    assert hook.send(payload("generic", "trigger")).status_code == 202
    assert counts(inbound.session) == {"incident": 1, "inbound_event": 1, "timeline_entry": 1}
