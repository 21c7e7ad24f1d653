"""Reconciliation rules of the catalogue, run against the demo warehouse.

Each rule passes on the published demo and fails, with its stated severity, once the marts
are made to break it: a body's figures that no longer add up, a disbursement above its
estimate without a note, an owner not in the agency reference, a rate above 100%, an item
handled before it was received.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.quality.gate import Suite, load_catalogue, run_suite

PERIOD = "2026-Q2"
RECONCILIATIONS = {
    "BUD-001": "blocking", "BUD-002": "blocking", "CSDL-001": "blocking",
    "CSDL-002": "warning", "IND-001": "warning", "IND-002": "warning",
    "PS-001": "blocking", "PS-010": "blocking", "PS-011": "blocking",
}


@pytest.fixture(scope="module")
def suites() -> dict[str, Suite]:
    return {rule.id: suite for suite in load_catalogue() for rule in suite.rules}


@pytest.fixture
def warehouse(published_home: Path, tmp_path: Path) -> Path:
    """A private copy of the demo warehouse that a test may break."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_home / "warehouse.duckdb", copy)
    return copy


def _passed(warehouse: Path, suite: Suite, rule_id: str) -> bool:
    _, results = run_suite(warehouse, suite, PERIOD)
    return next(result.passed for result in results if result.rule_id == rule_id)


def _execute(warehouse: Path, sql: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(sql)


def test_every_reconciliation_has_its_stated_severity(suites: dict[str, Suite]) -> None:
    severities = {rule.id: rule.severity for suite in suites.values() for rule in suite.rules
                  if rule.id in RECONCILIATIONS}
    assert severities == RECONCILIATIONS


def test_the_demo_passes_every_reconciliation(published_home: Path,
                                              suites: dict[str, Suite]) -> None:
    failed = [rule_id for rule_id in RECONCILIATIONS
              if not _passed(published_home / "warehouse.duckdb", suites[rule_id], rule_id)]
    assert failed == []


@pytest.mark.parametrize(("rule_id", "breakage"), [
    ("BUD-001", """update intermediate.int_budget_allocation_reconciliation
                   set is_reconciled = false
                   where as_of_date = date '2026-06-17'"""),
    ("BUD-002", """update marts.fct_budget
                   set disbursed_exceeds_estimate = true, disbursement_note = null
                   where agency_id = 'BKHCN' and pillar = 'KHCN'
                     and as_of_date = date '2026-06-17'"""),
    ("CSDL-001", """update marts.fct_csdl_readiness set owner_agency_id = 'BTTTT_CU'
                    where database_id = 'KH02-01'"""),
    ("CSDL-002", """insert into intermediate.int_csdl_status_latest (database_id, as_of_date)
                    values ('KH02-99', date '2026-06-29')"""),
    ("IND-001", """update intermediate.int_indicator_actuals set unit_matches_target = false
                   where indicator_id = (select min(indicator_id)
                                         from intermediate.int_indicator_actuals
                                         where has_data)"""),
    ("IND-002", """update intermediate.int_indicator_actuals set indicator_id = '99.9'
                   where indicator_id = (select min(indicator_id)
                                         from intermediate.int_indicator_actuals
                                         where has_data)"""),
    ("PS-001", """update marts.fct_public_service set dossiers_reused = reuse_base + 1
                  where agency_id = 'BTP' and reporting_month = date '2026-05-01'"""),
    ("PS-001", """update marts.fct_public_service set digitisation_base = null
                  where agency_id = 'BYT' and reporting_month = date '2026-01-01'"""),
    ("PS-010", """update marts.fct_feedback_item set received_date = date '2026-07-01'
                  where item_id = 'PAKN-2026-00001'"""),
    ("PS-011", """update marts.fct_feedback_item set handled_date = received_date - 1
                  where is_handled and as_of_date = date '2026-06-29'
                    and item_id = (select min(item_id) from marts.fct_feedback_item
                                   where is_handled)"""),
])
def test_breaking_the_marts_fails_the_rule(warehouse: Path, suites: dict[str, Suite],
                                           rule_id: str, breakage: str) -> None:
    suite = suites[rule_id]
    assert _passed(warehouse, suite, rule_id)
    _execute(warehouse, breakage)
    assert not _passed(warehouse, suite, rule_id)


def test_an_explained_overspend_passes(warehouse: Path, suites: dict[str, Suite]) -> None:
    _execute(warehouse, """
        update marts.fct_budget
        set disbursed_exceeds_estimate = true,
            disbursement_note = 'Kinh phí năm 2025 chuyển sang'
        where agency_id = 'BKHCN' and pillar = 'KHCN' and as_of_date = date '2026-06-17'
    """)
    assert _passed(warehouse, suites["BUD-002"], "BUD-002")
