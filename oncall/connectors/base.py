"""What every ticketing connector offers, and the one error it raises.

A connector talks to one ticketing system's API with one integration's credentials. It
returns tickets as the payloads the webhook parser of the same source accepts, so polled
tickets go through the same parser, dedup and routing as webhooks. It raises
``ConnectorError`` for every failure (network, HTTP status, an answer of the wrong shape);
``retryable`` says whether trying again later may help.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

ERROR_MAX_CHARS = 500
PAGE = 100  # tickets read per poll and query; the next poll goes on from the cursor


class ConnectorError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        self.message = message if len(message) <= ERROR_MAX_CHARS else message[: ERROR_MAX_CHARS - 3] + "..."
        self.retryable = retryable
        super().__init__(self.message)


@dataclass(frozen=True)
class Ticket:
    """A ticket read from the API: its id, its creation instant (UTC) and a webhook-shaped payload."""

    id: str
    created_at: datetime
    payload: dict


class Connector(Protocol):
    source: str

    def new_tickets(self, *, since: datetime, min_severity: str) -> list[Ticket]:
        """Open tickets at or above ``min_severity`` created at or after ``since``, oldest first."""

    def current(self, ticket_ids: list[str]) -> list[dict]:
        """The present state of these tickets as webhook-shaped payloads (to see them resolved)."""

    def add_note(self, ticket_id: str, details: dict, note: str, assignee_email: str | None) -> None:
        """Add ``note`` to the ticket; with ``assignee_email``, also assign it to that person."""

    def close(self) -> None: ...

    def __enter__(self) -> "Connector": ...

    def __exit__(self, *exc) -> None: ...
