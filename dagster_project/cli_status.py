"""``nq57 status``: where the office stands, in one screen, before deciding what to run.

An operator opening the home after a month away needs the answers the other commands give
one by one: which quarters are published and when, what the last run of each said, what
blocks or awaits a reviewer, what waits in the inbox, how many rows were set aside, and
which bodies have not sent this month's report. It reads the home and changes nothing, so
it needs no lock and may run while a run is writing.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.console import EXIT_OK
from dagster_project.console import say as _say
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import pending_files
from dagster_project.lib.ingest.landing import latest_received_month
from dagster_project.lib.publish.release import latest_release
from dagster_project.lib.quality.audit import read_audit, read_build
from dagster_project.lib.quality.chase import NoReferenceError, reporting_gaps
from dagster_project.lib.quality.gate import latest_gate_results
from dagster_project.lib.quality.review import read_log
from dagster_project.lib.quality.set_aside import set_aside_table
from dagster_project.lib.reference.periods import VIETNAM_TIME
from dagster_project.lib.text.terminal import printable

PENDING_SHOWN = 10  # inbox files named in the table; the count covers them all


@dataclass
class QuarterStatus:
    """One quarter: its release, its last run's verdict, and what is open."""

    period: str
    state: str  # one sentence, Vietnamese / English
    release_version: int | None = None
    published_at: str | None = None
    last_run_id: str | None = None
    last_run_at: str | None = None
    last_run_publishable: bool | None = None
    blocking_failures: list[str] = field(default_factory=list)
    awaiting_approval: bool = False
    rows_quarantined: int = 0
    # Whole files a reviewer set aside for the quarter (`nq57 reject`), with who and why.
    files_set_aside: list[dict[str, str]] = field(default_factory=list)


@dataclass
class HomeStatus:
    """Everything ``nq57 status`` reports, as ``--json`` prints it."""

    home: str
    quarters: list[QuarterStatus]
    pending_files: list[str]
    rows_quarantined: int
    latest_month: str | None
    bodies_missing: list[dict[str, str]]


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone(VIETNAM_TIME).isoformat(
        timespec="seconds")


def _periods_run(home: Home) -> set[str]:
    """Quarters some run recorded gate results for."""
    periods = set()
    for path in home.runs.glob("*/gate/*.json") if home.runs.is_dir() else ():
        periods.add(json.loads(path.read_text(encoding="utf-8"))["period"]["period_key"])
    return periods


def _quarantined_by_quarter(home: Home) -> dict[str, int]:
    """Rows set aside per quarter of the month their file reported (``unknown`` if none)."""
    quarantine, submission = home.landing / "quarantine", home.landing / "submission"
    if not any(quarantine.glob("*.parquet")) or not any(submission.glob("*.parquet")):
        return {}
    with duckdb.connect() as con:
        rows = con.execute(
            "select coalesce(strftime(s.reporting_month, '%Y') || '-Q' || "
            "cast(quarter(s.reporting_month) as varchar), 'unknown'), count(*) "
            "from read_parquet(?, union_by_name = true) as q "
            "left join read_parquet(?, union_by_name = true) as s using (file_sha256) "
            "where q.severity = 'error' and q.row_number is not null group by 1",
            [str(quarantine / "*.parquet"), str(submission / "*.parquet")]).fetchall()
    return dict(rows)


def _missing_bodies(home: Home) -> tuple[str | None, list[dict[str, str]]]:
    """The latest month with progress reports, and the bodies with none accepted for it.

    The same list as the month's chase workbook (``reporting_gaps``); nothing when no
    warehouse lists the reporting bodies yet.
    """
    month = latest_received_month(home, "progress_report")
    if month is None:
        return None, []
    try:
        gaps = reporting_gaps(home, month)
    except (NoReferenceError, duckdb.Error):
        return None, []  # not "nobody is missing": the bodies are not known yet
    return f"{month:%Y-%m}", [{"agency_id": gap.agency_id, "name_vi": gap.name_vi,
                               "reason": gap.reason} for gap in gaps]


def _last_run(home: Home, period: str, quarter: QuarterStatus) -> str | None:
    """Fill in the quarter's last run from its gate results and audit; its verdict in words.

    A run whose blocking checks failed stops before the audit is judged: then the failed
    blocking rules (less those waived in the review log) say what blocked it.
    """
    found = latest_gate_results(home, period)
    if found is None:
        return None
    run_id, when, results = found
    quarter.last_run_id, quarter.last_run_at = run_id, _stamp(when)
    audit = read_audit(home, run_id)
    if audit is not None:
        quarter.last_run_publishable = audit.publishable
        quarter.blocking_failures = sorted(set(audit.failed_blocking))
        quarter.awaiting_approval = (audit.rules_passed and audit.approval is None
                                     and not audit.auto_approved)
        return None if audit.publishable else audit.reason()
    build = read_build(home, run_id)
    waived = set(read_log(home, period, build.data_fingerprint if build else None).waivers)
    quarter.last_run_publishable = False
    quarter.blocking_failures = sorted({result.rule_id for result in results
                                        if result.severity == "blocking" and not result.passed
                                        and result.rule_id not in waived})
    if quarter.blocking_failures:
        return ("quy tắc chặn không đạt / blocking rules failed: "
                + ", ".join(quarter.blocking_failures))
    return "lần chạy dừng trước khi được đánh giá / the run stopped before its audit"


def _set_aside_by_quarter(home: Home) -> dict[str, list[dict[str, str]]]:
    """The files set aside now, by the quarter their decision was recorded for."""
    by_quarter: dict[str, list[dict[str, str]]] = {}
    for sha256, entry in sorted(set_aside_table(home).items()):
        by_quarter.setdefault(entry["period"], []).append({
            "file_name": entry["file_name"], "file_sha256": sha256, "by": entry["by"],
            "reason": entry["reason"], "at": entry["at"]})
    return by_quarter


def _quarter(home: Home, period: str, quarantined: dict[str, int],
             set_aside: dict[str, list[dict[str, str]]]) -> QuarterStatus:
    """One quarter: its release, its last run, and the sentence that sums them up."""
    quarter = QuarterStatus(period=period, state="", rows_quarantined=quarantined.get(period, 0),
                            files_set_aside=set_aside.get(period, []))
    release = latest_release(home, period)
    parts = []
    if release is not None:
        quarter.release_version = release.version
        quarter.published_at = str(release.manifest.get("published_at", ""))
        parts.append(f"đã công bố v{release.version} ngày {quarter.published_at[:10]} "
                     f"/ published v{release.version} on {quarter.published_at[:10]}")
    not_published = _last_run(home, period, quarter)
    if release is not None and release.manifest.get("run_id") == quarter.last_run_id:
        quarter.awaiting_approval = False
    if not_published:
        later = " (lần chạy sau / a later run)" if release is not None else ""
        parts.append(not_published + later)
    quarter.state = "; ".join(parts) or "chưa chạy / not run yet"
    return quarter


def home_status(home: Home, inbox: Path | None = None) -> HomeStatus:
    """Read the home's state: releases, audits, inbox, quarantine and reporting."""
    released = {path.name for path in home.releases.iterdir()} if home.releases.is_dir() else set()
    quarantined = _quarantined_by_quarter(home)
    inbox = inbox or home.inbox
    pending = pending_files(home, inbox) if inbox.is_dir() else []
    month, missing = _missing_bodies(home)
    set_aside = _set_aside_by_quarter(home)
    return HomeStatus(
        home=str(home.root),
        quarters=[_quarter(home, period, quarantined, set_aside)
                  for period in sorted(released | _periods_run(home) | set(set_aside))],
        pending_files=[str(path.relative_to(inbox)) for path in pending],
        rows_quarantined=sum(quarantined.values()),
        latest_month=month,
        bodies_missing=missing,
    )


def _short(stamp: str | None) -> str:
    """``2026-07-03 09:15`` from an ISO timestamp (the table's width is a terminal's)."""
    return stamp[:16].replace("T", " ") if stamp else "—"


def _table(status: HomeStatus) -> Any:
    from rich.table import Table  # imported here: the other commands do not need it

    table = Table(title=f"nq57 — {status.home}", title_justify="left")
    for heading in ("Quý\nQuarter", "Bản công bố\nRelease", "Lần chạy cuối\nLast run",
                    "Kết quả\nVerdict", "Quy tắc chặn\nBlocking", "Dòng lỗi\nBad rows",
                    "Để riêng\nSet aside"):
        table.add_column(heading)
    for quarter in status.quarters:
        release = (f"v{quarter.release_version} {_short(quarter.published_at)}"
                   if quarter.release_version else "—")
        verdict = ("—" if quarter.last_run_at is None
                   else "công bố được\npublishable" if quarter.last_run_publishable
                   else "chờ phê duyệt\nawaiting approval" if quarter.awaiting_approval
                   else "bị chặn\nblocked")
        table.add_row(quarter.period, release, _short(quarter.last_run_at), verdict,
                      ", ".join(quarter.blocking_failures) or "—",
                      f"{quarter.rows_quarantined:,}", str(len(quarter.files_set_aside)))
    return table


def _print(status: HomeStatus) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if status.quarters:
        console.print(_table(status))
        for quarter in status.quarters:
            console.print(f"{quarter.period}: {quarter.state}")
            for entry in quarter.files_set_aside:
                console.print(f"  để riêng / set aside: {printable(entry['file_name'])} "
                              f"({entry['file_sha256'][:12]}) — {printable(entry['by'])}: "
                              f"{printable(entry['reason'])}", markup=False)
    else:
        console.print("Chưa có quý nào được chạy / no quarter has been run yet.")
    count = len(status.pending_files)
    console.print(f"Tệp chờ trong hộp thư / files waiting in the inbox: {count}")
    for name in status.pending_files[:PENDING_SHOWN]:
        console.print(f"  {name}")
    if count > PENDING_SHOWN:
        console.print(f"  … {count - PENDING_SHOWN} more / còn {count - PENDING_SHOWN} tệp")
    if status.latest_month:
        console.print(f"Chưa gửi báo cáo tháng {status.latest_month} / no report for "
                      f"{status.latest_month}: {len(status.bodies_missing)} cơ quan / bodies")
        for body in status.bodies_missing:
            console.print(f"  {body['agency_id']} — {body['name_vi']}: {body['reason']}")


def cmd_status(args: argparse.Namespace) -> int:
    """Print the home's state as a table, or as JSON with ``--json``."""
    status = home_status(Home.from_env(), Path(args.inbox) if args.inbox else None)
    if args.json:
        _say(json.dumps(asdict(status), ensure_ascii=False, indent=2))
    else:
        _print(status)
    return EXIT_OK


def add_status_command(commands: Any) -> None:
    """Add ``status`` to the ``nq57`` sub-command parser."""
    status = commands.add_parser(
        "status", help="where the home stands: releases, last runs, inbox, missing reports",
        description="Per quarter: the latest release and when, the last run and its verdict, "
                    "blocking failures, whether it awaits approval, rows quarantined, files "
                    "set aside with `nq57 reject`; then the "
                    "inbox files not landed yet and the reporting bodies without a progress "
                    "report for the latest month. Reads the home, changes nothing. / Tình "
                    "trạng: bản công bố, lần chạy cuối, tệp chờ, cơ quan chưa báo cáo.")
    status.add_argument("--inbox", help="folder of submissions (default NQ57_HOME/inbox)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=cmd_status)


__all__ = ["HomeStatus", "QuarterStatus", "add_status_command", "home_status"]
