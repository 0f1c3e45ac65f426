"""Ticketing connectors: the ServiceNow, Jira and TheHive APIs, read by the poller, written by write-back.

``build(source, base_url=…, auth=…, project=…)`` gives the connector for an integration's
source; use it as a context manager (it holds an HTTP session). ``auth`` is
``{"type": "basic", "username", "password"}`` or ``{"type": "token", "token"}``.
"""
from __future__ import annotations

from oncall.connectors.base import Connector, ConnectorError, Ticket
from oncall.connectors.jira import Jira
from oncall.connectors.servicenow import ServiceNow
from oncall.connectors.thehive import TheHive

CONNECTORS = {c.source: c for c in (ServiceNow, Jira, TheHive)}
SOURCES = tuple(CONNECTORS)


def build(source: str, *, base_url: str, auth: dict, project: str | None = None) -> Connector:
    """The connector for ``source``; KeyError for a source without one."""
    return CONNECTORS[source](base_url=base_url, auth=auth, project=project)


__all__ = ["Connector", "ConnectorError", "SOURCES", "Ticket", "build"]
