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
