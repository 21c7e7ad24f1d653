"""The one Definitions object loads and wires the graph from inbox to scorecard."""

from __future__ import annotations

from dagster import AssetKey

from dagster_project.definitions import defs
from dagster_project.defs.transform.dbt import nq57_dbt_models
from dagster_project.lib.gate import load_catalogue


def _graph():
    return defs.get_repository_def().asset_graph


def test_asset_graph_snapshot() -> None:
    keys = {key.to_user_string() for key in _graph().get_all_asset_keys()}
    assert keys == {
        "tasks/register", "tasks/register_agencies", "tasks/progress_report",
        "tasks/plan_item", "tasks/plan_item_agencies", "staging/stg_tasks__plan_items",
        "ingest/submission", "ingest/quarantine",
        "budget/budget_allocation", "budget/budget_disbursement",
        "staging/stg_budget__allocations", "staging/stg_budget__disbursements",
        "intermediate/int_budget_allocation_reconciliation",
        "intermediate/int_budget_allocations_current", "intermediate/int_budget_as_of_dates",
        "intermediate/int_budget_commune_pillars", "intermediate/int_budget_disbursements_current",
        "marts/fct_budget", "marts/agg_budget_disbursement",
        "csdl/csdl_registry", "csdl/csdl_status",
        "staging/stg_csdl__registry", "staging/stg_csdl__status",
        "intermediate/int_csdl_registered", "intermediate/int_csdl_status_latest",
        "marts/fct_csdl_readiness", "marts/agg_csdl_readiness",
        "indicators/indicator", "indicators/indicator_target", "indicators/indicator_actual",
        "staging/stg_indicators__register", "staging/stg_indicators__targets",
        "staging/stg_indicators__actuals", "intermediate/int_indicators_registered",
        "intermediate/int_indicator_targets", "intermediate/int_indicator_actuals",
        "intermediate/int_indicator_progress", "marts/fct_indicator_progress",
        "reference/indicator_status_overrides",
        "public_services/public_service", "public_services/feedback_item",
        "staging/stg_public_services__portal_counts",
        "staging/stg_public_services__feedback_items",
        "intermediate/int_public_service_reports_current",
        "intermediate/int_feedback_items_by_export",
        "marts/fct_public_service", "marts/agg_public_service_rates",
        "marts/fct_feedback_item", "marts/agg_feedback_handling",
        "staging/stg_ingest__submissions", "staging/stg_ingest__problems",
        "intermediate/int_submissions_current",
        "marts/fct_submission", "marts/fct_submission_problem", "marts/agg_agency_reporting",
        "reference/agencies", "reference/agency_aliases",
        "reference/communes", "reference/provinces", "staging/stg_reference__communes",
        "staging/stg_reference__provinces", "marts/dim_commune",
        "reference/agency_groups", "intermediate/int_agency_group_members",
        "intermediate/int_task_leads_expanded",
        "staging/stg_tasks__register", "staging/stg_tasks__register_agencies",
        "staging/stg_tasks__plan_item_agencies",
        "staging/stg_tasks__progress_reports",
        "intermediate/int_agencies_rolled_up", "intermediate/int_tasks_registered",
        "intermediate/int_task_agencies_assigned", "intermediate/int_progress_reports_latest",
        "intermediate/int_reporting_quarters", "intermediate/int_task_quarter_status",
        "intermediate/int_task_reports_unregistered",
        "marts/dim_agency", "marts/fct_task", "marts/bridge_task_agency",
        "marts/fct_task_status", "marts/fct_task_quarter_status", "marts/agg_task_completion",
        "release_gate", "scorecard",
    }


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
