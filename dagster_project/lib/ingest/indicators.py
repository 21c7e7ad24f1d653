"""Indicator files before they land: target and result texts read into their parts.

The contract reads an indicator register's targets and a results report's values as text
(an office writes "≥ 40%", "top 3 Đông Nam Á", "đạt 91,9%"); ``text.targets`` reads that
text. This module applies it to a parsed file: rows whose text cannot be read are
quarantined with their problem, and a register gains one ``indicator_target`` row per
target part.
"""

from __future__ import annotations

from typing import Any

from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.text.targets import parse_actual, parse_targets, parse_value_period
from dagster_project.lib.text.values import ValueParseError

DEFAULT_TARGET_YEAR = 2030  # Resolution 57's horizon; the register's "Năm mục tiêu" wins


def _row_problem(submission: ParsedSubmission, row: dict[str, Any], column: str,
                 error: ValueParseError, severity: str = "error") -> Problem:
    return submission.row_rejection(row, column, row.get(column), error, severity)


def _complete_register(submission: ParsedSubmission) -> None:
    kept: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for row in submission.rows:
        try:
            targets = parse_targets(row.get("target_text") or "",
                                    row.get("target_year") or DEFAULT_TARGET_YEAR)
        except ValueParseError as error:
            qualitative = error.rule == "target_qualitative"
            submission.problems.append(_row_problem(
                submission, row, "target_text", error, "warning" if qualitative else "error"))
            if qualitative:  # kept: assessed by a manual status override only
                kept.append({**row, "is_quantitative": False, "target_parts": 0})
            continue
        kept.append({**row, "is_quantitative": True, "target_parts": len(targets),
                     "target_year": targets[0].target_year})
        parts.extend({
            "file_sha256": row["file_sha256"],
            "indicator_id": row["indicator_id"],
            "target_part": target.part,
            "comparator": target.comparator,
            "target_value": target.value,
            "target_value_high": target.value_high,
            "unit": target.unit,
            "scope": target.scope,
            "qualifier": target.qualifier,
            "target_year": target.target_year,
            "target_text": target.original,
        } for target in targets)
    submission.rows = kept
    submission.child_rows["indicator_target"] = parts


def _complete_actuals(submission: ParsedSubmission) -> None:
    kept: list[dict[str, Any]] = []
    for row in submission.rows:
        try:
            period = parse_value_period(row.get("period_text"))
        except ValueParseError as error:
            submission.problems.append(_row_problem(submission, row, "period_text", error))
            continue
        try:
            actual = parse_actual(row.get("actual_text"))
        except ValueParseError as error:
            submission.problems.append(_row_problem(submission, row, "actual_text", error))
            continue
        kept.append({
            **row,
            "period_grain": period.grain,
            "period_start": period.start,
            "period_end": period.end,
            "period_label": period.label,
            "has_data": actual is not None,
            "actual_value": actual.value if actual else None,
            "actual_unit": actual.unit if actual else None,
            "actual_scope": actual.scope if actual else None,
            "actual_numerator": actual.numerator if actual else None,
            "actual_denominator": actual.denominator if actual else None,
            "is_approximate": actual.approximate if actual else None,
        })
    submission.rows = kept


def complete_indicator_submission(submission: ParsedSubmission) -> ParsedSubmission:
    """Parse the text columns of an indicator submission the contract keeps as text.

    The contract reader knows generic column types; target texts, actual texts and periods
    need this module. Rows whose text cannot be read are removed and their problems added
    to the submission, so landing quarantines them exactly like contract problems (a
    qualitative target is a warning: the indicator is kept, unassessed). Register files gain
    the child table ``indicator_target``, one row per target part.

    Args:
        submission: A parsed file; files of other sources are returned unchanged.

    Returns:
        The same submission, completed in place.
    """
    if submission.table == "indicator":
        _complete_register(submission)
    elif submission.table == "indicator_actual":
        _complete_actuals(submission)
    return submission
