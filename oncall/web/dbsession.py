"""One database session per request, closed when the request ends."""
from flask import current_app, g, request
from sqlmodel import Session

from oncall.store.db import reader


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def get_session() -> Session:
    """The request's session; a GET reads without taking SQLite's write lock."""
    if "db_session" not in g:
        engine = current_app.extensions["oncall.engine"]
        g.db_session = Session(reader(engine) if request.method in READ_METHODS else engine,
                               expire_on_commit=False)
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
