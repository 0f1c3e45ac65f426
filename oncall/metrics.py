"""Prometheus metrics, defined once per process."""
from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("oncall_http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
HTTP_LATENCY = Histogram("oncall_http_request_seconds", "HTTP request latency", ["endpoint"])
INGESTED = Counter("oncall_ingested_events_total", "Inbound events accepted", ["source"])
TICKS = Counter("oncall_engine_ticks_total", "Engine ticks run")
TICK_SECONDS = Histogram("oncall_engine_tick_seconds", "Engine tick duration")
