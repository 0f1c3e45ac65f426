"""The benchmarks' scratch PostgreSQL database: created when missing, emptied, migrated."""
from __future__ import annotations

from sqlalchemy import make_url, text

from oncall.store.db import make_engine, normalise_url
from oncall.store.migrate import upgrade


def fresh_postgres(url: str, *, empty: bool = True, migrate: bool = True) -> str:
    """``url``'s database, created when missing; by default emptied and at the latest revision."""
    url = normalise_url(url)
    parsed = make_url(url)
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).first():
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    if empty:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    if migrate:
        upgrade(url)
    return url
