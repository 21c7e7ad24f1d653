"""The dbt project keeps its own rules: every model the gate reads carries a dbt data test,
and every staging model of a landed source names its lineage columns through the macro.

Reads the manifest only; no warehouse is built.
"""

from __future__ import annotations

import inspect
import re

import pytest

from dagster_project.lib.quality import gate
from dagster_project.lib.quality.dbt_rules import read_manifest

# A schema-qualified table in SQL text, not a dotted Python module path (lib.reference.periods).
TABLE = re.compile(r"(?<![.\w])(staging|intermediate|marts|reference)\.([a-z][a-z0-9_]*)\b")
ASSET = re.compile(r"\A(staging|intermediate|marts|reference)/([a-z][a-z0-9_]*)\Z")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return read_manifest()


def models_the_gate_reads() -> set[str]:
    """Models and seeds named by the suites (queries, detail queries, assets) and by the
    gate's own code."""
    texts = [inspect.getsource(gate)]
    names = set()
    for suite in gate.load_catalogue():
        texts += [suite.query, suite.detail_query or ""]
        if match := ASSET.match(suite.asset):
            names.add(match.group(2))
    return names | {name for text in texts for _, name in TABLE.findall(text)}


def untested_gate_models(manifest: dict) -> list[str]:
    """Models and seeds the gate reads with no data test: none attached (a generic test's
    model, not the model a relationships test points to) and no singular test reading it."""
    tested = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test":
            attached = node.get("attached_node")
            tested.update([attached] if attached else node["depends_on"]["nodes"])
    read = models_the_gate_reads()
    return sorted(node["name"] for node_id, node in manifest["nodes"].items()
                  if node["resource_type"] in {"model", "seed"}
                  and node["name"] in read and node_id not in tested)


def test_the_gate_reads_known_models(manifest: dict) -> None:
    read = models_the_gate_reads()
    nodes = {node["name"] for node in manifest["nodes"].values()
             if node["resource_type"] in {"model", "seed"}}
    assert {"int_tasks_registered", "int_reporting_quarters",
            "agg_budget_disbursement", "stg_tasks__register"} <= read
    assert read <= nodes, f"the gate reads tables dbt does not build: {sorted(read - nodes)}"


def test_every_model_the_gate_reads_has_a_data_test(manifest: dict) -> None:
    # A blocking gate rule on a table nobody tests judges data whose key, nulls and
    # values nothing guarantees.
    assert untested_gate_models(manifest) == []


def test_a_gate_model_losing_its_tests_is_reported(manifest: dict) -> None:
    model = "model.nq57.int_tasks_registered"
    kept = {node_id: node for node_id, node in manifest["nodes"].items()
            if node["resource_type"] != "test" or model not in node["depends_on"]["nodes"]}
    assert untested_gate_models({"nodes": kept}) == ["int_tasks_registered"]


def test_every_staging_model_of_a_source_uses_the_lineage_macro(manifest: dict) -> None:
    staged = [node for node in manifest["nodes"].values()
              if node["resource_type"] == "model" and "staging" in node["fqn"]
              and node["sources"]]
    assert len(staged) >= 16
    without = sorted(node["name"] for node in staged
                     if "macro.nq57.lineage_columns" not in node["depends_on"]["macros"])
    assert without == [], f"staging models listing lineage columns by hand: {without}"
