"""Checks on budget exports that need more than a column type: signs and commune codes.

The contracts read an amount as a number and a commune code as one to five digits, so a
negative figure and a well-formed code that names no commune both pass the contract. Both
would distort the marts silently: a negative disbursement lowers a province's rate, and an
unknown code counts a commune that does not exist among the communes reporting. They are
caught here, before landing, so that the Ministry of Finance is told which row to correct
(in Vietnamese and English, like every other problem) and nothing wrong reaches the
warehouse. dbt tests the same rules again on what has landed.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.reference.agencies import DEFAULT_SEEDS_DIR
from dagster_project.lib.text.vnformat import fmt_number

__all__ = ["AMOUNT_COLUMNS", "commune_codes", "complete_budget_submission"]

# Amount columns per landed table (tỷ đồng).
AMOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "budget_allocation": ("total_budget", "allocated_budget", "assigned_estimate"),
    "budget_disbursement": ("disbursed",),
}
COMMUNE_CODE_DIGITS = 5


@cache
def commune_codes(seeds_dir: Path = DEFAULT_SEEDS_DIR) -> frozenset[str]:
    """Official five-digit codes of the communes in force (the ``communes`` seed).

    Read from the seed rather than the warehouse so that a file can be checked
    (``nq57 check``) before any warehouse exists; the seed is what dbt's relationship test
    on ``stg_budget__disbursements.commune_code`` compares against too.
    """
    with (Path(seeds_dir) / "communes.csv").open(encoding="utf-8") as handle:
        return frozenset(row["commune_code"] for row in csv.DictReader(handle))


def _negative_amounts(submission: ParsedSubmission, row: dict[str, Any],
                      columns: tuple[str, ...]) -> list[Problem]:
    problems = []
    for name in columns:
        amount = row.get(name)
        if amount is None or amount >= 0:
            continue
        text = fmt_number(Decimal(str(amount)), 2)
        problems.append(submission.row_problem(row, name, text, "amount_negative", amount=text))
    return problems


def _unknown_commune(submission: ParsedSubmission, row: dict[str, Any],
                     known: Collection[str]) -> list[Problem]:
    code = row.get("commune_code")
    if code is None or str(code).zfill(COMMUNE_CODE_DIGITS) in known:
        return []
    padded = str(code).zfill(COMMUNE_CODE_DIGITS)
    return [submission.row_problem(row, "commune_code", str(code), "commune_unknown",
                                   code=padded)]


def complete_budget_submission(submission: ParsedSubmission,
                               known_communes: Collection[str] | None = None,
                               ) -> ParsedSubmission:
    """Quarantine budget rows with a negative amount or an unknown commune code.

    A row with either problem is removed and its problems added to the submission, so
    landing quarantines it exactly like a contract problem and the file is rejected (the
    agency must correct and resend it; a partial export would understate the totals).

    Args:
        submission: A parsed file; files of other sources are returned unchanged.
        known_communes: Five-digit codes of the communes in force (defaults to the seed).

    Returns:
        The same submission, completed in place.
    """
    columns = AMOUNT_COLUMNS.get(submission.table or "")
    if columns is None:
        return submission
    known = commune_codes() if known_communes is None else known_communes

    def check(row: dict[str, Any]) -> list[Problem]:
        problems = _negative_amounts(submission, row, columns)
        if submission.table == "budget_disbursement":
            problems += _unknown_commune(submission, row, known)
        return problems

    submission.quarantine_rows(check)
    return submission
