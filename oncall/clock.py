"""The one place that reads the time.

Everything else receives instants as arguments or calls :func:`now`, so tests can
pin time with freezegun and the pure core never reads a clock at all.
"""
import time
from datetime import datetime, timezone


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def monotonic() -> float:
    """A monotonic reading in seconds, for measuring durations (rate limits, metrics)."""
    return time.monotonic()
