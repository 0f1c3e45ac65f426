"""CSV through the csv module: report rows flattened to columns, written a line at a time."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator, Sequence


def flatten(record: dict, prefix: str = "") -> dict:
    """Nested objects become dotted columns (``mtta.median``); lists become JSON text."""
    flat = {}
    for name, value in record.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{name}."))
        else:
            flat[prefix + name] = json.dumps(value) if isinstance(value, list) else value
    return flat


def lines(rows: Iterable[dict], fields: Sequence[str]) -> Iterator[str]:
    """The header, then one line per row; a row's missing columns stay empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def table(records: list[dict]) -> Iterator[str]:
    """CSV of whole records: every column any of them has, in first-seen order."""
    flat = [flatten(r) for r in records]
    fields = list(dict.fromkeys(name for row in flat for name in row))
    return lines(flat, fields)
