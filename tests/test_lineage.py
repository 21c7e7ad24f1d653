"""Failing rows traced to the file, SHA-256, sheet and row they came from."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.lib.quality.findings import findings
from dagster_project.lib.quality.gate import RuleResult
from dagster_project.lib.quality.lineage import (
    LineageFinder,
    failing_row,
    rule_columns,
    upstream_models,
)

OLD, NEW = "a" * 64, "b" * 64


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A warehouse with one staging model (two reports of one body and month) and submissions."""
    con = duckdb.connect()
    con.execute("create schema staging; create schema intermediate")
    con.execute("""
        create table staging.stg_tasks__progress_reports as
        select * from (values
            ('NQ57-0001', 'BKHCN', date '2026-06-01', date '2026-06-20', OLD, 'BC.xlsx',
             'Báo cáo', 12, timestamp '2026-07-01 08:00'),
            ('NQ57-0001', 'BKHCN', date '2026-06-01', date '2026-07-05', NEW,
             'BC_bo_sung.xlsx', 'Báo cáo', 14, timestamp '2026-07-03 08:00'),
            ('NQ57-0002', 'BKHCN', date '2026-06-01', null, NEW, 'BC_bo_sung.xlsx',
             'Báo cáo', 15, timestamp '2026-07-03 08:00')
        ) as t(task_id, reporting_agency_id, reporting_month, completion_date, file_sha256,
               file_name, sheet_name, source_row_number, received_at)
    """.replace("OLD", f"'{OLD}'").replace("NEW", f"'{NEW}'"))
    con.execute(f"""
        create table staging.stg_ingest__submissions as
        select * from (values ('{OLD}', 'BC.xlsx'), ('{NEW}', 'BC_bo_sung.xlsx'))
            as t(file_sha256, file_name);
        create table intermediate.int_submissions_current as
        select * from (values ('{OLD}', false), ('{NEW}', true)) as t(file_sha256, is_current)
    """)
    return con


def test_a_row_that_names_its_file_sheet_and_row_is_taken_as_it_is() -> None:
    row = failing_row({"file_name": "BC.xlsx", "file_sha256": OLD, "sheet_name": "Báo cáo",
                       "row_number": 12, "task_code": "NQ57-0001",
                       "reporting_agency_id": "BKHCN", "completion_date": "2026-07-05",
                       "completed_by_as_of": False},
                      ["completion_date", "completed_by_as_of"], "reporting_agency_id")
    assert (row.file_name, row.file_sha256, row.sheet_name, row.row_number, row.lineage) == (
        "BC.xlsx", OLD, "Báo cáo", 12, "row")
    assert row.key == {"task_code": "NQ57-0001", "reporting_agency_id": "BKHCN"}
    assert row.value == {"completion_date": "2026-07-05", "completed_by_as_of": False}
    assert row.agency == "BKHCN"
    assert failing_row({"source_file_sha256": OLD, "source_row_number": 3}).file_sha256 == OLD


def test_a_row_is_found_by_its_key_in_the_current_report(con) -> None:
    finder = LineageFinder(con)
    row = finder.resolve({"task_id": "NQ57-0001", "reporting_agency_id": "BKHCN",
                          "reporting_month": "2026-06-01T00:00:00.000"},
                         "marts/fct_task_status", ["completion_date"])
    assert (row.file_name, row.file_sha256, row.sheet_name, row.row_number) == (
        "BC_bo_sung.xlsx", NEW, "Báo cáo", 14)
    assert row.lineage == "staging.stg_tasks__progress_reports"


def test_a_hash_names_the_file_and_a_body_alone_names_nothing(con) -> None:
    finder = LineageFinder(con)
    named = finder.resolve({"reporting_agency_id": "BKHCN", "file_sha256": NEW}, "marts/x")
    assert (named.file_name, named.sheet_name, named.row_number) == (
        "BC_bo_sung.xlsx", None, None)  # two rows of that file are the body's
    unknown = finder.resolve({"reporting_agency_id": "BKHCN"}, "marts/x")
    assert (unknown.file_name, unknown.lineage) == (None, None)
    assert unknown.where() == "tệp không rõ / file not known"


def test_upstream_staging_models_come_from_the_manifest() -> None:
    manifest = {
        "nodes": {
            "model.p.fct_a": {"resource_type": "model", "name": "fct_a", "schema": "marts"},
            "model.p.int_a": {"resource_type": "model", "name": "int_a",
                              "schema": "intermediate"},
            "model.p.stg_a": {"resource_type": "model", "name": "stg_a", "schema": "staging"},
            "model.p.stg_b": {"resource_type": "model", "name": "stg_b", "schema": "staging"},
        },
        "parent_map": {"model.p.fct_a": ["model.p.int_a", "seed.p.x"],
                       "model.p.int_a": ["model.p.stg_a"], "model.p.stg_a": []},
    }
    assert upstream_models(manifest, "marts/fct_a") == ["staging.stg_a"]
    assert upstream_models(manifest, "staging/stg_b") == ["staging.stg_b"]
    assert upstream_models(manifest, "marts/unknown") == []


def test_rule_columns_are_what_the_expectation_looks_at() -> None:
    assert rule_columns({"column_A": "as_of_date", "column_B": "completion_date"}) == [
        "as_of_date", "completion_date"]
    assert rule_columns({"column_list": ["task_id", "reporting_month"]}) == [
        "task_id", "reporting_month"]
    assert rule_columns({"value": 0}) == []


def test_findings_put_failures_first_and_name_the_waiver() -> None:
    def result(rule_id: str, severity: str, passed: bool = False) -> RuleResult:
        return RuleResult(rule_id=rule_id, check_name=rule_id.lower(), suite="s", asset="a",
                          severity=severity, passed=passed, message_vi="vi", message_en="en",
                          observed={"unexpected_count": 2},
                          failing_rows=[{"task_id": "T1", "due_date": "2026-06-01T00:00:00"}])

    waiver = {"rule_id": "A-1", "by": "Trần Thị B", "reason": "đã giải trình", "at": "x"}
    found = findings([result("W-1", "warning"), result("A-1", "blocking"),
                      result("Z-9", "blocking"), result("P-1", "blocking", passed=True)],
                     {"A-1": waiver})
    assert [(f.rule_id, f.status) for f in found] == [
        ("Z-9", "failed"), ("A-1", "waived"), ("W-1", "warning")]
    assert found[1].waived_by == "Trần Thị B" and found[0].waived_by is None
    record = found[0].record()
    assert record["rows_failing"] == 2
    assert record["rows"][0]["key"] == {"task_id": "T1"}
    assert record["rows"][0]["value"] == {"due_date": "2026-06-01"}  # a date, not midnight
