"""The one Definitions object loads and wires the graph from inbox to scorecard."""

from __future__ import annotations

from dagster import AssetKey

from dagster_project.definitions import defs
from dagster_project.defs.transform.dbt import nq57_dbt_models
from dagster_project.lib.quality.gate import load_catalogue


def _graph():
    return defs.get_repository_def().asset_graph


def test_ingest_assets_feed_dbt_staging_without_glue() -> None:
    graph = _graph()
    parents = graph.get(AssetKey(["staging", "stg_tasks__register"])).parent_keys
    assert AssetKey(["tasks", "register"]) in parents


def test_every_catalogue_rule_is_a_check_and_blocking_matches_severity() -> None:
    graph = _graph()
    checks = {key.name: key for key in graph.asset_check_keys}
    for suite in load_catalogue():
        for rule in suite.rules:
            key = checks[rule.check_name]
            assert key.asset_key == AssetKey(suite.asset.split("/"))
            assert graph.get_check_spec(key).blocking is rule.blocking


def test_dbt_tests_are_checks_too() -> None:
    names = {key.name for key in _graph().asset_check_keys}
    assert "unique_fct_task_task_id" in names
    assert "relationships_fct_task_lead_agency_id__agency_id__ref_dim_agency_" in names


def test_scorecard_is_quarterly_and_waits_for_the_release_gate() -> None:
    node = _graph().get(AssetKey("scorecard"))
    assert node.partitions_def.get_partition_keys()[:2] == ["2025-Q1", "2025-Q2"]
    assert node.parent_keys == {AssetKey("release_gate")}


def test_release_gate_is_downstream_of_every_checked_asset() -> None:
    graph = _graph()
    gate = graph.get(AssetKey("release_gate"))
    checked = {key.asset_key for key in graph.asset_check_keys} - {AssetKey("release_gate")}
    assert checked <= gate.parent_keys
    (publishable,) = [key for key in graph.asset_check_keys
                      if key.asset_key == AssetKey("release_gate")]
    assert publishable.name == "publishable" and graph.get_check_spec(publishable).blocking


def test_every_suite_is_checked_after_the_warehouse_is_built() -> None:
    # Suites read the run's staging warehouse, so each sits on an asset dbt builds (a landed
    # source is gated through its staging view), never on an ingest asset dbt waits for.
    dbt_keys = set(nq57_dbt_models.keys)
    assert {s.name: s.asset for s in load_catalogue()
            if AssetKey(s.asset.split("/")) not in dbt_keys} == {}
