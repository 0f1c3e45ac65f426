"""JSON and CSV exports parsed back and compared with the database and the JSON answers."""
import csv
import io
import json

from sqlalchemy import select

from oncall.services.reports.csvfile import flatten
from oncall.store.models import TimelineEntry
from tests.reports.dataset import PERIOD


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_incident_export_json_has_each_incident_with_its_timeline(api, data, session, frozen):
    body = api.get(f"/api/v1/incidents/export?{PERIOD}").get_json()
    period = [data.incidents[n] for n in (1, 2, 3, 4, 5, 6)]  # #7 was created before the period
    assert [i["id"] for i in body] == period  # oldest first
    first = body[0]
    assert (first["title"], first["acknowledged_at"], first["resolved_at"]) == (
        "Brute force on host web01 from 10.0.0.5", "2026-03-02T03:05:00Z", "2026-03-02T04:00:00Z")
    assert [e["kind"] for e in first["timeline"]] == ["triggered", "acknowledged", "resolved"]
    assert first["timeline"][1]["data"] == {"via": "sms", "user_id": data.alice}
    assert first["details"] == {"fields": {"rule_name": "Brute Force Detected"}}
    paged = api.get(f"/api/v1/incidents/export?{PERIOD}&limit=2&offset=4").get_json()
    assert [i["id"] for i in paged] == period[4:]


def test_incident_export_csv_has_one_row_per_timeline_entry(api, data, session, frozen):
    rows = _csv(api.get(f"/api/v1/incidents/export?{PERIOD}&format=csv"))
    ids = [data.incidents[n] for n in (1, 2, 3, 4, 5, 6)]
    entries = session.execute(select(TimelineEntry).where(TimelineEntry.incident_id.in_(ids))
                              .order_by(TimelineEntry.incident_id, TimelineEntry.id)).scalars().all()
    assert [(int(r["incident_id"]), int(r["entry_id"])) for r in rows] == [(e.incident_id, e.id) for e in entries]
    exported = api.get(f"/api/v1/incidents/export?{PERIOD}").get_json()
    by_entry = {e["id"]: (i, e) for i in exported for e in i["timeline"]}
    for row in rows:
        incident, entry = by_entry[int(row["entry_id"])]
        assert (row["title"], row["severity"], row["created_at"], row["status"]) == (
            incident["title"], incident["severity"], incident["created_at"], incident["status"])
        assert (row["entry_at"], row["entry_kind"], row["entry_actor"], row["entry_message"]) == (
            entry["at"], entry["kind"], entry["actor"], entry["message"])
        assert json.loads(row["entry_data"]) == entry["data"]


def _as_csv_text(record: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in flatten(record).items()}


def test_report_csv_matches_the_json(api, data, frozen):
    summary = api.get(f"/api/v1/reports/summary?{PERIOD}").get_json()
    rows = _csv(api.get(f"/api/v1/reports/summary?{PERIOD}&format=csv"))
    assert [r["label"] for r in rows] == ["all", "SOC", "CERT"]
    blank = dict.fromkeys(rows[0], "")  # a column another row has (e.g. a level nobody here reached)
    assert rows == [{**blank, **_as_csv_text(g)} for g in [summary["total"], *summary["groups"]]]
    assert rows[1]["mtta.median"] == "600.0" and rows[1]["acknowledgements_by_path.sms"] == "1"
    analysts = _csv(api.get(f"/api/v1/reports/analysts?{PERIOD}&format=csv"))
    assert [(r["name"], int(r["sleep_hour_pages"])) for r in analysts] == [("Alice", 1), ("Bob", 2), ("Carol", 0)]


def test_ui_csv_downloads_are_the_same_tables(client, api, data, frozen):
    for name in ("summary", "analysts", "recurring", "trend"):
        ui = client.get(f"/reports/{name}.csv?{PERIOD}")
        assert _csv(ui) == _csv(api.get(f"/api/v1/reports/{name}?{PERIOD}&format=csv")), name
    assert client.get("/reports/nothing.csv").status_code == 404
