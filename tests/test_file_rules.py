"""`nq57 check` agrees with the gate on every rule one file can break on its own.

For each such rule (a catalogue suite with ``file_table``), a clean June 2026 report of the
demo is spoiled in that rule's way only: ``check`` rejects it under the gate's rule id and
message and names the row, and the gate, judging the same rows landed as the body's current
file for the month, fails the same rule on the same row. The clean report passes both.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.lib.ingest.isolation import parse_files
from dagster_project.lib.ingest.landing import TABLE_SCHEMAS, write_parquet
from dagster_project.lib.quality.file_rules import check_file_rules, file_suites
from dagster_project.lib.quality.gate import Rule, RuleResult, Suite, run_suite

PERIOD = "2026-Q2"
REPORT = Path("reports") / "2026-06" / "BC_P_CAO_BANG_2026-06.xlsx"


def _rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> tuple[dict[str, int], list[int]]:
    """The header's columns and the Excel rows holding a task."""
    header = next(row for row in sheet.iter_rows(max_row=30)
                  if any(cell.value == "Mã nhiệm vụ" for cell in row))
    columns = {cell.value: cell.column for cell in header}
    rows = [row for row in range(header[0].row + 1, sheet.max_row + 1)
            if re.fullmatch(r"[A-Z0-9]+-\d{4}", str(sheet.cell(row, columns["Mã nhiệm vụ"]).value))]
    return columns, rows


def _unregistered_code(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    columns, rows = _rows(sheet)
    sheet.cell(rows[4], columns["Mã nhiệm vụ"]).value = "NQ57-9999"
    return rows[4]


def _done_after_as_of(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    columns, rows = _rows(sheet)
    for label, value in (("Tình trạng", "Đã hoàn thành"), ("Ngày hoàn thành", "15/7/2026"),
                         ("Sản phẩm", "Báo cáo"), ("Minh chứng", "Văn bản số 1/BC")):
        sheet.cell(rows[2], columns[label]).value = value
    return rows[2]


def _as_of_next_month(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    for row in sheet.iter_rows(max_row=10):
        for cell in row:
            if isinstance(cell.value, str) and "29/6/2026" in cell.value:
                cell.value = cell.value.replace("29/6/2026", "5/7/2026")


# How to break each per-file rule, and the Excel row it then names (None: the title block).
SPOILERS: dict[str, Callable[[openpyxl.worksheet.worksheet.Worksheet], int | None]] = {
    "TASK-010": _unregistered_code,
    "TASK-021": _done_after_as_of,
    "TASK-131": _as_of_next_month,
}


def _per_file_rules() -> dict[str, tuple[Suite, Rule]]:
    return {rule.id: (suite, rule) for suites in file_suites().values()
            for suite in suites for rule in suite.rules}


def test_every_per_file_rule_has_a_spoiler_and_reads_landed_rows() -> None:
    assert set(_per_file_rules()) == set(SPOILERS)
    for suite, _ in _per_file_rules().values():
        assert suite.file_table in TABLE_SCHEMAS


@pytest.fixture(scope="module")
def scratch(published_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the published warehouse and its landed progress reports."""
    root = tmp_path_factory.mktemp("file_rules")
    shutil.copyfile(published_home / "warehouse.duckdb", root / "warehouse.duckdb")
    shutil.copytree(published_home / "landing" / "tasks" / "progress_report",
                    root / "landing" / "tasks" / "progress_report")
    return root


def _spoiled(demo_inbox: Path, folder: Path, rule_id: str) -> tuple[Path, int | None]:
    path = folder / f"{rule_id}_{REPORT.name}"
    workbook = openpyxl.load_workbook(demo_inbox / REPORT)
    row = SPOILERS[rule_id](workbook.active)
    workbook.save(path)
    return path, row


def _check(path: Path, home: Path, capsys: pytest.CaptureFixture[str],
           monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("NQ57_HOME", str(home))
    code = main(["check", "--json", str(path)])
    report = json.loads(capsys.readouterr().out)
    assert code == (0 if report["all_accepted"] else 1)
    assert report["unchecked_rules"] == []
    return report["files"][0]


def _gate(scratch: Path, demo_inbox: Path, path: Path, suite: Suite) -> list[RuleResult]:
    """The gate's results when ``path``'s rows stand as the body's June file."""
    (submission,) = parse_files([path])
    sha256 = hashlib.sha256((demo_inbox / REPORT).read_bytes()).hexdigest()
    rows = [{**row, "file_sha256": sha256, "received_at": None} for row in submission.rows]
    target = _landed_file_of(scratch / "landing" / "tasks" / "progress_report", sha256)
    original = target.read_bytes()
    try:
        _replace_rows_of(target, sha256, rows, scratch / "spoiled.parquet")
        return run_suite(scratch / "warehouse.duckdb", suite, PERIOD,
                         landing=scratch / "landing")[1]
    finally:
        target.write_bytes(original)


def _landed_file_of(folder: Path, sha256: str) -> Path:
    """The landing batch file that holds a received file's rows."""
    with duckdb.connect() as con:
        (name,) = con.execute(
            f"select distinct filename from read_parquet('{folder}/**/*.parquet', "
            "filename = true, union_by_name = true) where file_sha256 = ?", [sha256]).fetchone()
    return Path(name)


def _replace_rows_of(target: Path, sha256: str, rows: list[dict], scratch_file: Path) -> None:
    """Rewrite a batch file with one received file's rows replaced by ``rows``."""
    write_parquet(rows, TABLE_SCHEMAS["progress_report"], scratch_file)
    with duckdb.connect() as con:
        con.execute(f"create table kept as select * from read_parquet('{target}') "
                    "where file_sha256 <> ?", [sha256])
        con.execute(f"copy (select * from kept union all by name "
                    f"select * from read_parquet('{scratch_file}')) to '{target}' "
                    "(format parquet)")


def test_the_clean_report_passes_check_and_gate(
        published_home: Path, demo_inbox: Path, scratch: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    report = _check(demo_inbox / REPORT, published_home, capsys, monkeypatch)
    assert report["status"] == "accepted", report["problems"]
    for suite, rule in _per_file_rules().values():
        results = _gate(scratch, demo_inbox, demo_inbox / REPORT, suite)
        assert next(r for r in results if r.rule_id == rule.id).passed, rule.id


@pytest.mark.parametrize("rule_id", sorted(SPOILERS))
def test_check_rejects_what_the_gate_would_block(
        rule_id: str, published_home: Path, demo_inbox: Path, scratch: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    suite, rule = _per_file_rules()[rule_id]
    path, row = _spoiled(demo_inbox, tmp_path, rule_id)

    report = _check(path, published_home, capsys, monkeypatch)
    assert report["status"] == "rejected"
    problems = [p for p in report["problems"] if p["severity"] == "error"]
    assert [(p["rule"], p["row"]) for p in problems] == [(rule_id, row)]
    assert (problems[0]["message_vi"], problems[0]["message_en"]) == (
        rule.message_vi, rule.message_en)

    result = next(r for r in _gate(scratch, demo_inbox, path, suite) if r.rule_id == rule_id)
    assert not result.passed and result.severity == "blocking"
    assert (result.message_vi, result.message_en) == (rule.message_vi, rule.message_en)
    assert {(r["file_name"], r["row_number"] if row else None) for r in result.failing_rows} \
        == {(path.name, row)}


def test_without_a_warehouse_check_says_which_rules_it_could_not_run(
        demo_inbox: Path, tmp_path: Path) -> None:
    path, _ = _spoiled(demo_inbox, tmp_path, "TASK-010")
    submissions = parse_files([path])
    outcome = check_file_rules(submissions, tmp_path / "no" / "warehouse.duckdb")
    assert outcome.unchecked == ["TASK-010"]
    assert submissions[0].accepted  # not rejected for a rule it could not run
