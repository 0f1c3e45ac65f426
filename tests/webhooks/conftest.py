"""Webhook tests use the story harness (real app, fake providers, frozen clock)."""
from tests.engine.conftest import h, make_harness  # noqa: F401
