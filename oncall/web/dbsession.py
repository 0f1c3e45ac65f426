"""One database session per request, closed when the request ends."""
from flask import current_app, g
from sqlmodel import Session

from oncall.store.db import reader


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["oncall.engine"], expire_on_commit=False)
    return g.db_session


def reader_session() -> Session:
    """A session of its own for read-only work such as reports: on SQLite it takes no write
    lock, so a long report never holds up ingest or the engine. The caller closes it."""
    return Session(reader(current_app.extensions["oncall.engine"]), expire_on_commit=False)


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app) -> None:
    app.teardown_appcontext(close_session)
