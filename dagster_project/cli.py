"""``nq57``: the command line for data engineers (demo, run, check, template).

``nq57 run`` executes the same Dagster Definitions that ``dagster dev`` shows, in-process,
against a persistent instance under the home directory, so every run is visible in the UI.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dagster_project.cli_home import add_home_commands
from dagster_project.cli_reject import add_reject_command
from dagster_project.cli_review import add_review_commands
from dagster_project.cli_status import add_status_command
from dagster_project.console import (
    CONSOLE,
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
)
from dagster_project.console import say as _say
from dagster_project.lib.home.faults import describe_fault, write_trace
from dagster_project.lib.home.home_lock import HomeBusyError, writer_lock
from dagster_project.lib.home.paths import Home
from dagster_project.lib.home.spark_build import ENGINES
from dagster_project.lib.publish.release import latest_release
from dagster_project.lib.quality.audit import read_audit
from dagster_project.lib.reference.periods import previous_quarters, quarter_bounds
from dagster_project.lib.text.terminal import printable

HOME_LAYOUT = """\
All state lives in one home directory, NQ57_HOME (default ./.nq57):
  warehouse.duckdb      the working DuckDB warehouse (schemas reference, staging,
                        intermediate, marts): the last one that was audited and published
  staging/<run_id>/     each run's own dbt build, audited before it may become the
                        working warehouse (the newest few are kept for review)
  inbox/                default inbox; `nq57 demo` writes the demo submissions here
  archive/<sha>/        every received file, stored once by SHA-256, with receipt.json
  landing/              parsed rows as Parquet, one file per table, month and ingest
                        batch; landing/quarantine/ holds every rejected row with its reason
  runs/<run_id>/        per run: gate/ (rule results), build.json (data fingerprint),
                        audit.json (the release gate's verdict), dbt_run_results.json
  run_inputs/<period>.json  what the quarter's last release was made from: a run with
                        no new file and the same inputs stops at once (a cache; safe to delete)
  landed_hashes.json    inbox files known to be landed, by size, time and inode, so
                        they are not hashed again on every run (a cache; safe to delete)
  tmp/                  scratch space of a run (DuckDB spills large exports here)
  reviews/<period>.jsonl  approvals and waivers (append-only, hash-chained)
  releases/<period>/    immutable releases v1, v2, …; latest -> v<N> (the one pointer
                        that moves) and latest.json (a link to latest/release.json)
  published/<period>    link to the latest release's scorecard, e.g.
                        published/2026-Q2/index.html
  dagster/              Dagster run history (`make dev` opens it in the UI)
  logs/last_run.log     dbt's log lines of the last run (shown live with --verbose)
  logs/errors.log       full traces of failures (the terminal gets one line)
  nq57.lock             the writer lock: one command that changes the home at a time
"""

EXIT_CODES = ("Exit codes: 0 success; 1 rejected files, a refused gate or a home that fails "
              "verification; 2 usage error; 3 the home is busy (--no-wait); 4 a failure "
              "(disk full, permission denied, a crash): one line here, the trace in "
              "NQ57_HOME/logs/errors.log.")
# Commands that change the home: they hold its writer lock while they run.
WRITERS = frozenset({"run", "demo", "approve", "waive", "reject", "backup", "restore"})



# --- nq57 check ---------------------------------------------------------------------------
def _problem_line(problem: Any) -> str:
    """One problem for the terminal; text a sender chose (sheet, value, messages) is escaped."""
    where = ", ".join(part for part in (
        f"sheet '{printable(problem.sheet)}'" if problem.sheet else "",
        f"row {problem.row}" if problem.row else "",
        f"column '{printable(problem.column)}'" if problem.column else "",
        f"value '{printable(problem.value)}'" if problem.value else "",
    ) if part)
    kind = "ERROR" if problem.severity == "error" else "warning"
    return (f"  [{kind}] {where or 'file'} [{problem.rule}]\n"
            f"      vi: {printable(problem.message_vi)}\n"
            f"      en: {printable(problem.message_en)}")


def _unparsed(name: str) -> tuple[str, Any] | None:
    """(status, submission) of a path that must not be read, or None for a regular file.

    The path itself is examined without following a link, so a link, pipe or device is
    rejected unread; a missing or inaccessible path is reported like any other file.
    """
    from dagster_project.lib.ingest.regular_files import file_kind
    from dagster_project.lib.ingest.submission import not_regular_submission, unopened_submission

    path = Path(name)
    try:
        kind = file_kind(path)
    except FileNotFoundError as error:
        return "missing", unopened_submission(path, error)
    except OSError as error:
        return "rejected", unopened_submission(path, error)
    return None if kind is None else ("rejected", not_regular_submission(path, kind))


def _file_report(name: str, status: str, submission: Any) -> dict[str, Any]:
    """One file's entry of the JSON output."""
    return {
        "file": str(Path(name)),
        "sha256": submission.sha256 or None,
        "source": submission.source,
        "status": status,
        "rows_read": submission.rows_read,
        "rows_accepted": len(submission.rows),
        "rows_quarantined": submission.rows_quarantined,
        "metadata": {k: str(v) for k, v in submission.metadata.items()},
        "problems": [p.as_dict() for p in submission.problems],
    }


_VERDICTS = {"accepted": "ACCEPTED / CHẤP NHẬN", "rejected": "REJECTED / KHÔNG CHẤP NHẬN",
             "missing": "NOT FOUND / KHÔNG TÌM THẤY TỆP"}


def _say_verdict(name: str, status: str, submission: Any, written: Path | None) -> None:
    """One file's verdict and problems for the terminal; its name is escaped."""
    from dagster_project.lib.text.terminal import printable

    _say(f"{printable(str(Path(name)))}: {_VERDICTS[status]} — "
         f"{submission.source or 'unknown source'}; "
         f"{len(submission.rows)}/{submission.rows_read} rows valid")
    for problem in submission.problems:
        _say(_problem_line(problem))
    if written:
        _say(f"  feedback / phản hồi: {printable(str(written))}")


def cmd_check(args: argparse.Namespace) -> int:
    """Validate files against the contracts without loading anything.

    Every path named gets a verdict in the order given, in text or inside the JSON (which
    stays the only thing on stdout): a missing path, a link or an unreadable file included.
    """
    from dagster_project.lib.ingest.isolation import parse_files
    from dagster_project.lib.text.terminal import json_text

    verdicts = {index: found for index, name in enumerate(args.files)
                if (found := _unparsed(name)) is not None}
    readable = [index for index in range(len(args.files)) if index not in verdicts]
    paths = [Path(args.files[index]) for index in readable]
    submissions = _check_files(paths, parse_files)
    unchecked = _run_file_rules(submissions)
    feedback = (_write_feedback(args.feedback, paths, submissions) if args.feedback
                else [None] * len(paths))
    written = dict(zip(readable, feedback, strict=True))
    for index, submission in zip(readable, submissions, strict=True):
        verdicts[index] = ("accepted" if submission.accepted else "rejected", submission)
    reports = []
    for index, name in enumerate(args.files):
        status, submission = verdicts[index]
        reports.append(_file_report(name, status, submission))
        if args.feedback:
            reports[-1]["feedback"] = str(written[index]) if written.get(index) else None
        if not args.json:
            _say_verdict(name, status, submission, written.get(index))
    all_accepted = all(report["status"] == "accepted" for report in reports)
    if args.json:
        _say(json_text({"files": reports, "all_accepted": all_accepted,
                        "unchecked_rules": unchecked}))
    elif unchecked:
        _say(f"Chưa kiểm tra được {', '.join(unchecked)}: không có kho dữ liệu trong NQ57_HOME "
             f"để đối chiếu / could not check {', '.join(unchecked)}: no warehouse in "
             "NQ57_HOME to look the rows up in (run `nq57 run` once, or set NQ57_HOME)")
    return EXIT_OK if all_accepted else EXIT_FAILED


def _run_file_rules(submissions: Sequence[Any]) -> list[str]:
    """The gate's per-file rules on each file (as errors); the rules that could not run."""
    from dagster_project.lib.quality.file_rules import check_file_rules

    return check_file_rules(submissions, Home.from_env().warehouse).unchecked


def _check_files(paths: Sequence[Path], parse_files: Any) -> list[Any]:
    """Each file as ingestion reads it: exports by DuckDB here, the rest in isolated workers."""
    from dagster_project.lib.ingest.exports import check_export, match_export
    from dagster_project.lib.reference.agencies import AgencyDirectory

    exports = {index: found for index, path in enumerate(paths)
               if (found := match_export(path)) is not None}
    sheets = [path for index, path in enumerate(paths) if index not in exports]
    parsed = iter(parse_files(sheets))
    directory = AgencyDirectory.from_seeds() if exports else None
    return [check_export(path, *exports[index], directory) if index in exports
            else next(parsed) for index, path in enumerate(paths)]


def _write_feedback(folder: str, paths: Sequence[Path],
                    submissions: Sequence[Any]) -> list[Path | None]:
    """Write a feedback workbook for every file with problems (None for clean files)."""
    from dagster_project.lib.ingest.feedback import write_feedback_files

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
    from dagster_project.lib.ingest.contracts import load_contracts
    from dagster_project.lib.ingest.template import (
        default_template_path,
        lead_tasks,
        month_end,
        reporting_month,
        resolve_agency,
        write_template,
    )
    from dagster_project.lib.reference.agencies import AgencyDirectory

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
    """Prints one line per step started/finished, so long runs show where they are.

    The gate's suites are a step each: while they run, one progress bar counts them (see
    ``lib.text.progress``) and their step lines are printed above it.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)  # Dagster logs step events at DEBUG
        self.started: dict[str, float] = {}
        self.suites: Any = None  # the gate's progress while its suites run
        self.suite_steps: frozenset[str] = frozenset()

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        step = event.step_key or ""
        if event.event_type_value == "STEP_START":
            self.started[step] = time.monotonic()
            self._follow_suites(step)
            self._say(f"  → {step}")
        elif event.event_type_value in {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            mark = {"STEP_SUCCESS": "✓", "STEP_FAILURE": "✗", "STEP_SKIPPED": "·"}[
                event.event_type_value]
            self._say(f"  {mark} {step} ({took:.1f} s)")
            if self.suites is not None and step in self.suite_steps:
                self.suites.advance()
                if self.suites.done >= len(self.suite_steps):
                    self.end_suites()
        elif event.event_type_value in {"PIPELINE_SUCCESS", "PIPELINE_FAILURE",
                                        "PIPELINE_CANCELED"}:
            self.end_suites()

    def _follow_suites(self, step: str) -> None:
        """Start counting the suites at the first one; stop at any other step."""
        from dagster_project.defs.quality.gate import GATE_CHECKS
        from dagster_project.lib.text.progress import reporter

        self.suite_steps = self.suite_steps or frozenset(c.node_def.name for c in GATE_CHECKS)
        if step not in self.suite_steps:
            self.end_suites()
        elif self.suites is None:
            self.suites = reporter("Gate suites / Bộ kiểm tra", total=len(self.suite_steps))

    def _say(self, message: str) -> None:
        (_say if self.suites is None else self.suites.say)(message)

    def end_suites(self) -> None:
        """Close the suites' progress, if it is on screen."""
        suites, self.suites = self.suites, None
        if suites is not None:
            suites.close()


def _end_progress() -> None:
    """Stop any progress bar the run left on screen (a run that was interrupted)."""
    from dagster_project.lib.text.progress import end_bars

    for handler in logging.getLogger("nq57.progress").handlers:
        if isinstance(handler, _ProgressHandler):
            handler.end_suites()
    end_bars()


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


def _current_quarter() -> str:
    """The quarter today (Vietnam time) falls in: what a run without reports builds."""
    from datetime import datetime

    from dagster_project.lib.reference.periods import VIETNAM_TIME, quarter_key

    return quarter_key(datetime.now(VIETNAM_TIME).date())


def _latest_landed_quarter(home: Home) -> str | None:
    import duckdb

    from dagster_project.lib.ingest.landing import table_glob
    from dagster_project.lib.reference.periods import quarter_key

    pattern = table_glob(home, "tasks", "progress_report")
    with duckdb.connect() as con:
        row = con.execute(f"select max(reporting_month) from read_parquet('{pattern}')").fetchone()
    return quarter_key(row[0]) if row and row[0] else None


def _execute(home: Home, inbox: Path | None, period: str | None, verbose: bool,
             auto_approve: bool = False) -> Any:
    from dagster import DagsterInstance, in_process_executor

    from dagster_project.lib.quality.dbt_manifest import prepare_dbt_project

    os.environ["DAGSTER_HOME"] = str(home.dagster)
    prepare_dbt_project()  # before the definitions read it: importing them writes nothing
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
        _end_progress()
        CONSOLE.pop()


def _failed_checks(result: Any) -> list[Any]:
    return [e for e in result.get_asset_check_evaluations() if not e.passed]


def _error_text(error: Any) -> str:
    """A Dagster error and its causes as one text, traces included (for the log)."""
    parts = []
    while error is not None:
        parts.append(f"{error.message.strip()}\n{''.join(error.stack or [])}")
        error = error.cause or error.context
    return "\n".join(parts)


def _root_message(error: Any) -> str:
    """The innermost cause of a Dagster error: what went wrong, not the wrapper."""
    while error is not None and (error.cause or error.context) is not None:
        error = error.cause or error.context
    return "" if error is None else error.message.strip()


def _step_failures(result: Any) -> list[tuple[str, str, str]]:
    """``(step, message, full text)`` of each failed step, failed checks left out."""
    failures = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            text = user.description if user and user.description else _root_message(error)
            if "DagsterAssetCheckFailedError" in (error.cls_name if error else ""):
                continue  # already listed as a failed check
            failures.append((event.step_key, text.strip(), _error_text(error)))
    return failures


def prune_failed_staging(home: Home, run_id: str | None = None) -> None:
    """Remove the staging build of a run that failed (not one the gate refused).

    Builds the gate judged are kept a while for review (see ``prepare_staging``); a crashed
    build is of no use to anyone and may be what filled the disk. Without ``run_id`` (the
    run died before it had one), builds with no audit are removed.
    """
    for folder in home.staging.glob(run_id or "*"):
        if folder.is_dir() and (run_id or not (home.runs / folder.name / "audit.json").exists()):
            shutil.rmtree(folder, ignore_errors=True)


def _nothing_new(home: Home, inbox: Path | None, period: str, auto_approve: bool,
                 started: float) -> bool:
    """Say so and stop when no file waits and nothing a run reads changed since a release."""
    from dagster_project.lib.ingest.inbox import waiting_files
    from dagster_project.lib.publish.unchanged import inputs_fingerprint, unchanged_release

    try:
        if waiting_files(home, inbox or home.inbox):
            return False
    except FileNotFoundError:
        return False  # no inbox: the run itself says so
    unchanged = unchanged_release(home, period, inputs_fingerprint(home, period, auto_approve))
    if unchanged is None:
        return False
    version = unchanged.release.version
    _say(f"Unchanged / Không đổi {period}: v{version} stands, nothing new since it (no new "
         f"file; same landed data, decisions and code) / không có gì mới kể từ v{version}, "
         f"không chạy lại ({time.monotonic() - started:.1f} s; `nq57 run --rebuild` to build "
         f"anyway / để vẫn chạy lại)")
    _say(f"  {home.published / period / 'index.html'}")
    return True


def _remember_inputs(home: Home, period: str, auto_approve: bool) -> None:
    """After a run that ended with a release, keep what it was made from."""
    from dagster_project.lib.publish.unchanged import inputs_fingerprint, record_inputs

    release = latest_release(home, period)
    if release is not None:
        record_inputs(home, period, inputs_fingerprint(home, period, auto_approve), release)


def run_pipeline(home: Home, inbox: Path | None, period: str | None,
                 verbose: bool = False, auto_approve: bool = False,
                 rebuild: bool = False) -> int:
    """Run the monthly job for a period and report the outcome; returns the exit code."""
    if period is not None:
        quarter_bounds(period)  # validates the key before anything runs
    started = time.monotonic()
    if not _home_verifies(home):
        return EXIT_FAILED
    if period is None and (period := _default_period(home, inbox, verbose)) is None:
        period = _current_quarter()
        _say(f"No progress reports landed / Chưa có báo cáo tiến độ: building {period}, the "
             f"current quarter, from what has arrived (registers, plans, exports); it is "
             f"published only if its gate passes / dựng quý hiện tại từ các tệp đã nhận, chỉ "
             f"công bố khi qua cổng kiểm soát")
    if not rebuild and _nothing_new(home, inbox, period, auto_approve, started):
        return EXIT_OK
    _say(f"nq57 run: period {period}, home {printable(str(home.root))}, "
         f"inbox {printable(str(inbox or home.inbox))}")
    before = latest_release(home, period)
    result = _execute(home, inbox, period, verbose, auto_approve)
    failed_checks = [e for e in _failed_checks(result) if e.check_name != "publishable"]
    for evaluation in failed_checks:
        description = evaluation.description or ""
        severity = evaluation.severity.value if evaluation.severity else ""
        _say(f"  check failed [{severity}]: {evaluation.asset_key.to_user_string()} "
             f"{evaluation.check_name} {description}")
    release = latest_release(home, period)
    if result.success and release is not None:
        _remember_inputs(home, period, auto_approve)
        return _say_published(home, period, before, release, time.monotonic() - started)
    failures = _step_failures(result)
    faults = [fault for _, _, text in failures if (fault := describe_fault(text, home.root))]
    traces = [write_trace(home.root / "logs", f"run {result.run_id}, step {step}:\n{text}")
              for step, _, text in failures]
    if faults:
        _say(f"nq57: {faults[0]}")
        _say(f"  NOT published / KHÔNG công bố {period}; trace / chi tiết: {traces[0]}")
        prune_failed_staging(home, result.run_id)
        return EXIT_ERROR
    for step, message, _ in failures:
        _say(f"  step failed: {step}: {printable(_first_line(message))}")
    audit = read_audit(home, result.run_id)
    refused = audit is not None and not audit.publishable
    # The scorecard step fails on purpose when the gate refused; any other failure is a crash.
    crashed = [step for step, _, _ in failures if not (refused and step == "scorecard")]
    if crashed:
        _say(f"NOT published / KHÔNG công bố {period}: {', '.join(crashed)} failed / bị lỗi; "
             f"trace / chi tiết: {traces[0]}")
        prune_failed_staging(home, result.run_id)
        return EXIT_ERROR
    reason = (audit.reason() if refused
              else "see the failed checks above / xem các kiểm tra không đạt ở trên")
    _say(f"NOT published / KHÔNG công bố {period}: {reason}")
    from dagster_project.lib.quality.run_records import record_lines

    for line in record_lines(home, result.run_id, period):
        _say(printable(line))
    return EXIT_FAILED


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _say_published(home: Home, period: str, before: Any, release: Any, took: float) -> int:
    """Name the release (new, or the one that stands unchanged) and its files."""
    if before is not None and before.version == release.version:
        _say(f"Unchanged / Không đổi {period}: v{release.version} stands (same data, "
             f"decisions and code) / đã công bố v{release.version}, không tạo bản mới")
    else:
        _say(f"Published / Đã công bố {period} in {took:.0f} s: "
             f"{home.published / period / 'index.html'}")
        _say(f"  release / bản công bố v{release.version}: {release.path} "
             f"({release.manifest['changes_summary']})")
    for output in sorted((release.path / "scorecard").glob("*.*")):
        if output.suffix in (".html", ".pdf", ".xlsx"):
            _say(f"  {output}")
    return EXIT_OK


def _home_verifies(home: Home) -> bool:
    """Run ``nq57 verify``'s checks; say what fails and refuse to go on if anything does."""
    from dagster_project.lib.home.verify import verify_home

    findings = verify_home(home)
    if findings:
        _say(f"nq57: thư mục {home.root} không khớp với hồ sơ của nó, không công bố / the home "
             f"fails verification; nothing is published until it is repaired or restored "
             f"(`nq57 verify`, `nq57 restore`):")
        for finding in findings:
            _say(f"  ✗ {printable(finding.line())}")
    return not findings


def _default_period(home: Home, inbox: Path | None, verbose: bool) -> str | None:
    """Without --period: ingest first (idempotent), then take the latest reported quarter."""
    from dagster_project.lib.ingest.inbox import ingest_inbox

    CONSOLE.append(sys.stdout)  # where the landing's progress goes, as in the run's steps
    try:
        ingest_inbox(home, inbox or home.inbox)
    finally:
        CONSOLE.pop()
    return _latest_landed_quarter(home)


# `nq57 run --engine spark` without the spark extra installed.
SPARK_MISSING = ("nq57: chưa cài gói Spark, hãy chạy `pip install -e .[spark]` (cần Java 17) / "
                 "the Spark engine is not installed: install it with `pip install -e .[spark]` "
                 "(needs Java 17)")


def _spark_installed() -> bool:
    """Whether dbt-spark and PySpark are importable (the ``spark`` extra)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None
               for name in ("pyspark", "dbt.adapters.spark"))


def cmd_run(args: argparse.Namespace) -> int:
    """Ingest, build, gate and publish."""
    if args.engine == "spark" and not _spark_installed():
        _say(SPARK_MISSING)
        return EXIT_USAGE
    # The dbt asset reads the engine from the environment, as Dagster runs it in-process.
    os.environ["NQ57_ENGINE"] = args.engine
    home = Home.from_env().ensure()
    inbox = Path(args.inbox).resolve() if args.inbox else None
    return run_pipeline(home, inbox, args.period, args.verbose, args.auto_approve,
                        args.rebuild)


# One line in both languages, naming the command that fixes it.
DEMO_MISSING = ("nq57: chưa cài gói demo, hãy chạy `pip install -e .[demo]` / the demo package "
                "is not installed: install it with `pip install -e .[demo]`")


def _demo_generator() -> Callable[[Path], Any] | None:
    """The demo generator, or None when the ``demo`` extra is not installed.

    Imported here and nowhere else in the product, so that a deployment without the extra
    runs every other command. Only a missing ``demo`` package is reported as such: a module
    the demo itself cannot import is a bug and is raised.
    """
    try:
        from demo.generator import generate_demo_inbox
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "demo":
            raise
        return None
    return generate_demo_inbox


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the demo inbox into the home and run the pipeline on it."""
    generate_demo_inbox = _demo_generator()
    if generate_demo_inbox is None:
        _say(DEMO_MISSING)
        return EXIT_USAGE
    home = Home.from_env().ensure()
    started = time.monotonic()
    _say(f"Generating the demo inbox in {home.inbox} …")
    summary = generate_demo_inbox(home.inbox)
    _say(f"  {len(summary.files)} files in {time.monotonic() - started:.0f} s")
    # The demo approves its own audit when the rules pass; the manifest records that. Earlier
    # quarters are published first, oldest first, so that the quarter asked for is the last
    # run: its build becomes the working warehouse.
    quarters = [*previous_quarters(args.period, args.history), args.period]
    codes = [run_pipeline(home, home.inbox, quarter, args.verbose, auto_approve=True)
             for quarter in quarters]
    _say(f"Demo: {sum(code == EXIT_OK for code in codes)}/{len(quarters)} quarters published "
         f"({', '.join(quarters)}) in {time.monotonic() - started:.0f} s")
    return codes[-1] if all(code == EXIT_OK for code in codes[:-1]) else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    """The ``nq57`` argument parser (also documents the home layout)."""
    parser = argparse.ArgumentParser(
        prog="nq57",
        description="nq57 — warehouse and quarterly scorecard for monitoring Resolution "
                    "57-NQ/TW: ingest agency spreadsheets, build the DuckDB warehouse with "
                    "dbt, gate with Great Expectations, publish the Vietnamese scorecard.",
        epilog=HOME_LAYOUT + "\n" + EXIT_CODES,
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
    run.add_argument("--engine", choices=ENGINES,
                     default=os.environ.get("NQ57_ENGINE") or "duckdb",
                     help="what builds the warehouse: duckdb (default) or spark (dbt-spark, the "
                          "`spark` extra; the gate and reports read DuckDB either way)")
    run.add_argument("--rebuild", action="store_true",
                     help="build, check and render even when nothing changed since the "
                          "quarter's release (by default such a run stops at once)")
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
    add_reject_command(commands)
    add_home_commands(commands)
    add_status_command(commands)
    for name, sub in commands.choices.items():
        if name in WRITERS:
            sub.add_argument("--no-wait", action="store_true",
                             help="if another command is writing to the home, exit 3 at once "
                                  "instead of waiting for it")
    return parser


def _locked(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run a command that changes the home under the home's writer lock."""
    home = Home.from_env()
    if args.command != "restore":
        home = home.ensure()
    command = " ".join(["nq57", *argv])[:200]
    with writer_lock(home, command, wait=not args.no_wait, on_wait=_say):
        return args.func(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nq57`` console script."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        if args.command in WRITERS:
            return _locked(args, argv)
        return args.func(args)
    except HomeBusyError as error:
        _say(f"nq57: {error}")
        return EXIT_BUSY
    except ValueError as error:
        _say(f"nq57: {error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("nq57: interrupted / đã dừng (nothing half-written is visible to readers)")
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - one line for the user, the trace to the log
        return _fault(error)


def _fault(error: BaseException) -> int:
    """Say a failure in one line (the trace goes to the home's log) and exit 4."""
    home = Home.from_env()
    trace = write_trace(home.root / "logs", error)
    with contextlib.suppress(OSError):
        prune_failed_staging(home)
    line = (describe_fault(error, home.root)
            or f"{type(error).__name__}: {_first_line(str(error))}")
    _say(f"nq57: {printable(line)}")
    _say(f"  trace / chi tiết: {trace}" if trace else
         "  (the trace could not be written either / không ghi được chi tiết lỗi)")
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
