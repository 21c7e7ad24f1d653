"""The Dagster asset graph matches its committed snapshot: keys, dependency edges and checks.

`tests/snapshots/asset_graph.json` is the graph as reviewed. A change to an ingest family, a
dbt model, a test or a gate suite changes the graph; the test then lists what was added and
removed, and the snapshot is updated on purpose, in the same commit:

    NQ57_UPDATE_SNAPSHOT=1 pytest tests/test_asset_graph.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster_project.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"
UPDATE = "NQ57_UPDATE_SNAPSHOT=1 pytest tests/test_asset_graph.py"


def current_graph() -> dict[str, dict[str, list[str]]]:
    """Every asset key with its parents and the names of its checks, sorted."""
    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key.to_user_string(), []).append(check.name)
    return {
        key.to_user_string(): {
            "parents": sorted(parent.to_user_string() for parent in graph.get(key).parent_keys),
            "checks": sorted(checks.get(key.to_user_string(), [])),
        }
        for key in sorted(graph.get_all_asset_keys(), key=lambda key: key.to_user_string())
    }


def _flatten(graph: dict[str, dict[str, list[str]]]) -> dict[str, set[str]]:
    nodes = graph.items()
    return {
        "asset keys": set(graph),
        "edges": {f"{parent} -> {key}" for key, node in nodes for parent in node["parents"]},
        "checks": {f"{key}: {name}" for key, node in nodes for name in node["checks"]},
    }


def describe_difference(expected: dict, actual: dict) -> str:
    """What was added and removed, by kind, one item a line."""
    lines = []
    before, after = _flatten(expected), _flatten(actual)
    for kind in before:
        for sign, items in (("+", after[kind] - before[kind]), ("-", before[kind] - after[kind])):
            lines += [f"  {sign} {kind[:-1] if kind != 'asset keys' else 'asset key'}: {item}"
                      for item in sorted(items)]
    return "\n".join(lines)


def test_asset_graph_matches_snapshot() -> None:
    actual = current_graph()
    text = json.dumps(actual, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("NQ57_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
    assert actual == expected, (
        "the asset graph differs from tests/snapshots/asset_graph.json (+ added, - removed):\n"
        f"{describe_difference(expected, actual)}\n"
        f"If the change is intended, update the snapshot with `{UPDATE}` and commit it.")


def test_difference_names_what_changed() -> None:
    before = {"a": {"parents": [], "checks": ["c1"]}, "b": {"parents": ["a"], "checks": []}}
    after = {"a": {"parents": [], "checks": ["c2"]}, "c": {"parents": ["a"], "checks": []}}
    assert describe_difference(before, after).splitlines() == [
        "  + asset key: c", "  - asset key: b",
        "  + edge: a -> c", "  - edge: a -> b",
        "  + check: a: c2", "  - check: a: c1",
    ]
