"""``nq57``: the command line for data engineers (demo, run, check, template).

``nq57 run`` executes the same Dagster Definitions that ``dagster dev`` shows, in-process,
against a persistent instance under the home directory, so every run is visible in the UI.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dagster_project.cli_review import add_review_commands
from dagster_project.console import CONSOLE, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from dagster_project.console import say as _say
from dagster_project.lib.audit import read_audit
from dagster_project.lib.paths import Home
from dagster_project.lib.release import latest_release

HOME_LAYOUT = """\
All state lives in one home directory, NQ57_HOME (default ./.nq57):
  warehouse.duckdb      the working DuckDB warehouse (schemas reference, staging,
                        intermediate, marts): the last one that was audited and published
  staging/<run_id>/     each run's own dbt build, audited before it may become the
                        working warehouse (the newest few are kept for review)
  inbox/                default inbox; `nq57 demo` writes the demo submissions here
  archive/<sha>/        every received file, stored once by SHA-256, with receipt.json
  landing/              parsed rows as Parquet, one file per received file and table;
                        landing/quarantine/ holds every rejected row with its reason
  runs/<run_id>/        per run: gate/ (rule results), build.json (data fingerprint),
                        audit.json (the release gate's verdict), dbt_run_results.json
  reviews/<period>.jsonl  approvals and waivers (append-only, hash-chained)
  releases/<period>/    immutable releases v1, v2, … and latest.json
  published/<period>/   the latest scorecard, e.g. published/2026-Q2/index.html
  dagster/              Dagster run history (`make dev` opens it in the UI)
  logs/last_run.log     dbt's log lines of the last run (shown live with --verbose)
"""



# --- nq57 check ---------------------------------------------------------------------------
def _problem_line(problem: Any) -> str:
    where = ", ".join(part for part in (
        f"sheet '{problem.sheet}'" if problem.sheet else "",
        f"row {problem.row}" if problem.row else "",
        f"column '{problem.column}'" if problem.column else "",
        f"value '{problem.value}'" if problem.value else "",
    ) if part)
    kind = "ERROR" if problem.severity == "error" else "warning"
    return (f"  [{kind}] {where or 'file'} [{problem.rule}]\n"
            f"      vi: {problem.message_vi}\n      en: {problem.message_en}")


def cmd_check(args: argparse.Namespace) -> int:
    """Validate files against the contracts without loading anything."""
    from dagster_project.lib.isolation import parse_files

    missing = [name for name in args.files if not Path(name).is_file()]
    for name in missing:
        _say(f"{name}: not found / không tìm thấy tệp")
    all_accepted = not missing
    reports = []
    paths = [Path(name) for name in args.files if name not in missing]
    submissions = parse_files(paths)
    feedback = (_write_feedback(args.feedback, paths, submissions) if args.feedback
                else [None] * len(paths))
    for path, submission, written in zip(paths, submissions, feedback, strict=True):
        all_accepted &= submission.accepted
        reports.append({
            "file": str(path),
            "sha256": submission.sha256,
            "source": submission.source,
            "status": "accepted" if submission.accepted else "rejected",
            "rows_read": submission.rows_read,
            "rows_accepted": len(submission.rows),
            "rows_quarantined": submission.rows_quarantined,
            "metadata": {k: str(v) for k, v in submission.metadata.items()},
            "problems": [p.as_dict() for p in submission.problems],
        })
        if args.feedback:
            reports[-1]["feedback"] = str(written) if written else None
        if not args.json:
            verdict = ("ACCEPTED / CHẤP NHẬN" if submission.accepted
                       else "REJECTED / KHÔNG CHẤP NHẬN")
            _say(f"{path}: {verdict} — {submission.source or 'unknown source'}; "
                 f"{len(submission.rows)}/{submission.rows_read} rows valid")
            for problem in submission.problems:
                _say(_problem_line(problem))
            if written:
                _say(f"  feedback / phản hồi: {written}")
    if args.json:
        _say(json.dumps({"files": reports, "all_accepted": all_accepted}, ensure_ascii=False,
                        indent=2))
    return EXIT_OK if all_accepted else EXIT_FAILED


def _write_feedback(folder: str, paths: Sequence[Path],
                    submissions: Sequence[Any]) -> list[Path | None]:
    """Write a feedback workbook for every file with problems (None for clean files)."""
    from dagster_project.lib.feedback import write_feedback_files

    items = [(path, submission.problems)
             for path, submission in zip(paths, submissions, strict=True)]
    try:
        return write_feedback_files(items, Path(folder))
    except OSError as error:
        raise ValueError(f"không ghi được tệp phản hồi / cannot write feedback to {folder}: "
                         f"{error}") from error


# --- nq57 template ------------------------------------------------------------------------
def cmd_template(args: argparse.Namespace) -> int:
    """Write a pre-filled progress-report workbook for one body and month."""
    from dagster_project.lib.agencies import AgencyDirectory
    from dagster_project.lib.contracts import load_contracts
    from dagster_project.lib.template import (
        default_template_path,
        lead_tasks,
        month_end,
        reporting_month,
        resolve_agency,
        write_template,
    )

    month = reporting_month(args.period, args.month)
    agency = resolve_agency(args.agency, AgencyDirectory.from_seeds(), month)
    tasks = lead_tasks(Home.from_env().warehouse, agency.agency_id, month_end(month))
    out = Path(args.out) if args.out else default_template_path(agency.agency_id, args.period)
    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"--out phải là tệp .xlsx / --out must be an .xlsx file: {out}")
    try:
        write_template(out, agency, month, tasks, load_contracts()["progress_report"])
    except OSError as error:
        raise ValueError(f"không ghi được / cannot write {out}: {error}") from error
    _say(f"{out}: {agency.name_vi} ({agency.agency_id}), tháng / month {month:%m/%Y}, "
         f"{len(tasks)} nhiệm vụ chủ trì / lead tasks")
    if not tasks:
        _say("  warning / cảnh báo: no lead tasks in the warehouse for this body / không có "
             "nhiệm vụ chủ trì nào trong kho cho cơ quan này")
    return EXIT_OK


# --- nq57 run -----------------------------------------------------------------------------
class _ProgressHandler(logging.Handler):
    """Prints one line per step started/finished, so long runs show where they are."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)  # Dagster logs step events at DEBUG
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        step = event.step_key or ""
        if event.event_type_value == "STEP_START":
            self.started[step] = time.monotonic()
            _say(f"  → {step}")
        elif event.event_type_value in {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            mark = {"STEP_SUCCESS": "✓", "STEP_FAILURE": "✗", "STEP_SKIPPED": "·"}[
                event.event_type_value]
            _say(f"  {mark} {step} ({took:.1f} s)")


def _progress_logger():
    from dagster import logger

    @logger(description="One line per step for the nq57 command line.")
    def nq57_progress(_init_context):
        log = logging.getLogger("nq57.progress")
        log.setLevel(logging.DEBUG)
        log.propagate = False
        if not log.handlers:
            log.addHandler(_ProgressHandler())
        return log

    return nq57_progress


def _latest_landed_quarter(home: Home) -> str | None:
    import duckdb

    from dagster_project.lib.periods import quarter_key

    pattern = home.landing / "tasks" / "progress_report" / "*.parquet"
    with duckdb.connect() as con:
        row = con.execute(f"select max(reporting_month) from read_parquet('{pattern}')").fetchone()
    return quarter_key(row[0]) if row and row[0] else None


def _execute(home: Home, inbox: Path | None, period: str | None, verbose: bool,
             auto_approve: bool = False) -> Any:
    from dagster import DagsterInstance, in_process_executor

    os.environ["DAGSTER_HOME"] = str(home.dagster)
    from dagster_project.definitions import defs

    instance = DagsterInstance.get()
    run_config: dict[str, Any] = {
        "loggers": {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}},
                    "nq57_progress": {}},
    }
    settings: dict[str, Any] = {"auto_approve": auto_approve}
    if inbox is not None:
        settings["inbox"] = str(inbox)
    run_config["resources"] = {"nq57": {"config": settings}}
    job = defs.resolve_job_def("nq57_monthly")
    job = job.with_executor_def(in_process_executor).with_logger_defs(
        {**job.loggers, "nq57_progress": _progress_logger()})
    log_path = home.root / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    CONSOLE.append(sys.stdout)
    try:
        # dagster-dbt echoes every dbt log line to stdout; keep them in a file unless asked.
        with log_path.open("w", encoding="utf-8") as log_file, contextlib.redirect_stdout(
            sys.stdout if verbose else log_file
        ):
            return job.execute_in_process(run_config=run_config, instance=instance,
                                          partition_key=period, raise_on_error=False)
    finally:
        CONSOLE.pop()


def _failed_checks(result: Any) -> list[Any]:
    return [e for e in result.get_asset_check_evaluations() if not e.passed]


def _step_failures(result: Any) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            text = user.description if user and user.description else (
                error.message if error else "")
            if "DagsterAssetCheckFailedError" in (error.cls_name if error else ""):
                continue  # already listed as a failed check
            messages.append(f"{event.step_key}: {text.strip()}")
    return messages


def run_pipeline(home: Home, inbox: Path | None, period: str | None,
                 verbose: bool = False, auto_approve: bool = False) -> int:
    """Run the monthly job for a period and report the outcome; returns the exit code."""
    from dagster_project.lib.gate import quarter_bounds

    if period is not None:
        quarter_bounds(period)  # validates the key before anything runs
    elif (period := _default_period(home, inbox, verbose)) is None:
        _say("No progress reports found in the inbox / Không có báo cáo tiến độ trong hộp thư.")
        return EXIT_FAILED
    _say(f"nq57 run: period {period}, home {home.root}, inbox {inbox or home.inbox}")
    started = time.monotonic()
    result = _execute(home, inbox, period, verbose, auto_approve)
    failed_checks = [e for e in _failed_checks(result) if e.check_name != "publishable"]
    for evaluation in failed_checks:
        description = evaluation.description or ""
        severity = evaluation.severity.value if evaluation.severity else ""
        _say(f"  check failed [{severity}]: {evaluation.asset_key.to_user_string()} "
             f"{evaluation.check_name} {description}")
    published = home.published / period / "index.html"
    if result.success and published.exists():
        _say(f"Published / Đã công bố {period} in {time.monotonic() - started:.0f} s: "
             f"{published}")
        release = latest_release(home, period)
        if release is not None:
            _say(f"  release / bản công bố v{release.version}: {release.path} "
                 f"({release.manifest['changes_summary']})")
            for output in sorted((release.path / "scorecard").glob("*.*")):
                if output.suffix in (".html", ".pdf", ".xlsx"):
                    _say(f"  {output}")
        return EXIT_OK
    for message in _step_failures(result):
        _say(f"  step failed: {message}")
    audit = read_audit(home, result.run_id)
    if audit is None:
        reason = "see the failed checks above / xem các kiểm tra không đạt ở trên"
    elif audit.publishable:
        reason = "the publication step failed (above) / bước công bố bị lỗi (xem trên)"
    else:
        reason = audit.reason()
    _say(f"NOT published / KHÔNG công bố {period}: {reason}")
    return EXIT_FAILED


def _default_period(home: Home, inbox: Path | None, verbose: bool) -> str | None:
    """Without --period: ingest first (idempotent), then take the latest reported quarter."""
    from dagster_project.lib.inbox import ingest_inbox

    ingest_inbox(home, inbox or home.inbox)
    return _latest_landed_quarter(home)


def cmd_run(args: argparse.Namespace) -> int:
    """Ingest, build, gate and publish."""
    home = Home.from_env().ensure()
    inbox = Path(args.inbox).resolve() if args.inbox else None
    return run_pipeline(home, inbox, args.period, args.verbose, args.auto_approve)


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo inbox into the home and run the pipeline on it."""
    from dagster_project.demo.generator import generate_demo_inbox

    home = Home.from_env().ensure()
    started = time.monotonic()
    _say(f"Generating the demo inbox in {home.inbox} …")
    summary = generate_demo_inbox(home.inbox)
    _say(f"  {len(summary.files)} files in {time.monotonic() - started:.0f} s")
    # The demo approves its own audit when the rules pass; the manifest records that. Earlier
    # quarters are published first, oldest first, so that the quarter asked for is the last
    # run: its build becomes the working warehouse.
    quarters = [*earlier_periods(args.period, args.history), args.period]
    codes = [run_pipeline(home, home.inbox, quarter, args.verbose, auto_approve=True)
             for quarter in quarters]
    _say(f"Demo: {sum(code == EXIT_OK for code in codes)}/{len(quarters)} quarters published "
         f"({', '.join(quarters)}) in {time.monotonic() - started:.0f} s")
    return codes[-1] if all(code == EXIT_OK for code in codes[:-1]) else EXIT_FAILED


def earlier_periods(period: str, count: int) -> list[str]:
    """The ``count`` quarters before ``period``, oldest first."""
    from dagster_project.lib.vnformat import previous_period

    quarters = [period]
    for _ in range(count):
        quarters.insert(0, previous_period(quarters[0]))
    return quarters[:-1]


def build_parser() -> argparse.ArgumentParser:
    """The ``nq57`` argument parser (also documents the home layout)."""
    parser = argparse.ArgumentParser(
        prog="nq57",
        description="nq57 — warehouse and quarterly scorecard for monitoring Resolution "
                    "57-NQ/TW: ingest agency spreadsheets, build the DuckDB warehouse with "
                    "dbt, gate with Great Expectations, publish the Vietnamese scorecard.",
        epilog=HOME_LAYOUT + "\nExit codes: 0 success, 1 rejected files or gate failed, "
                             "2 usage error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="generate the demo inbox and run the pipeline (what `make demo` runs)",
        description="Write the deterministic demo inbox (task register and 18 months of "
                    "progress reports from every reporting body) into NQ57_HOME/inbox and "
                    "run the pipeline for --period (default 2026-Q2).")
    demo.add_argument("--period", default="2026-Q2", help="quarter to publish (default 2026-Q2)")
    demo.add_argument("--history", type=int, default=2, metavar="N",
                      help="also publish the N quarters before --period first (default 2)")
    demo.add_argument("--verbose", action="store_true", help="show Dagster and dbt logs")
    demo.set_defaults(func=cmd_demo)

    run = commands.add_parser(
        "run", help="ingest an inbox, build, check, publish if the gate passes",
        description="Archive and land every new file in the inbox, build a staging "
                    "warehouse with dbt, audit it with every rule, and publish the quarter "
                    "as a new release if no blocking rule failed (or it was waived) and a "
                    "reviewer approved this data (`nq57 approve`). Exits 1 and says why "
                    "otherwise; the working warehouse changes only when a release is made.")
    run.add_argument("--inbox", help="folder of submissions (default NQ57_HOME/inbox)")
    run.add_argument("--period", help="quarter to publish, e.g. 2026-Q2 (default: the latest "
                                      "quarter with progress reports)")
    run.add_argument("--verbose", action="store_true", help="show Dagster and dbt logs")
    run.add_argument("--auto-approve", action="store_true",
                     help="count an audit whose rules pass as approved (for demos and "
                          "rehearsals; the release manifest records it). Without it, "
                          "publication needs `nq57 approve` of the audited data.")
    run.set_defaults(func=cmd_run)

    check = commands.add_parser(
        "check", help="validate submission files without loading them",
        description="Read each file against the source contracts and list every problem "
                    "with sheet, row, column, value and rule, in Vietnamese and English. "
                    "Exit 0 when all files are accepted, 1 otherwise.")
    check.add_argument("files", nargs="+", metavar="FILE", help="xlsx, xls or csv files")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument(
        "--feedback", metavar="DIR",
        help="also write DIR/<stem>.phan_hoi.xlsx for each file with problems: the agency's "
             "workbook with every offending cell filled (red: error, yellow: warning) and "
             "commented in Vietnamese and English, and a first sheet 'Phản hồi' listing every "
             "problem / ghi tệp phản hồi đánh dấu ô lỗi cho cơ quan gửi")
    check.set_defaults(func=cmd_check)

    template = commands.add_parser(
        "template", help="write a pre-filled monthly progress-report workbook for one body",
        description="Write the monthly progress report of one reporting body as a workbook "
                    "that `nq57 check` accepts once filled in: the title block, the contract's "
                    "header row, the body's lead tasks from the warehouse (NQ57_HOME/"
                    "warehouse.duckdb, built by `nq57 run`) under their group headings, code "
                    "and name locked, a drop-down list for the status, a validated completion "
                    "date, and a 'Hướng dẫn' sheet in Vietnamese and English. Reports are "
                    "monthly: --period names the quarter and --month the month in it (default: "
                    "the quarter's first month). Exit 2 for an unknown body or period, or when "
                    "there is no warehouse yet. / Ghi mẫu báo cáo tiến độ tháng điền sẵn nhiệm "
                    "vụ chủ trì của một cơ quan.")
    template.add_argument("agency", metavar="AGENCY",
                          help="agency id (BKHCN, P_HA_NOI) or name/alias (\"Bộ KH&CN\")")
    template.add_argument("--period", required=True,
                          help="quarter, e.g. 2026-Q3 / quý báo cáo")
    template.add_argument("--month", type=int, metavar="M",
                          help="calendar month within the quarter, e.g. 8 for August in "
                               "2026-Q3 (default: the quarter's first month) / tháng báo cáo")
    template.add_argument("--out", metavar="FILE",
                          help="output .xlsx (default ./<agency_id>_<period>_bao_cao_tien_do"
                               ".xlsx)")
    template.set_defaults(func=cmd_template)
    add_review_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nq57`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as error:
        _say(f"nq57: {error}")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
