"""Ingest assets for the task family: the task register and monthly progress reports."""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.inbox import ingest_family

TASK_TABLES = ("register", "register_agencies", "plan_item", "plan_item_agencies",
               "progress_report")


@multi_asset(
    specs=[
        AssetSpec(
            AssetKey(["tasks", table]),
            group_name="ingest",
            description=description,
            kinds={"parquet"},
        )
        for table, description in (
            ("register", "Task register rows, one per task per received register file."),
            ("register_agencies", "Agencies named in register rows (lead / coordinating)."),
            ("plan_item", "Task rows of plan documents sent as tables (no codes yet)."),
            ("plan_item_agencies", "Agencies named in plan rows (lead / coordinating)."),
            ("progress_report", "Progress-report rows, one per task per report file."),
        )
    ],
    can_subset=False,
)
def task_submissions(context: AssetExecutionContext, nq57: Nq57Settings):
    """Archive every new task file in the inbox and land its valid rows as Parquet.

    Rows that break the contract go to the quarantine with file, sheet, row, column, value
    and rule; the rest of the file still loads. Re-running on the same files is a no-op.
    """
    home = nq57.home_dir()
    inbox = nq57.inbox_dir()
    context.log.info(f"Ingesting task submissions from {inbox}")
    summary = ingest_family(home, inbox, "tasks", log=context.log.info)
    for submission in summary.rejected[:20]:
        first = submission.errors[0] if submission.errors else None
        if first is not None:
            context.log.warning(
                f"{submission.path.name}: {len(submission.errors)} problem(s), first: "
                f"sheet {first.sheet} row {first.row} column {first.column}: {first.message_en}"
            )
    common = {
        "files_seen": summary.files_seen,
        "files_new": summary.files_new,
        "files_already_landed": summary.files_already_landed,
        "files_rejected": summary.files_rejected,
        "rows_quarantined": summary.rows_quarantined,
        "inbox": str(inbox),
    }
    for table in TASK_TABLES:
        yield MaterializeResult(
            asset_key=AssetKey(["tasks", table]),
            metadata={**common, "rows_landed": summary.rows_landed.get(table, 0)},
        )
