"""The fixed dataset, built once per test (and backend), and "now" pinned to its report time."""
import pytest
from freezegun import freeze_time

from tests.reports.dataset import NOW, build


@pytest.fixture
def data(session, make):
    return build(session, make)


@pytest.fixture
def frozen():
    with freeze_time(NOW) as clock:
        yield clock
