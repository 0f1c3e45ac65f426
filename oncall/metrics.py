"""Prometheus metrics, defined once per process.

Several processes (``oncall serve --workers N``): set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty directory shared by them (``oncall serve`` empties it at start), and /metrics then
answers for all of them together (prometheus_client's multiprocess mode, see
:func:`registry`): counters and histograms are summed, and the gauges, which /metrics sets
from the database at scrape time, report the most recent value (``mostrecent``).
"""
import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

HTTP_REQUESTS = Counter("oncall_http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
HTTP_LATENCY = Histogram("oncall_http_request_seconds", "HTTP request latency", ["endpoint"])
INGESTED = Counter("oncall_ingested_events_total", "Inbound events accepted", ["source"])
TICKS = Counter("oncall_engine_ticks_total", "Engine ticks run")
TICK_SECONDS = Histogram("oncall_engine_tick_seconds", "Engine tick duration")
LAST = "mostrecent"  # multiprocess mode of the gauges set from the database at scrape time
DUE_BACKLOG = Gauge("oncall_engine_due_incidents", "Incidents whose escalation step is due now",
                    multiprocess_mode=LAST)
OUTBOX_BACKLOG = Gauge("oncall_outbox_due", "Notifications due to be sent now", multiprocess_mode=LAST)
NOTIFICATIONS = Gauge("oncall_notifications", "Notifications by channel and status", ["channel", "status"],
                      multiprocess_mode=LAST)
ENGINE_LAST_TICK_AGE = Gauge("oncall_engine_last_tick_age_seconds", "Seconds since any engine last ticked",
                             multiprocess_mode=LAST)
DEADMAN_FAILURES = Counter("oncall_deadman_failures_total", "Dead-man pings that failed")
CONNECTOR_POLLS = Counter("oncall_connector_polls_total", "Ticketing API polls by this process",
                          ["source", "outcome"])
CONNECTOR_TICKETS = Counter("oncall_connector_tickets_total", "New tickets read by the pollers", ["source"])
CONNECTOR_FAILURES = Gauge("oncall_connector_consecutive_failures", "Failed polls in a row, per connector",
                           ["integration_id", "source"], multiprocess_mode=LAST)
CONNECTOR_LAST_SUCCESS = Gauge("oncall_connector_last_success_timestamp_seconds",
                               "When a connector last polled successfully (Unix time)", ["integration_id", "source"],
                               multiprocess_mode=LAST)
WRITEBACKS = Counter("oncall_connector_writebacks_total", "Notes written back to tickets", ["source", "outcome"])


def registry() -> CollectorRegistry:
    """What /metrics exposes: this process, or every process sharing the multiprocess directory."""
    if not MULTIPROCESS:
        return REGISTRY
    from prometheus_client import multiprocess

    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    return collected
