"""Public-service portal exports: the five rates, and the checks a count needs beyond its type.

The contract reads each dossier count as an integer, so a negative count, a rate's numerator
above its base, and a pair with only one half filled all pass it. Each would distort the
rates silently (a numerator above its base gives a rate above 100%; half a pair cannot be
read as a rate at all), so they are quarantined here before landing and the portal operator
is told which cell to correct, in Vietnamese and English. The gate's reconciliation rules
check numerators against bases again on the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.text.intake_rules import part
from dagster_project.lib.text.vnformat import fmt_int

__all__ = ["COUNT_COLUMNS", "RATES", "Rate", "complete_public_service_submission"]


@dataclass(frozen=True)
class Rate:
    """One portal rate: its numerator and base columns and its names."""

    name: str
    numerator: str
    base: str
    label_vi: str
    label_en: str


RATES: tuple[Rate, ...] = (
    Rate("online", "dossiers_online", "dossiers_received",
         "Tỷ lệ hồ sơ trực tuyến", "Online dossier rate"),
    Rate("digitisation", "dossiers_digitised", "digitisation_base",
         "Tỷ lệ số hóa hồ sơ", "Digitisation rate"),
    Rate("reuse", "dossiers_reused", "reuse_base",
         "Tỷ lệ khai thác, sử dụng lại dữ liệu", "Data-reuse rate"),
    Rate("e_result", "results_electronic", "dossiers_resolved",
         "Tỷ lệ trả kết quả điện tử", "Electronic-result rate"),
    Rate("online_payment", "dossiers_paid_online", "payment_base",
         "Tỷ lệ thanh toán trực tuyến", "Online-payment rate"),
)
COUNT_COLUMNS: tuple[str, ...] = tuple(
    column for rate in RATES for column in (rate.base, rate.numerator))


def _negative(submission: ParsedSubmission, row: dict[str, Any]) -> list[Problem]:
    problems = []
    for column in COUNT_COLUMNS:
        count = row.get(column)
        if count is not None and count < 0:
            shown = fmt_int(int(count))
            problems.append(submission.row_problem(row, column, shown, "count_negative",
                                                   count=(shown, str(int(count)))))
    return problems


def _pair(submission: ParsedSubmission, row: dict[str, Any], rate: Rate) -> list[Problem]:
    numerator, base = row.get(rate.numerator), row.get(rate.base)
    if numerator is None and base is None:
        return []
    if numerator is None or base is None:
        column = rate.numerator if numerator is None else rate.base
        given, missing = ("base", "numerator") if numerator is None else ("numerator", "base")
        return [submission.row_problem(
            row, column, None, "rate_half_missing", rate=(rate.label_vi, rate.label_en),
            given=part("rate_half_missing", given), missing=part("rate_half_missing", missing))]
    if numerator <= base:
        return []
    shown = fmt_int(int(numerator))
    return [submission.row_problem(
        row, rate.numerator, shown, "numerator_exceeds_base",
        rate=(rate.label_vi, rate.label_en), numerator=(shown, f"{int(numerator):,}"),
        base=(fmt_int(int(base)), f"{int(base):,}"))]


def complete_public_service_submission(submission: ParsedSubmission) -> ParsedSubmission:
    """Quarantine portal rows with a negative count or a rate that cannot be read.

    A row with a problem is removed and its problems added to the submission, so landing
    quarantines it like a contract problem: the portal operator corrects and resends the
    month (a month missing a body would understate the level's rates).

    Args:
        submission: A parsed file; files of other sources are returned unchanged.

    Returns:
        The same submission, completed in place.
    """
    if submission.table != "public_service":
        return submission

    def check(row: dict[str, Any]) -> list[Problem]:
        problems = _negative(submission, row)
        if not problems:
            for rate in RATES:
                problems += _pair(submission, row, rate)
        return problems

    submission.quarantine_rows(check)
    return submission
