"""Payload fixtures for the parser tests: ``tests/fixtures/payloads/<source>/<variant>.json``.

Grafana payloads sit in their own folder but are read by the ``alertmanager`` parser.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

PAYLOADS = Path(__file__).resolve().parent.parent / "fixtures" / "payloads"


def read_payload(source: str, variant: str) -> object:
    return json.loads((PAYLOADS / source / f"{variant}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def load_payload():
    """``load_payload(source, variant)`` -> the decoded fixture."""
    return read_payload


@pytest.fixture(scope="session")
def fixture_payloads() -> dict[tuple[str, str], object]:
    """Every fixture, keyed by (folder, variant)."""
    return {(path.parent.name, path.stem): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(PAYLOADS.glob("*/*.json"))}
