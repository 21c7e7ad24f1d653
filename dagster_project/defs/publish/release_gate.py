"""The release gate: one asset, downstream of every check, that says if a quarter may publish.

It depends on every asset that carries a check (the dbt models and seeds with their data
tests, and the assets of the GX suites), so in the Dagster UI the graph shows what the gate
waited for. It materialises the audit — rule results against the review log's waivers, the
build's data fingerprint, and the approval of that data (or the demo's auto-approval) — and
its blocking ``publishable`` check stops the scorecard when any of it is missing, or when
the quarter's records (review log, earlier releases, pointer) do not verify. A run it
refuses still leaves its quality annex and Data Docs beside the audit, for the reviewer
(``runs/<run_id>/``; see :mod:`dagster_project.lib.quality.run_records`).
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.defs.partitions import QUARTERS
from dagster_project.defs.resources import Nq57Settings
from dagster_project.defs.transform.dbt import nq57_dbt_models
from dagster_project.lib.home.verify import verify_period
from dagster_project.lib.quality.audit import judge
from dagster_project.lib.quality.gate import load_catalogue
from dagster_project.lib.quality.run_records import write_run_records

RELEASE_GATE = AssetKey("release_gate")
GATED_ASSETS = sorted(
    set(nq57_dbt_models.keys) | {AssetKey(s.asset.split("/")) for s in load_catalogue()},
    key=lambda key: key.to_user_string(),
)


@asset(
    key=RELEASE_GATE,
    partitions_def=QUARTERS,
    deps=GATED_ASSETS,
    group_name="publish",
    kinds={"python"},
    check_specs=[AssetCheckSpec(
        "publishable", asset=RELEASE_GATE, blocking=True,
        description="Every rule ran, no blocking rule failed unless waived, and the data was "
                    "approved / Mọi quy tắc đã chạy, không có lỗi chặn chưa miễn trừ, dữ liệu "
                    "đã được phê duyệt.")],
)
def release_gate(context: AssetExecutionContext, nq57: Nq57Settings) -> MaterializeResult:
    """Judge the run's audit of the quarter; the scorecard is published only if it passes."""
    home = nq57.home_dir()
    records = [finding.line() for finding in verify_period(home, context.partition_key)]
    audit, verdict = judge(home, context.run.run_id, context.partition_key, nq57.auto_approve,
                           record_problems=records)
    context.log.info(f"Release gate {audit.period_key}: {audit.reason()}")
    if not audit.publishable:  # the scorecard will not run: the records are written here
        records = write_run_records(home, context.run.run_id, context.partition_key,
                                    audit=audit)
        context.log.info(f"Quality annex: {records.annex}; Data Docs: {records.data_docs}")
    return MaterializeResult(
        metadata={
            "publishable": audit.publishable,
            "reason": audit.reason(),
            "data_fingerprint": audit.data_fingerprint or "",
            "rules_checked": len(verdict.results),
            "blocking_failed": MetadataValue.json(audit.failed_blocking),
            "waived": MetadataValue.json(audit.waived),
            "warnings": len(audit.warnings),
            "approved_by": (audit.approval or {}).get("by", ""),
            "auto_approved": audit.auto_approved,
        },
        check_results=[AssetCheckResult(
            asset_key=RELEASE_GATE, check_name="publishable", passed=audit.publishable,
            severity=AssetCheckSeverity.ERROR, description=audit.reason(),
        )],
    )
