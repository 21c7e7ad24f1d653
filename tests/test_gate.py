"""The rule catalogue and its GX validation, without a warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.quality.gate import (
    load_catalogue,
    quarter_bounds,
    read_verdict,
    validate_suite,
    write_results,
)
from dagster_project.lib.reference.periods import ReportingPeriod


@pytest.fixture(scope="module")
def suites():
    return {suite.name: suite for suite in load_catalogue()}


def test_catalogue_has_unique_ids_and_both_severities(suites) -> None:
    rules = [rule for suite in suites.values() for rule in suite.rules]
    assert len({rule.id for rule in rules}) == len(rules)
    assert {rule.severity for rule in rules} == {"blocking", "warning"}
    assert all(rule.message_vi and rule.message_en for rule in rules)


@pytest.mark.parametrize(("share", "passed"), [(0.0, True), (0.05, True), (0.051, False)])
def test_evidence_rule_blocks_above_five_percent(suites, share: float, passed: bool) -> None:
    frame = pd.DataFrame({"reporting_month": [date(2026, 4, 1), date(2026, 6, 1)],
                          "tasks_reported_done": [1000, 1200],
                          "share_without_evidence": [0.01, share]})
    (result,) = validate_suite(suites["task_completion_evidence"], frame)
    assert result.rule_id == "TASK-020" and result.passed is passed


def test_national_reconciliation_catches_a_lost_task(suites) -> None:
    frame = pd.DataFrame({"tasks_assigned": [1937], "tasks_with_deadline": [1469],
                          "tasks_by_status": [1469], "tasks_by_kind": [1937],
                          "tasks_in_register": [1938]})
    results = {r.rule_id: r.passed for r in validate_suite(suites["task_completion_national"],
                                                          frame)}
    assert results == {"TASK-030": True, "TASK-031": False, "TASK-032": True, "TASK-033": True}


def test_verdict_needs_every_suite_for_the_period(suites, tmp_path: Path) -> None:
    home = Home(tmp_path).ensure()
    period = ReportingPeriod("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 29))
    frame = pd.DataFrame({"reporting_month": [date(2026, 6, 1)], "tasks_reported_done": [10],
                          "share_without_evidence": [0.0]})
    suite = suites["task_completion_evidence"]
    write_results(home, "run-1", suite, period, validate_suite(suite, frame))
    verdict = read_verdict(home, "run-1", "2026-Q2")
    assert not verdict.passed
    assert "task_register" in verdict.missing_suites
    assert "task_completion_evidence" not in verdict.missing_suites
    assert "dbt_tests" in verdict.missing_suites  # the dbt data tests are part of the audit
    assert read_verdict(home, "run-1", "2026-Q1").missing_suites == (*suites, "dbt_tests")


def test_quarter_bounds() -> None:
    assert quarter_bounds("2026-Q2") == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter_bounds("2025-Q4") == (date(2025, 10, 1), date(2025, 12, 31))
    with pytest.raises(ValueError, match="2026-Q2"):
        quarter_bounds("2026-2")


def test_failing_rows_are_counted_per_agency(suites) -> None:
    frame = pd.DataFrame({
        "task_id": ["T1", "T2", "T3", "T4"],
        "lead_agency_id": ["BKHCN", None, "BTC", None],
        "deadline_text": ["2026", "2026", None, "Thường xuyên"],
    })
    results = {r.rule_id: r for r in validate_suite(suites["task_register"], frame)}
    assert results["TASK-001"].passed and results["TASK-001"].failing_rows == []
    lead = results["TASK-002"]
    assert not lead.passed and [row["task_id"] for row in lead.failing_rows] == ["T2", "T4"]
    deadline = results["TASK-003"]
    assert deadline.failing_by_agency == {"BTC": 1}
    assert deadline.area == "tasks" and deadline.owner == "Cơ quan Thường trực"


def test_an_empty_batch_rule_lists_every_row_as_failing(suites) -> None:
    frame = pd.DataFrame({"task_code": ["X-1", "X-2", "X-3"],
                          "reporting_agency_id": ["BYT", "BYT", "HNI"]})
    (result,) = validate_suite(suites["submission_rejected_unanswered"], frame)
    assert not result.passed
    assert result.failing_by_agency == {"BYT": 2, "HNI": 1}
    assert [row["task_code"] for row in result.failing_rows] == ["X-1", "X-2", "X-3"]
