"""Ticketing connectors of integrations: save (credentials encrypted), read, delete, open.

Credentials are encrypted with a key derived from the process secret key as soon as they
arrive; no answer, audit entry or log line carries them again. A connector polls from the
instant it was first saved with ``poll`` on: older tickets are not replayed.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from oncall import connectors
from oncall.schemas.connectors import BasicAuth, ConnectorIn, ConnectorOut, ConnectorStatus
from oncall.services import audit, crypto, integrations
from oncall.services.errors import Invalid, NotFound
from oncall.store.models import Integration, TicketConnector

SETTINGS = ("base_url", "poll", "interval_seconds", "project", "write_back", "assign_on_ack")
STATUS = ("cursor", "last_poll_at", "last_success_at", "last_error", "last_error_at", "consecutive_failures",
          "next_poll_at")


def get(*, session: Session, integration_id: int) -> TicketConnector:
    row = session.get(TicketConnector, integration_id)
    if row is None:
        raise NotFound(f"integration {integration_id} has no connector")
    return row


def to_out(row: TicketConnector, integration: Integration, now: datetime) -> ConnectorOut:
    status = ConnectorStatus(polling=row.lease_until is not None and row.lease_until > now,
                             **{key: getattr(row, key) for key in STATUS})
    return ConnectorOut(integration_id=row.integration_id, source=integration.source, status=status,
                        **{key: getattr(row, key) for key in (*SETTINGS, "auth_type", "updated_at")})


def _snapshot(row: TicketConnector) -> dict:
    return {**{key: getattr(row, key) for key in SETTINGS}, "auth_type": row.auth_type}


def _sealed(data: ConnectorIn, secret_key: str) -> str:
    auth = data.auth
    plain = ({"type": "basic", "username": auth.username, "password": auth.password.get_secret_value()}
             if isinstance(auth, BasicAuth) else {"type": "token", "token": auth.token.get_secret_value()})
    return crypto.encrypt(secret_key, json.dumps(plain))


def put(*, session: Session, integration_id: int, data: ConnectorIn, actor: str, secret_key: str,
        now: datetime) -> TicketConnector:
    """Create or replace the connector; without ``auth`` the stored credentials stay. Polls at once."""
    integration = integrations.get(session=session, integration_id=integration_id)
    if integration.source not in connectors.SOURCES:
        raise Invalid.field("integration_id", f"a {integration.source} integration has no ticketing API connector "
                                              f"(only {', '.join(connectors.SOURCES)})")
    if integration.source == "jira" and data.poll and not data.project:
        raise Invalid.field("project", "required to poll Jira")
    row = session.get(TicketConnector, integration_id)
    if row is None and data.auth is None:
        raise Invalid.field("auth", "required when the connector is first saved")
    before = _snapshot(row) if row else None
    if row is None:
        row = TicketConnector(integration_id=integration_id, base_url=data.base_url, auth_type="", credentials="",
                              created_at=now)
        session.add(row)
    for key in SETTINGS:
        setattr(row, key, getattr(data, key))
    if data.auth is not None:
        row.auth_type, row.credentials = data.auth.type, _sealed(data, secret_key)
    if data.poll and row.cursor is None:
        row.cursor = now
    row.next_poll_at = now if data.poll else None
    row.updated_at = now
    session.flush()
    audit.record(session, actor=actor, action="connector.put", object_type="integration", object_id=integration_id,
                 before=before, after={**_snapshot(row), "credentials_changed": data.auth is not None})
    session.commit()
    return row


def delete(*, session: Session, integration_id: int, actor: str) -> None:
    row = get(session=session, integration_id=integration_id)
    before = _snapshot(row)
    session.delete(row)
    audit.record(session, actor=actor, action="connector.delete", object_type="integration",
                 object_id=integration_id, before=before)
    session.commit()


def open_connector(row: TicketConnector, source: str, secret_key: str) -> connectors.Connector:
    """The API client for this connector, with its decrypted credentials (kept in memory only)."""
    try:
        auth = json.loads(crypto.decrypt(secret_key, row.credentials))
    except ValueError as exc:
        raise connectors.ConnectorError(str(exc), retryable=False) from None
    return connectors.build(source, base_url=row.base_url, auth=auth, project=row.project)
