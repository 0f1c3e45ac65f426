"""Fixtures: every database test runs on SQLite and again on PostgreSQL.

PostgreSQL comes from ``ONCALL_TEST_POSTGRES_URL``; without it the PostgreSQL half is
skipped locally, and fails in CI (``CI=true``), where a skipped half would hide bugs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import make_url, text
from sqlmodel import Session, SQLModel

import oncall.store.models  # noqa: F401
from oncall.app import create_app
from oncall.store.db import make_engine, normalise_url, reader
from oncall.store.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]
TEST_SECRET = "test-secret-key-not-for-production"


def _private_database(base_url: str) -> tuple[str, object]:
    """A database of this test session's own, beside the one named (so parallel runs never collide)."""
    url = make_url(normalise_url(base_url))
    name = f"{url.database}_s{os.getpid()}"
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory):
    """Each backend's URL, upgraded to head once per test session."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'oncall-test.db'}"}
    drop = None
    if os.environ.get("ONCALL_TEST_POSTGRES_URL"):
        urls["postgresql"], drop = _private_database(os.environ["ONCALL_TEST_POSTGRES_URL"])
    for url in urls.values():
        upgrade(url)
    yield urls
    if drop is not None:
        drop()


def _clean(url: str) -> None:
    engine = make_engine(url)
    tables = list(SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, _migrated) -> str:
    """A clean, migrated database: the test runs once per backend."""
    backend = request.param
    if backend not in _migrated:
        message = "PostgreSQL tests need ONCALL_TEST_POSTGRES_URL"
        if os.environ.get("CI"):
            pytest.fail(message + " (a skipped PostgreSQL run is a failure in CI)")
        pytest.skip(message)
    _clean(_migrated[backend])
    return _migrated[backend]


@pytest.fixture
def app(db_url):
    application = create_app({"database_url": db_url, "secret_key": TEST_SECRET, "TESTING": True,
                              "base_url": "http://oncall.test"})
    yield application
    application.extensions["oncall.engine"].dispose()


@pytest.fixture
def engine(app):
    return app.extensions["oncall.engine"]


@pytest.fixture
def session(engine):
    """The test's own session; on SQLite it reads without holding the write lock the app needs."""
    with Session(reader(engine), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Api:
    """A test client that sends the bearer token and JSON."""

    client: object
    token: str

    def _call(self, method: str, path: str, json=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return getattr(self.client, method)(path, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, json=None, **kw):
        return self._call("post", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self._call("put", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self._call("patch", path, json, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


@pytest.fixture
def api(client, session) -> Api:
    from oncall.services import tokens

    return Api(client, tokens.create(session=session, name="tests").token)


@pytest.fixture
def make(session):
    from tests.factories import Factories

    return Factories(session)
