"""Fake provider servers (PagerDuty, Twilio) for tests and benchmarks."""

from .pagerduty import FakePagerDuty
from .twilio import FakeTwilio

__all__ = ["FakePagerDuty", "FakeTwilio"]
