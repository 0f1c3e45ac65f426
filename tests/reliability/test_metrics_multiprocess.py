"""/metrics of ``oncall serve --workers 2``: whichever worker answers, the figures are whole.

Without ``PROMETHEUS_MULTIPROC_DIR`` each gunicorn worker counts only what it served, and a
scrape shows one worker's share (it changes from scrape to scrape). With it, every worker
writes to the shared directory and any of them answers for all.
"""
from __future__ import annotations

import re

import pytest
import requests

from oncall.store.migrate import upgrade
from tests.reliability.conftest import base_env

pytestmark = pytest.mark.reliability
REQUESTS = 60


def _healthz_count(text: str) -> float:
    pattern = r'^oncall_http_requests_total\{endpoint="/healthz",method="GET",status="200"\} (\S+)$'
    return sum(float(v) for v in re.findall(pattern, text, re.M))


def test_metrics_add_up_across_gunicorn_workers_in_multiprocess_mode(procs, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'oncall.db'}"
    upgrade(db_url)
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"left over from a previous run")
    serve, url = procs.serve(base_env(ONCALL_DATABASE_URL=db_url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)),
                             workers=2, threads=2)
    assert not (metrics_dir / "counter_99999.db").exists(), "the previous run's files were not cleared"
    assert len(serve.children()) == 2
    for _ in range(REQUESTS):  # a new connection each time: spread over both workers
        assert requests.get(url + "/healthz", timeout=5, headers={"Connection": "close"}).status_code == 200
    scrapes = [requests.get(url + "/metrics", timeout=5, headers={"Connection": "close"}) for _ in range(6)]
    counts = {_healthz_count(s.text) for s in scrapes}
    # the wait for /healthz at start-up adds a request or two; every scrape sees the same total
    assert len(counts) == 1, counts
    [count] = counts
    assert REQUESTS <= count <= REQUESTS + 5, count
    assert "oncall_outbox_due 0.0" in scrapes[0].text, scrapes[0].text[:3000]  # the gauges read from the database are there too
    assert {p.name.split("_")[0] for p in metrics_dir.glob("*.db")} >= {"counter", "histogram"}
