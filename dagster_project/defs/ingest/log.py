"""The ingest log: every received file's record and every problem found, across families.

Each family's ingest asset writes one submission record and one quarantine file per received
file (see ``lib.landing``). This asset stands for those two shared tables in the graph, after
every family has run, and reports what the office most often asks first: how many files came
in, how many were rejected, and for which reasons.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from dagster_project.defs.ingest.tasks import TASK_TABLES
from dagster_project.defs.resources import Nq57Settings

FAMILY_TABLES = [AssetKey(["tasks", table]) for table in TASK_TABLES]


@multi_asset(
    specs=[
        AssetSpec(AssetKey(["ingest", "submission"]), group_name="ingest", deps=FAMILY_TABLES,
                  kinds={"parquet"},
                  description="One record per received file: sender, period, rows, verdict."),
        AssetSpec(AssetKey(["ingest", "quarantine"]), group_name="ingest", deps=FAMILY_TABLES,
                  kinds={"parquet"},
                  description="Every problem found in a received file, with its location."),
    ],
    can_subset=False,
)
def ingest_log(context: AssetExecutionContext, nq57: Nq57Settings):
    """Summarise the submission records and the quarantine written by the family assets."""
    landing = nq57.home_dir().landing
    with duckdb.connect() as con:
        files = con.execute(
            "select count(*), count(*) filter (where not accepted), sum(rows_quarantined) "
            "from read_parquet(?, union_by_name = true)",
            [str(landing / "submission" / "*.parquet")],
        ).fetchone()
        by_rule = con.execute(
            "select rule, severity, count(*) from read_parquet(?, union_by_name = true) "
            "group by all order by 3 desc limit 15",
            [str(landing / "quarantine" / "*.parquet")],
        ).fetchall()
    received, rejected, quarantined = (value or 0 for value in files)
    context.log.info(f"{received} files received, {rejected} rejected, "
                     f"{quarantined} rows quarantined")
    yield MaterializeResult(
        asset_key=AssetKey(["ingest", "submission"]),
        metadata={"files_received": received, "files_rejected": rejected},
    )
    yield MaterializeResult(
        asset_key=AssetKey(["ingest", "quarantine"]),
        metadata={
            "rows_quarantined": quarantined,
            "problems_by_rule": {f"{rule} ({severity})": count
                                 for rule, severity, count in by_rule},
        },
    )
