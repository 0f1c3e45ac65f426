"""The story harness as a fixture: ``make_harness(**options)`` (closed after the test)."""
import pytest

from tests.engine.harness import Harness


@pytest.fixture
def make_harness(db_url, monkeypatch):
    made = []

    def make(**options) -> Harness:
        harness = Harness(db_url, monkeypatch, **options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


@pytest.fixture
def h(make_harness) -> Harness:
    return make_harness()
