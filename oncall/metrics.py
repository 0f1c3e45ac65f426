"""Prometheus metrics, defined once per process."""
from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("oncall_http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
HTTP_LATENCY = Histogram("oncall_http_request_seconds", "HTTP request latency", ["endpoint"])
INGESTED = Counter("oncall_ingested_events_total", "Inbound events accepted", ["source"])
TICKS = Counter("oncall_engine_ticks_total", "Engine ticks run")
TICK_SECONDS = Histogram("oncall_engine_tick_seconds", "Engine tick duration")
DUE_BACKLOG = Gauge("oncall_engine_due_incidents", "Incidents whose escalation step is due now")
OUTBOX_BACKLOG = Gauge("oncall_outbox_due", "Notifications due to be sent now")
NOTIFICATIONS = Gauge("oncall_notifications", "Notifications by channel and status", ["channel", "status"])
ENGINE_LAST_TICK_AGE = Gauge("oncall_engine_last_tick_age_seconds", "Seconds since any engine last ticked")
DEADMAN_FAILURES = Counter("oncall_deadman_failures_total", "Dead-man pings that failed")
CONNECTOR_POLLS = Counter("oncall_connector_polls_total", "Ticketing API polls by this process",
                          ["source", "outcome"])
CONNECTOR_TICKETS = Counter("oncall_connector_tickets_total", "New tickets read by the pollers", ["source"])
CONNECTOR_FAILURES = Gauge("oncall_connector_consecutive_failures", "Failed polls in a row, per connector",
                           ["integration_id", "source"])
CONNECTOR_LAST_SUCCESS = Gauge("oncall_connector_last_success_timestamp_seconds",
                               "When a connector last polled successfully (Unix time)", ["integration_id", "source"])
WRITEBACKS = Counter("oncall_connector_writebacks_total", "Notes written back to tickets", ["source", "outcome"])
