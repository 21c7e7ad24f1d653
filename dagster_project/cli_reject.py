"""``nq57 reject``: set one received file aside (or, with ``--undo``, restore it).

The decision goes into the quarter's review log (see ``lib.quality.set_aside``); the next
``nq57 run`` builds without the file, so the body's previous file for that month stands.
A feedback workbook for the file, listing what was wrong with it and why it was set aside,
is written under ``NQ57_HOME/feedback/<period>/`` for the office to send back.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.console import EXIT_FAILED, EXIT_OK
from dagster_project.console import say as _say
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.submission import Problem
from dagster_project.lib.quality.gate import latest_gate_results
from dagster_project.lib.quality.review import ReviewError
from dagster_project.lib.quality.set_aside import LandedFile, restore, set_aside
from dagster_project.lib.reference.periods import VIETNAM_TIME
from dagster_project.lib.text.terminal import json_text, printable


def _archived(home: Home, landed: LandedFile) -> Path:
    """The file as it was received, from the archive."""
    return home.archive / landed.sha256[:2] / landed.sha256 / landed.file_name


def _intake_problems(home: Home, landed: LandedFile) -> list[Problem]:
    """The problems ingestion recorded for the file (its quarantine)."""
    folder = home.landing / "quarantine"
    if not any(folder.glob("*.parquet")):
        return []
    with duckdb.connect() as con:
        rows = con.execute(
            "select file_name, sheet_name, row_number, column_label, raw_value, rule,"
            " message_vi, message_en, severity from read_parquet(?, union_by_name = true)"
            " where file_sha256 = ? order by row_number nulls first",
            [str(folder / "*.parquet"), landed.sha256]).fetchall()
    return [Problem(*row) for row in rows]


def _gate_problems(home: Home, period_key: str, landed: LandedFile) -> list[Problem]:
    """The rows of the file that failed a gate rule in the quarter's latest audit."""
    found = latest_gate_results(home, period_key)
    if found is None:
        return []
    problems = []
    for result in found[2]:
        for row in result.failing_rows:
            if row.get("file_sha256") == landed.sha256 and not result.passed:
                problems.append(Problem(
                    landed.file_name, row.get("sheet_name"), row.get("row_number"), None,
                    None, result.rule_id, result.message_vi, result.message_en, "error"))
    return problems


def _write_feedback(home: Home, period_key: str, landed: LandedFile) -> Path | None:
    """The feedback workbook for the file set aside, for the office to send back."""
    from dagster_project.lib.ingest.feedback import write_feedback_files

    source = _archived(home, landed)
    problems = [*_gate_problems(home, period_key, landed), *_intake_problems(home, landed)]
    if not source.exists() or not problems:
        return None
    (written,) = write_feedback_files([(source, problems)], home.root / "feedback" / period_key)
    return written


def _say_decision(entry: dict[str, Any], landed: LandedFile, feedback: Path | None) -> None:
    undone = entry["action"] == "restore"
    what = ("restored / được dùng lại" if undone
            else "set aside / để riêng, không dùng")
    _say(f"{printable(landed.file_name)} ({landed.sha256[:12]}, {landed.source}, "
         f"{landed.reporting_agency_id}, {landed.reporting_month}): {what} — "
         f"{printable(entry['by'])}: {printable(entry['reason'])}")
    _say("  the next `nq57 run` builds " + ("with it / lần chạy sau dùng lại tệp này" if undone
         else "without it; the body's previous file for the month stands / lần chạy sau không "
              "dùng tệp này, tệp trước đó của cơ quan cho tháng này được dùng lại"))
    if feedback is not None:
        _say(f"  feedback / phản hồi: {printable(str(feedback))}")


def cmd_reject(args: argparse.Namespace) -> int:
    """Set a received file aside for a quarter, or restore it with ``--undo``."""
    home = Home.from_env()
    decide = restore if args.undo else set_aside
    try:
        entry, landed = decide(home, args.period, args.file, args.by, args.reason,
                               datetime.now(VIETNAM_TIME))
    except ReviewError as error:
        _say(str(error))
        return EXIT_FAILED
    feedback = None if args.undo else _write_feedback(home, args.period, landed)
    if args.json:
        _say(json_text({"decision": entry, "feedback": str(feedback) if feedback else None}))
    else:
        _say_decision(entry, landed, feedback)
    return EXIT_OK


def add_reject_command(commands: Any) -> None:
    """Register ``nq57 reject``."""
    reject = commands.add_parser(
        "reject",
        help="set one received file aside so the body's previous file stands (--undo: "
             "restore it)",
        description="Set one received file aside for a quarter: recorded in the review log, "
                    "the next run builds without it and the body's previous accepted file "
                    "for that month stands again. A feedback workbook is written under "
                    "NQ57_HOME/feedback/<period>/.")
    reject.add_argument("file", metavar="FILE|SHA",
                        help="the file as received, or its SHA-256 (at least 8 characters)")
    reject.add_argument("--period", required=True, help="the quarter, e.g. 2026-Q2")
    reject.add_argument("--by", required=True, help="who decides")
    reject.add_argument("--reason", required=True, help="why (at least 15 characters)")
    reject.add_argument("--undo", action="store_true", help="restore a file set aside")
    reject.add_argument("--json", action="store_true", help="machine-readable output")
    reject.set_defaults(func=cmd_reject)
