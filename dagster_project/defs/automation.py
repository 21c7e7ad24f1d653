"""What runs by itself: the inbox sensor, the monthly chase list and the quarterly review.

The inbox sensor starts the monthly job when new files arrive. On the 26th of each month
(reports are due by the 25th) a schedule writes ``NQ57_HOME/chase/<month>.xlsx``: which
bodies to chase for the month just due and what is missing. On the 26th after a quarter
ends, a schedule runs the monthly job for that quarter: it builds and audits it, and the
quarter then awaits a reviewer's approval (``nq57 review``, ``nq57 approve``).

A new file is new bytes: the sensor looks at the SHA-256 of every inbox file not landed
yet, so a renamed or copied file triggers nothing, and each new set of files triggers one
run per quarter they report on. The quarter is read from each file's title block in the
isolated reader workers (a hostile file cannot harm the sensor); a file that names no month
(a register, an export, a file that cannot be read) goes with the latest quarter of the
others, else the latest quarter already landed. The cursor, which Dagster keeps, is the set
of SHA-256s already requested; run keys make a repeated request a no-op.
"""

# No `from __future__ import annotations`: Dagster reads the ops' annotations (config, resources).

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from dagster import (
    Config,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    OpExecutionContext,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    job,
    op,
    schedule,
    sensor,
)

from dagster_project.defs.partitions import QUARTERS
from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import pending_files
from dagster_project.lib.ingest.isolation import parse_files
from dagster_project.lib.ingest.landing import latest_received_month
from dagster_project.lib.quality.chase import chase_path, reporting_gaps, write_chase_workbook
from dagster_project.lib.reference.periods import previous_period, quarter_key

JOB_NAME = "nq57_monthly"  # definitions.MONTHLY_JOB
# Files arrive over days; a minute between looks costs nothing and hashes only new files.
INTERVAL_SECONDS = 60
# The agencies' deadline is the 25th of the month after the reported one, Vietnam time.
TIMEZONE = "Asia/Ho_Chi_Minh"
MONTHLY_CRON = "0 7 26 * *"
QUARTERLY_CRON = "0 8 26 1,4,7,10 *"


def _inbox(home: Home) -> Path:
    """The inbox the job ingests (``NQ57_INBOX`` or ``<home>/inbox``, as ``Nq57Settings``)."""
    configured = os.environ.get("NQ57_INBOX", "")
    return Path(configured).resolve() if configured else home.inbox


def _requested(cursor: str | None) -> set[str]:
    try:
        loaded = json.loads(cursor) if cursor else []
    except ValueError:
        return set()
    return set(loaded) if isinstance(loaded, list) else set()


def _quarters(paths: Iterable[Path]) -> dict[Path, str | None]:
    """The quarter each file's title block reports on (None when it names no month)."""
    paths = list(paths)
    return {submission.path: (quarter_key(month) if (month := submission.metadata.get(
        "reporting_month")) else None) for submission in parse_files(paths)}


def _latest_landed_quarter(home: Home) -> str | None:
    month = latest_received_month(home)
    return quarter_key(month) if month else None


def _run_key(quarter: str, shas: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(shas)).encode()).hexdigest()[:16]
    return f"inbox-{quarter}-{digest}"


def inbox_requests(home: Home, inbox: Path, cursor: str | None
                   ) -> tuple[list[RunRequest], str, str | None]:
    """The run requests for files not requested before, the next cursor, and why none."""
    pending = {path: sha for path, sha in pending_files(home, inbox).items() if sha}
    requested = _requested(cursor) & set(pending.values())  # landed files leave the cursor
    new = {path: sha for path, sha in pending.items() if sha not in requested}
    if not new:
        return [], json.dumps(sorted(requested)), (
            "no new file in the inbox" if not pending else
            f"{len(pending)} inbox file(s) already requested, waiting for their run")
    quarters = _quarters(new)
    fallback = max((q for q in quarters.values() if q), default=None) or _latest_landed_quarter(
        home)
    known = set(QUARTERS.get_partition_keys())
    by_quarter: dict[str, set[str]] = {}
    for path, sha in new.items():
        quarter = quarters.get(path) or fallback
        if quarter in known:  # a month to come has no quarter to publish yet
            by_quarter.setdefault(quarter, set()).add(sha)
    requests = [RunRequest(run_key=_run_key(quarter, shas), partition_key=quarter,
                           tags={"nq57/trigger": "inbox", "nq57/new_files": str(len(shas))})
                for quarter, shas in sorted(by_quarter.items())]
    cursor_next = json.dumps(sorted(requested | {sha for shas in by_quarter.values()
                                                 for sha in shas}))
    return requests, cursor_next, None if requests else "no quarter known for the new files"


@sensor(job_name=JOB_NAME, minimum_interval_seconds=INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description="Starts the monthly job for the quarter new inbox files report on "
                    "(new SHA-256s only: a renamed copy triggers nothing).")
def inbox_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    """One run per quarter that new files in the inbox report on."""
    home = Home.from_env()
    inbox = _inbox(home)
    if not inbox.is_dir():
        return SkipReason(f"no inbox at {inbox}")
    requests, cursor, reason = inbox_requests(home, inbox, context.cursor)
    if not requests:
        context.update_cursor(cursor)
        return SkipReason(reason or "nothing to do")
    return SensorResult(run_requests=requests, cursor=cursor)


class ChaseConfig(Config):
    """The reported month to chase, ``YYYY-MM``."""

    month: str


@op(description="Write NQ57_HOME/chase/<month>.xlsx: the bodies with no accepted progress "
                "report for the month, and what is missing.")
def write_chase_list(context: OpExecutionContext, config: ChaseConfig,
                     nq57: Nq57Settings) -> str:
    """The month's chase list, from the landing zone's records of received files."""
    month = date.fromisoformat(f"{config.month}-01")
    home = nq57.home_dir()
    gaps = reporting_gaps(home, month)
    path = write_chase_workbook(gaps, month, chase_path(home, month))
    context.log.info(f"{len(gaps)} bodies to chase for {config.month}: {path}")
    return str(path)


@job(description="Write the chase list of one reported month (the monthly schedule's job).")
def nq57_chase() -> None:
    """One op: the chase list."""
    write_chase_list()


def _month_before(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


@schedule(cron_schedule=MONTHLY_CRON, job=nq57_chase, execution_timezone=TIMEZONE,
          default_status=DefaultScheduleStatus.RUNNING,
          description="On the 26th: the chase list of the month whose reports were due "
                      "the day before.")
def monthly_chase(context: ScheduleEvaluationContext) -> RunRequest:
    """The month before the scheduled day is the one just due."""
    month = _month_before(context.scheduled_execution_time.date())
    return RunRequest(run_key=f"chase-{month:%Y-%m}", run_config={
        "ops": {"write_chase_list": {"config": {"month": f"{month:%Y-%m}"}}}})


@schedule(cron_schedule=QUARTERLY_CRON, job_name=JOB_NAME, execution_timezone=TIMEZONE,
          default_status=DefaultScheduleStatus.RUNNING,
          description="On the 26th after a quarter ends: build and audit that quarter for "
                      "review.")
def quarterly_review(context: ScheduleEvaluationContext) -> RunRequest:
    """The quarter before the one the scheduled day falls in."""
    quarter = previous_period(quarter_key(context.scheduled_execution_time.date()))
    return RunRequest(run_key=f"review-{quarter}", partition_key=quarter,
                      tags={"nq57/trigger": "quarterly schedule"})
