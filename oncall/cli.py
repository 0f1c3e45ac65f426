"""The ``oncall`` command line."""
from __future__ import annotations

import logging
import sys

import click
from sqlmodel import Session

from oncall.config import from_env


def _session() -> Session:
    from oncall.store.db import make_engine

    return Session(make_engine(from_env().database_url), expire_on_commit=False)


@click.group(help="On-call alerting and escalation scheduler. Every command reads ONCALL_* variables.")
@click.option("--log-level", default="INFO", show_default=True)
def main(log_level: str) -> None:
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("apscheduler", "alembic.runtime.plugins"):  # a line per tick / per plugin helps nobody
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))


@main.command(help="Run the web service (production WSGI server) and the engine tick.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="web worker processes")
@click.option("--threads", default=4, show_default=True, type=int, help="threads per worker")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    from oncall.server import run

    run(host=host, port=port, workers=workers, threads=threads)


@main.command(help="Run the engine tick only (no web server).")
def worker() -> None:
    from oncall.server import run_worker

    run_worker()


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or upgrade the schema to the latest revision.")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    from oncall.store.migrate import upgrade

    upgrade(from_env().database_url, revision)
    click.echo(f"database at revision {revision}")


@main.group(help="API tokens.")
def token() -> None:
    pass


@token.command("create", help="Create an API token; prints it as the last line (shown once).")
@click.option("--name", required=True)
def token_create(name: str) -> None:
    from oncall.services import tokens

    with _session() as session:
        issued = tokens.create(session=session, name=name, actor="cli")
    click.echo(f"created token {issued.id} ({name}); it is shown only once:")
    click.echo(issued.token)


@main.group(help="Users.")
def user() -> None:
    pass


@user.command("create", help="Create a person who can sign in to the web UI.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "manager", "analyst"]), default="admin", show_default=True)
@click.option("--phone", default=None)
@click.option("--timezone", "tz", default="UTC", show_default=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_create(email: str, name: str, role: str, phone: str | None, tz: str, password_stdin: bool) -> None:
    from pydantic import ValidationError

    from oncall.schemas.people import UserCreate
    from oncall.services import users
    from oncall.services.errors import ServiceError

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        data = UserCreate(email=email, name=name, role=role, phone=phone, timezone=tz)
        with _session() as session:
            created = users.create(session=session, data=data, actor="cli", password=password)
    except ValidationError as exc:
        raise click.UsageError("; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())) from None
    except ServiceError as exc:
        raise click.UsageError(exc.message) from None
    click.echo(f"created user {created.id} <{created.email}> ({created.role})")


@main.group(help="The audit log.")
def audit() -> None:
    pass


@audit.command("verify", help="Verify the audit hash chain; exit 1 naming the first broken entry.")
def audit_verify() -> None:
    from oncall.services import audit as audit_service

    with _session() as session:
        result = audit_service.verify(session)
    if result.ok:
        click.echo(f"ok: {result.entries} entries")
        return
    where = "the end of the chain" if result.first_broken_id is None else f"entry {result.first_broken_id}"
    click.echo(f"broken at {where}: {result.reason} ({result.entries} entries verified before it)", err=True)
    sys.exit(1)


@main.command(help="Load a demo team, users, rotation, business hours, policy and integration.")
def demo() -> None:
    from oncall.demo import load
    from oncall.services.secrets import stored_secret_key

    settings = from_env()
    with _session() as session:
        secret_key = settings.secret_key or stored_secret_key(session)
        for line in load(session=session, base_url=settings.base_url, secret_key=secret_key):
            click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
