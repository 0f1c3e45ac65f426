"""The engine records each tick; /readyz reports a stalled engine; /metrics shows backlogs."""
from datetime import timedelta

from freezegun import freeze_time


def test_readyz_reports_a_stalled_engine(app, client):
    engine = app.extensions["oncall.escalation"]
    with freeze_time("2026-12-05T02:00:00Z") as frozen:
        assert client.get("/readyz").get_json()["engine"] == "never_ticked"
        engine.tick()
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.get_json()["engine"] == "ok"
        frozen.tick(timedelta(seconds=3 * 5 + 1))  # three 5 s intervals without a tick
        stalled = client.get("/readyz")
        assert stalled.status_code == 503
        assert stalled.get_json()["engine"] == "stalled"
        engine.tick()
        assert client.get("/readyz").status_code == 200


def test_metrics_expose_engine_and_backlog_figures(app, client):
    app.extensions["oncall.escalation"].tick()
    text = client.get("/metrics").get_data(as_text=True)
    for name in ("oncall_engine_ticks_total", "oncall_engine_tick_seconds", "oncall_engine_due_incidents",
                 "oncall_outbox_due", "oncall_engine_last_tick_age_seconds"):
        assert name in text
