"""The import rules of docs/architecture.md, and the single clock."""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "oncall"

ALLOWED = {
    "clock": set(),
    "config": set(),
    "metrics": set(),
    "schedule": {"schedule"},
    "ingest": {"ingest"},
    "store": {"store", "clock", "config"},
    "schemas": {"schemas", "schedule"},
    "notifiers": {"notifiers", "config"},
    "connectors": {"connectors", "ingest", "notifiers"},
    "services": {"services", "clock", "config", "schedule", "ingest", "store", "schemas", "notifiers",
                 "connectors"},
    "engine": {"engine", "services", "clock", "config", "schedule", "ingest", "store", "schemas", "notifiers",
               "connectors", "metrics"},
    "web": {"web", "services", "schemas", "engine", "ingest", "store", "config", "clock", "metrics"},
}
PURE = {"schedule", "ingest"}
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("time", "time"), ("time", "monotonic"),
               ("date", "today"), ("datetime", "today"), ("time", "perf_counter")}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield path, parts[0] if parts[0] != "__init__" else "", ast.parse(path.read_text())


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("path, package, tree", list(_modules()), ids=lambda v: str(v)[-40:] if isinstance(v, Path) else "")
def test_import_rules(path, package, tree):
    if package not in ALLOWED:
        return  # composition modules (app, cli, server, demo) may import anything
    for name in _imports(tree):
        top = name.split(".")
        if top[0] == "oncall" and len(top) > 1:
            assert top[1] in ALLOWED[package], f"{path.name}: {package} may not import {name}"
        elif package in PURE:
            assert top[0] in sys.stdlib_module_names, f"{path.name}: pure core imports {name}"


def test_web_blueprints_do_not_import_each_other():
    for path in (ROOT / "web").rglob("*.py"):
        for name in _imports(ast.parse(path.read_text())):
            if name.startswith("oncall.web.ui") and "ui" not in path.parts:
                pytest.fail(f"{path} imports the UI blueprint {name}")


def test_only_the_clock_module_reads_the_time():
    offenders = []
    for path, _, tree in _modules():
        if path.name == "clock.py" and path.parent == ROOT:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
                if (owner_name, node.func.attr) in CLOCK_READS:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
