"""The gate's rules that one file can break on its own, run on a file before it is sent.

An office used to get ACCEPTED from ``nq57 check`` for a corrected report that then blocked
the whole quarter in the gate (a completion date after the report's own date, a task code
the register does not know). Such rules are now stated once, as catalogue suites that read
``{file_rows}`` (``file_table`` in ``expectations/suites/*.yml``): the gate validates the
rows of the period's current files with them, and ``nq57 check`` validates each file's rows
with the very same suite and GX expectation, reporting a failing row as an error under the
gate's rule id and message. A file ``check`` accepts therefore cannot block a quarter alone.

Some of these rules look a file's rows up in the warehouse (the task register). ``check``
attaches the home's working warehouse read-only for them; without one it says which rules
it could not run rather than pass or fail them.
"""

from __future__ import annotations

import json
import string
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib.home.bounded_duckdb import bounded_connection
from dagster_project.lib.ingest.landed import landed_tables
from dagster_project.lib.ingest.landing import typed_select
from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.quality.gate import Rule, Suite, load_catalogue, validate_suite
from dagster_project.lib.text.vnformat import fmt_date

__all__ = ["FileRulesOutcome", "check_file_rules", "file_suites"]


@dataclass
class FileRulesOutcome:
    """What running the per-file suites over some files found beyond the problems it added."""

    # Rules that could not run because they read the warehouse and there was none.
    unchecked: list[str] = field(default_factory=list)
    warehouse: Path | None = None


def file_suites(suites: Sequence[Suite] | None = None) -> dict[str, list[Suite]]:
    """The catalogue's per-file suites by the landed table whose rows they judge."""
    by_table: dict[str, list[Suite]] = {}
    for suite in suites if suites is not None else load_catalogue():
        if suite.file_table:
            by_table.setdefault(suite.file_table, []).append(suite)
    return by_table


def _file_query(suite: Suite) -> str:
    """The suite's query reading the registered ``file_rows`` view."""
    fields = {name for _, name, _, _ in string.Formatter().parse(suite.query) if name}
    if fields != {"file_rows"}:
        raise ValueError(f"catalogue: per-file suite {suite.name} may only read {{file_rows}}, "
                         f"not {sorted(fields - {'file_rows'})}")
    return suite.query.format(file_rows="file_rows")


def _problem(submission: ParsedSubmission, rule: Rule, row: dict[str, Any]) -> Problem:
    """A failing row as the sender reads it: its sheet, row, column as written and value."""
    column = rule.file_column
    value = row.get(column) if column else None
    sheet = row.get("sheet_name")
    label = submission.column_labels.get(sheet or "", {}).get(column or "", column)
    if column and column in submission.metadata:  # a title-block value: one per sheet
        label, row_number = None, None
    else:
        row_number = int(row["row_number"]) if pd.notna(row.get("row_number")) else None
    return Problem(submission.path.name, sheet, row_number, label, _shown(row, column, value),
                   rule.id, rule.message_vi, rule.message_en, "error")


def _shown(row: dict[str, Any], column: str | None, value: Any) -> str | None:
    """The value as the sender wrote it where the row kept that, else as Vietnamese read it."""
    if column is None or value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    originals = row.get("original_values")
    if isinstance(originals, str) and column in (written := json.loads(originals)):
        return str(written[column])
    if isinstance(value, datetime | date):
        return fmt_date(value if type(value) is date else value.date())
    return str(value)


def _suite_problems(con: duckdb.DuckDBPyConnection, submission: ParsedSubmission,
                    suite: Suite) -> list[Problem]:
    frame = con.execute(_file_query(suite)).fetchdf()
    failing: dict[str, pd.DataFrame] = {}
    validate_suite(suite, frame, rows_out=failing)
    problems: dict[tuple[Any, ...], Problem] = {}
    for rule in suite.rules:
        for row in failing.get(rule.id, frame.iloc[0:0]).to_dict("records"):
            problem = _problem(submission, rule, row)
            problems.setdefault((problem.rule, problem.sheet, problem.row), problem)
    return list(problems.values())


def _checkable(submissions: Iterable[ParsedSubmission],
               by_table: dict[str, list[Suite]]) -> list[ParsedSubmission]:
    return [s for s in submissions if s.table in by_table and s.rows]


def check_file_rules(submissions: Sequence[ParsedSubmission],
                     warehouse: Path | None) -> FileRulesOutcome:
    """Run the per-file suites over each submission's rows; add what fails as errors.

    ``warehouse`` (the home's working warehouse, attached read-only) answers the rules that
    look rows up in it; a suite that needs it when there is none is listed as unchecked.
    """
    by_table = file_suites()
    outcome = FileRulesOutcome(warehouse=warehouse if warehouse and warehouse.exists() else None)
    checkable = _checkable(submissions, by_table)
    if not checkable:
        return outcome
    spill = (outcome.warehouse.parent / "tmp" if outcome.warehouse
             else Path(tempfile.gettempdir()))
    with bounded_connection(outcome.warehouse, spill_under=spill, read_only=True) as con:
        for submission in checkable:
            # The file's rows with the column types they would land with.
            schema = landed_tables()[submission.table or ""].schema
            con.register("file_rows_untyped",
                         pd.DataFrame.from_records(submission.rows, columns=list(schema)))
            con.execute("create or replace temp view file_rows as "
                        f"{typed_select(schema, 'file_rows_untyped')}")
            found: list[Problem] = []
            for suite in by_table[submission.table or ""]:
                try:
                    found.extend(_suite_problems(con, submission, suite))
                except duckdb.CatalogException:
                    outcome.unchecked.extend(rule.id for rule in suite.rules
                                             if rule.id not in outcome.unchecked)
            con.unregister("file_rows_untyped")
            _reject_rows(submission, found)
    return outcome


def _reject_rows(submission: ParsedSubmission, problems: list[Problem]) -> None:
    """Record the problems; a row one of them names no longer counts as valid."""
    submission.problems.extend(problems)
    failing = {(p.sheet, p.row) for p in problems if p.row is not None}
    submission.rows = [row for row in submission.rows
                       if (row.get("sheet_name"), row.get("row_number")) not in failing]
