"""Sign-in throttling: after 5 failures for one e-mail from one address in 15 minutes, wait.

Kept in the process (N processes allow up to N x the attempts); the time comes from
``oncall.clock`` so tests can move it.
"""
from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], list[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: datetime) -> list[datetime]:
        recent = [t for t in self._failures.get(key, []) if t > now - self.window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def retry_after(self, key: tuple[str, str], now: datetime) -> int | None:
        """Seconds until ``key`` may try again; None when it may now."""
        with self._lock:
            recent = self._recent(key, now)
            if len(recent) < self.max_failures:
                return None
            return max(1, math.ceil((recent[-self.max_failures] + self.window - now).total_seconds()))

    def failed(self, key: tuple[str, str], now: datetime) -> None:
        with self._lock:
            self._failures[key] = [*self._recent(key, now), now]
            for stale in [k for k, times in self._failures.items() if times[-1] <= now - self.window]:
                del self._failures[stale]

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
