"""The rule catalogue covers the warehouse: every source and mart is gated by some suite.

Also checks that every rule can be read by a reviewer (id, area, severity, owner, both
messages) and that a few rules fail on the bad case they exist for. No warehouse is built.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from dagster_project.lib.home.paths import DBT_PROJECT_DIR
from dagster_project.lib.quality.dbt_manifest import ensure_manifest
from dagster_project.lib.quality.gate import (
    SEVERITIES,
    Suite,
    load_areas,
    load_catalogue,
    validate_suite,
)


@pytest.fixture(scope="module")
def suites() -> dict[str, Suite]:
    return {suite.name: suite for suite in load_catalogue()}


@pytest.fixture(scope="module")
def warehouse_assets() -> set[str]:
    """Asset keys of every landed source and every mart, as Dagster names them.

    A landed source is gated through the staging view that reads it: the checks run on the
    run's warehouse once dbt has built it, so they cannot sit on the ingest asset that dbt
    itself waits for.
    """
    manifest = json.loads(ensure_manifest(DBT_PROJECT_DIR / "target" / "manifest.json")
                          .read_text(encoding="utf-8"))
    sources = set()
    for source_id in manifest["sources"]:
        (view,) = [f"staging/{node['name']}" for node in manifest["nodes"].values()
                   if node["resource_type"] == "model" and source_id in node["depends_on"]["nodes"]]
        sources.add(view)
    marts = {f"marts/{node['name']}" for node in manifest["nodes"].values()
             if node["resource_type"] == "model" and "marts" in node["fqn"]}
    assert sources and marts
    return sources | marts


def test_every_source_and_mart_is_gated(suites, warehouse_assets) -> None:
    gated = {suite.asset for suite in suites.values()}
    assert sorted(warehouse_assets - gated) == []


def test_every_suite_gates_a_source_or_mart(suites, warehouse_assets) -> None:
    assert {name: suite.asset for name, suite in suites.items()
            if suite.asset not in warehouse_assets} == {}


def test_every_rule_is_complete(suites) -> None:
    areas = load_areas()
    for suite in suites.values():
        assert suite.area in areas and suite.description, suite.name
        for rule in suite.rules:
            assert rule.id and rule.area == suite.area, rule
            assert rule.severity in SEVERITIES, rule.id
            assert rule.owner, rule.id
            assert rule.message_vi and rule.message_en, rule.id
            assert rule.message_vi != rule.message_en, rule.id


def test_every_area_has_a_suite(suites) -> None:
    assert {suite.area for suite in suites.values()} == set(load_areas())


def _passed(suite: Suite, frame: pd.DataFrame) -> dict[str, bool]:
    return {result.rule_id: result.passed for result in validate_suite(suite, frame)}


def test_a_report_dated_outside_its_month_blocks(suites) -> None:
    frame = pd.DataFrame({
        "task_code": ["NQ57-0001", "NQ57-0002"], "reporting_agency_id": ["BYT", "BYT"],
        "reporting_month": [date(2026, 6, 1)] * 2, "as_of_date": [date(2026, 6, 29)] * 2,
        "completion_date": [date(2026, 6, 20), None], "completed_by_as_of": [True, True],
        "as_of_in_month": [True, True],
    })
    suite = suites["task_report_dates"]
    assert _passed(suite, frame) == {"TASK-021": True, "TASK-131": True}
    # 29/6/2027 typed for 29/6/2026: the quarter would be judged a year late.
    bad = frame.assign(as_of_date=[date(2026, 6, 29), date(2027, 6, 29)],
                       as_of_in_month=[True, False])
    results = {r.rule_id: r for r in validate_suite(suite, bad)}
    assert not results["TASK-131"].passed and results["TASK-131"].failing_by_agency == {"BYT": 1}
    reports = suites["task_progress_report_rows"]
    twice = pd.concat([frame, frame.iloc[[1]]]).rename(columns={"task_code": "task_id"})
    assert _passed(reports, twice)["TASK-130"] is False


def test_a_commune_under_another_province_blocks(suites) -> None:
    frame = pd.DataFrame({
        "file_sha256": ["f1"] * 3, "as_of_date": [date(2026, 6, 17)] * 3,
        "agency_id": ["HNI", "HNI", "HNI"], "commune_code": [None, "00004", "00008"],
        "reported_commune_name": [None, "Ba Đình", "Ngọc Hà"], "pillar": ["KHCN"] * 3,
        "disbursed": [12.5, 0.4, 0.2], "known_commune_code": [None, "00004", "00008"],
        "commune_province_id": [None, "HNI", "HNI"], "unit_key": ["", "00004", "00008"],
    })
    suite = suites["budget_disbursement_rows"]
    assert set(_passed(suite, frame).values()) == {True}
    moved = frame.assign(commune_province_id=[None, "HNI", "HPG"])
    assert _passed(suite, moved) == {"BUD-110": True, "BUD-111": False, "BUD-112": True}


def test_readiness_counts_must_match_the_databases(suites) -> None:
    frame = pd.DataFrame({
        "program_code": ["plan_02", "resolution_11"], "as_of_date": [date(2026, 6, 29)] * 2,
        "databases_total": [12, 104], "databases_connected": [8, 65],
        "databases_reconciled": [10, 80], "databases_synced": [8, 65],
        "databases_meeting_all_criteria": [4, 8],
        "databases_connected_meeting_all_criteria": [4, 8],
        "connected_rate": [8 / 12, 65 / 104], "all_criteria_rate": [4 / 12, 8 / 104],
        "recounted_total": [12, 104], "recounted_connected": [8, 65],
        "recounted_meeting_all_criteria": [4, 8], "reconciled_and_synced_bound": [8, 65],
    })
    suite = suites["csdl_readiness_counts"]
    assert set(_passed(suite, frame).values()) == {True}
    stale = frame.assign(recounted_connected=[7, 65])
    assert _passed(suite, stale)["CSDL-120"] is False


def test_a_lost_target_part_blocks(suites) -> None:
    frame = pd.DataFrame({
        "file_sha256": ["r1"] * 2, "indicator_id": ["4", "13"],
        "responsible_agency_id": ["BKHCN", "BGDDT"], "is_quantitative": [True, True],
        "target_parts": [2, 1], "known_agency_id": ["BKHCN", "BGDDT"], "target_rows": [2, 1],
    })
    suite = suites["indicator_register_rows"]
    assert set(_passed(suite, frame).values()) == {True}
    # "top 3 Đông Nam Á, top 50 thế giới": the second part did not land.
    assert _passed(suite, frame.assign(target_rows=[1, 1]))["IND-102"] is False


def test_feedback_national_row_must_add_up(suites) -> None:
    frame = pd.DataFrame({
        "as_of_date": [date(2026, 6, 29)], "items_received": [1071], "items_handled": [1009],
        "items_in_progress": [41], "items_pending": [21], "handled_rate": [1009 / 1071],
        "items_by_status": [1071], "bodies_received": [1071], "bodies_handled": [1009],
        "items_counted": [1071], "items_counted_handled": [1009],
    })
    suite = suites["feedback_handling_national"]
    assert set(_passed(suite, frame).values()) == {True}
    # An item whose handling body is missing from the agency rows.
    assert _passed(suite, frame.assign(bodies_received=[1070])) == {
        "PS-130": True, "PS-131": False, "PS-132": True, "PS-133": True}


def test_rows_read_must_be_loaded_or_quarantined(suites) -> None:
    frame = pd.DataFrame({
        "file_sha256": ["a", "b"], "file_name": ["BYT_2026_06.xlsx", "HNI_2026_06.xlsx"],
        "source_name": ["progress_report"] * 2, "reporting_agency_id": ["BYT", "HNI"],
        "reporting_month": [date(2026, 6, 1)] * 2, "as_of_date": [date(2026, 6, 29)] * 2,
        "rows_read": [40, 25], "rows_loaded": [40, 22], "rows_quarantined": [0, 3],
        "error_count": [0, 4], "is_accepted": [True, False],
        "rows_accounted": [40, 25], "should_be_accepted": [True, False],
    })
    suite = suites["submission_row_accounting"]
    assert _passed(suite, frame) == {"SUB-001": True, "SUB-002": True}
    lost = frame.assign(rows_loaded=[38, 22], rows_accounted=[38, 25])
    results = {r.rule_id: r for r in validate_suite(suite, lost)}
    assert not results["SUB-001"].passed and results["SUB-001"].failing_by_agency == {"BYT": 1}
    assert results["SUB-001"].severity == "blocking"


def test_two_files_in_force_for_one_month_block(suites) -> None:
    frame = pd.DataFrame({
        "file_sha256": ["a", "b"], "file_name": ["BYT_06.xlsx", "BYT_06_sua.xlsx"],
        "source_name": ["progress_report"] * 2, "reporting_agency_id": ["BYT", "BYT"],
        "reporting_month": [date(2026, 5, 1), date(2026, 6, 1)],
        "received_at": pd.to_datetime(["2026-06-05", "2026-07-03"]),
    })
    suite = suites["submission_current_files"]
    assert _passed(suite, frame) == {"SUB-020": True}
    same_month = frame.assign(reporting_month=[date(2026, 6, 1)] * 2)
    assert _passed(suite, same_month) == {"SUB-020": False}


def test_a_former_body_must_roll_up_to_a_current_one(suites) -> None:
    frame = pd.DataFrame({
        "agency_id": ["BKHCN", "BTTTT", "HGG"], "kind": ["ministry", "ministry", "province"],
        "valid_from": [None, None, None],
        "valid_to": [None, date(2025, 2, 28), date(2025, 6, 30)],
        "is_current": [True, False, False], "current_agency_id": ["BKHCN", "BKHCN", "TQG"],
        "current_matches_validity": [True, True, True],
        "rolls_up_to": ["BKHCN", "BKHCN", "TQG"],
    })
    suite = suites["agency_reference"]
    assert set(_passed(suite, frame).values()) == {True}
    # Hà Giang merged into Tuyên Quang, but the successor is missing from the reference.
    results = {r.rule_id: r for r in validate_suite(suite, frame.assign(
        rolls_up_to=["BKHCN", "BKHCN", None]))}
    assert not results["REF-002"].passed and results["REF-002"].failing_by_agency == {"HGG": 1}
