"""Indicator files before they land: target and result texts read into their parts.

The contract reads an indicator register's targets and a results report's values as text
(an office writes "≥ 40%", "top 3 Đông Nam Á", "đạt 91,9%"); ``text.targets`` reads that
text. This module applies it to a parsed file: rows whose text cannot be read are
quarantined with their problem, and a register gains one ``indicator_target`` row per
target part.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.text.targets import (
    Actual,
    ValuePeriod,
    parse_actual,
    parse_printed_result,
    parse_targets,
    parse_value_period,
    printed_period,
)
from dagster_project.lib.text.values import ValueParseError

DEFAULT_TARGET_YEAR = 2030  # Resolution 57's horizon; the register's "Năm mục tiêu" wins
YEAR_REMARK = "(Đến năm 2045)"  # printed before a name, it dates the target, not the name


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


def _actual_columns(period: ValuePeriod, actual: Actual | None) -> dict[str, Any]:
    """The columns an actual lands beside its text: its period and figure, or no data."""
    return {
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
    }


def split_name_and_target(cell: str) -> tuple[str, str | None]:
    """Split a printed "<indicator>: <target>" cell at its last ": ".

    A name may itself hold a colon-free remark; the target is what follows the last colon
    ("Kinh phí chi cho nghiên cứu phát triển (R&D): 2% GDP."). A leading "(Đến năm 2045)"
    dates the target, so it moves there. A cell without a colon is a name without a target.
    """
    name, colon, target = cell.rpartition(": ")
    if not colon:
        return cell.strip(), None
    if name.startswith(YEAR_REMARK):
        name, target = name[len(YEAR_REMARK):].strip(), f"{YEAR_REMARK} {target}"
    return name.strip(), target.strip() or None


def _target_unit(target: str | None) -> str | None:
    """The unit a printed target's figure is in; None when it states no readable figure."""
    try:
        return parse_targets(target or "", DEFAULT_TARGET_YEAR)[0].unit
    except ValueParseError:
        return None


def _printed_row(submission: ParsedSubmission, row: dict[str, Any], as_of: date
                 ) -> dict[str, Any]:
    """One printed results row completed: name and target apart, figure or no data, period."""
    name, target = split_name_and_target(row.get("indicator_name") or "")
    text = row.get("actual_text")
    try:
        result = parse_printed_result(text, _target_unit(target), as_of)
        actual, period = result.actual, result.period
    except ValueParseError as error:  # prose without one figure: its text, as no data
        submission.problems.append(_row_problem(submission, row, "actual_text", error,
                                                "warning"))
        actual, period = None, printed_period("", as_of)
    context = "\n".join((text or "").split("\n")[1:]).strip()
    return {**row, "indicator_name": name, "target_text": target,
            "reporting_month": as_of.replace(day=1),
            "data_source": submission.column_labels.get(row["sheet_name"], {}).get(
                "actual_text"),
            "note": context or None, **_actual_columns(period, actual)}


def _complete_printed(submission: ParsedSubmission) -> None:
    """A results table as printed: every row lands, with a figure or as no data."""
    as_of = submission.metadata.get("as_of_date")
    submission.rows = [_printed_row(submission, row, row.get("as_of_date") or as_of)
                       for row in submission.rows if row.get("as_of_date") or as_of]


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
        kept.append({**row, **_actual_columns(period, actual)})
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
    elif submission.source == "indicator_result_table":
        _complete_printed(submission)
    elif submission.table == "indicator_actual":
        _complete_actuals(submission)
    return submission
