"""The small decisions, without a database: backoff, what is unread, severity thresholds, JQL quoting."""
from datetime import datetime, timedelta, timezone

import pytest

from oncall.connectors import Ticket
from oncall.connectors.jira import jql_string
from oncall.connectors.servicenow import highest_priority_number
from oncall.connectors.thehive import lowest_severity_number
from oncall.engine.pollers import moved, retry_delay, unread


def test_backoff_doubles_from_15_seconds_up_to_15_minutes():
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [15, 30, 60, 120, 240, 480, 900, 900]
    assert retry_delay(10_000) == timedelta(minutes=15)


def test_unread_skips_what_the_cursor_already_covers():
    at = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    tickets = [Ticket("A", at - timedelta(seconds=1), {}), Ticket("B", at, {}), Ticket("C", at, {}),
               Ticket("D", at + timedelta(seconds=1), {})]
    assert [t.id for t in unread(tickets, at, ["B"])] == ["C", "D"]


def test_the_cursor_keeps_the_ids_read_at_its_instant():
    at = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    later = at + timedelta(seconds=1)
    assert moved(at, ["B"], Ticket("C", at, {})) == (at, ["B", "C"])
    assert moved(at, ["B", "C"], Ticket("D", later, {})) == (later, ["D"])


@pytest.mark.parametrize("severity, servicenow, thehive", [
    ("critical", 1, 4), ("high", 2, 3), ("medium", 3, 2), ("low", 4, 1), ("info", 5, 1)])
def test_severity_thresholds_in_each_sources_scale(severity, servicenow, thehive):
    assert highest_priority_number(severity) == servicenow
    assert lowest_severity_number(severity) == thehive


def test_jql_strings_are_quoted():
    assert jql_string('SOC "blue" \\ team') == '"SOC \\"blue\\" \\\\ team"'
