"""The inbox asset: every new file read once, archived, and landed by the family it belongs to.

The source contracts name each family's tables and describe them (``lib.ingest.landed``); this
asset materialises all of them in one pass, plus the two tables every family writes to: one
record per received file and the quarantine of problems found in it.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import IngestSummary, ingest_inbox
from dagster_project.lib.ingest.landed import landed_tables
from dagster_project.lib.text.terminal import printable

FAMILY_SPECS = [
    AssetSpec(AssetKey([table.family, table.name]), group_name="ingest", kinds={"parquet"},
              description=table.description)
    for table in landed_tables().values()
]
SUBMISSION = AssetKey(["ingest", "submission"])
QUARANTINE = AssetKey(["ingest", "quarantine"])


@multi_asset(
    specs=[
        *FAMILY_SPECS,
        AssetSpec(SUBMISSION, group_name="ingest", kinds={"parquet"},
                  description="One record per received file: sender, period, rows, verdict."),
        AssetSpec(QUARANTINE, group_name="ingest", kinds={"parquet"},
                  description="Every problem found in a received file, with its location."),
    ],
    can_subset=False,
)
def inbox_submissions(context: AssetExecutionContext, nq57: Nq57Settings):
    """Archive every new file in the inbox and land its valid rows as Parquet.

    Rows that break their contract go to the quarantine with file, sheet, row, column, value
    and rule; the rest of the file still loads. Re-running on the same files is a no-op.
    """
    home, inbox = nq57.home_dir(), nq57.inbox_dir()
    context.log.info(f"Ingesting submissions from {inbox}")
    summary = ingest_inbox(home, inbox, log=context.log.info)
    _log_rejections(context, summary)
    common = {"files_new": summary.files_new, "inbox": str(inbox)}
    for spec in FAMILY_SPECS:
        landed = summary.rows_landed.get(spec.key.path[-1], 0)
        yield MaterializeResult(asset_key=spec.key, metadata={**common, "rows_landed": landed})
    received, rejected, quarantined, by_rule = _totals(home)
    yield MaterializeResult(asset_key=SUBMISSION, metadata={
        **common, "files_received": received, "files_rejected": rejected,
        "files_already_landed": summary.files_already_landed,
        "files_not_regular": len(summary.not_regular)})
    yield MaterializeResult(asset_key=QUARANTINE, metadata={
        "rows_quarantined": quarantined, "problems_by_rule": by_rule})


def _log_rejections(context: AssetExecutionContext, summary: IngestSummary) -> None:
    """The first problem of each rejected file, so the run log says what went wrong.

    Every entry that is not a regular file gets its own warning: it was not read at all, and
    a link or pipe in the inbox is something an operator must look at. Names and cell text
    are escaped, since a sender chooses them.
    """
    for submission in summary.not_regular:
        problem = submission.problems[0]
        context.log.warning(f"{printable(str(submission.path))}: [{problem.rule}] "
                            f"{printable(problem.message_en)} / {printable(problem.message_vi)}")
    for submission in summary.rejected[:20]:
        if submission.errors:
            first = submission.errors[0]
            context.log.warning(printable(
                f"{submission.path.name}: {len(submission.errors)} problem(s), first: "
                f"sheet {first.sheet} row {first.row} column {first.column}: {first.message_en}"))


def _totals(home: Home) -> tuple[int, int, int, dict[str, int]]:
    """All files received so far, those rejected, rows quarantined, problems by rule."""
    landing = home.landing
    with duckdb.connect() as con:
        files = con.execute(
            "select count(*), count(*) filter (where not accepted), sum(rows_quarantined) "
            "from read_parquet(?, union_by_name = true)",
            [str(landing / "submission" / "*.parquet")]).fetchone()
        by_rule = con.execute(
            "select rule, severity, count(*) from read_parquet(?, union_by_name = true) "
            "group by all order by 3 desc limit 15",
            [str(landing / "quarantine" / "*.parquet")]).fetchall()
    received, rejected, quarantined = (value or 0 for value in files)
    return received, rejected, quarantined, {f"{rule} ({severity})": count
                                             for rule, severity, count in by_rule}
