"""The quality annex: what a reviewer must be able to read off the page for 2026-Q2.

The demo makes Cao Bằng late in April and May 2026 and leaves out the May report of the
Viện Hàn lâm KHXH (see demo/generator.py). A copy of the published home
then receives a bad resubmission from Cao Bằng (three rows with an unknown status, one row
naming a task the register does not know), so rows are quarantined and rule TASK-010 fails
for that body.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.landing import (
    TABLE_SCHEMAS,
    Receipt,
    ensure_ingest_tables,
    write_parquet,
)
from dagster_project.lib.quality.audit import read_build
from dagster_project.lib.quality.gate import RuleResult, latest_gate_results
from dagster_project.lib.quality.quality_annex import write_quality_annex
from dagster_project.lib.quality.review import AuditedData, ReviewLog, read_log, waive

PERIOD = "2026-Q2"
LATE_BODY = "P_CAO_BANG"
MISSING_BODY = "VHLKHXH"
SCRIPT = "<script>alert(1)</script>"
BAD_STATUS_ROWS = 3


def _card(page: str, agency_id: str) -> str:
    """The report-card row of one body."""
    match = re.search(rf'<tr data-agency-id="{agency_id}" data-chase="[a-z]+".*?</tr>', page,
                      re.DOTALL)
    assert match, agency_id
    return match.group(0)


def _col(card: str, column: str) -> str:
    match = re.search(rf'data-col="{column}">([^<]*)<', card)
    assert match, column
    return match.group(1)


def _audited(home: Path) -> Path:
    """The staging warehouse the blocked run built and audited.

    The working warehouse is still the last published one.
    """
    (staged,) = (home / "staging").glob("*/warehouse.duckdb")
    return staged


def _gate_results(home: Path) -> list[RuleResult]:
    """The rule results of the home's latest run."""
    run = max((home / "runs").iterdir(), key=lambda path: path.stat().st_mtime)
    return [RuleResult(**item) for path in sorted((run / "gate").glob("*.json"))
            for item in json.loads(path.read_text(encoding="utf-8"))["results"]]


def _spoil(report: Path) -> None:
    """Unknown status in three rows; an unregistered task code in a fourth."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook.active
    header = next(row for row in sheet.iter_rows(max_row=30)
                  if any(cell.value == "Mã nhiệm vụ" for cell in row))
    columns = {cell.value: cell.column for cell in header}
    rows = [row for row in range(header[0].row + 1, sheet.max_row + 1)
            if re.fullmatch(r"[A-Z0-9]+-\d{4}", str(sheet.cell(row, columns["Mã nhiệm vụ"]).value))]
    for row in rows[:BAD_STATUS_ROWS]:
        sheet.cell(row, columns["Tình trạng"]).value = SCRIPT
    sheet.cell(rows[BAD_STATUS_ROWS], columns["Mã nhiệm vụ"]).value = "ZZ99-0001"
    workbook.save(report)


@pytest.fixture(scope="module")
def bad_home(published_home: Path, demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory,
             ) -> Path:
    """The published home after a bad Cao Bằng resubmission for June 2026 was run."""
    from dagster_project.cli import main

    root = tmp_path_factory.mktemp("annex")
    home = root / "home"
    shutil.copytree(published_home, home,
                    ignore=shutil.ignore_patterns("published", "dagster", "runs", "releases",
                                                  "staging"))
    inbox = root / "inbox"
    inbox.mkdir()
    bad = inbox / f"BC_{LATE_BODY}_2026-06_bo_sung.xlsx"
    shutil.copy(demo_inbox / "reports" / "2026-06" / f"BC_{LATE_BODY}_2026-06.xlsx", bad)
    _spoil(bad)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NQ57_HOME", str(home))
        assert main(["run", "--inbox", str(inbox), "--period", PERIOD]) == 1  # TASK-010
    return home


@pytest.fixture(scope="module")
def annex(bad_home: Path, published_home: Path, tmp_path_factory: pytest.TempPathFactory,
          ) -> str:
    """The annex of the bad run, with the clean run's results as the previous quarter."""
    results = _gate_results(bad_home)
    history = {"2026-Q1": _gate_results(published_home)}
    run_id, _, latest = latest_gate_results(Home(bad_home), PERIOD)
    data = AuditedData(run_id, read_build(Home(bad_home), run_id).data_fingerprint,
                       frozenset(r.rule_id for r in latest if not r.passed))
    waive(Home(bad_home), PERIOD, "TASK-010", by="Trần Thị B",
          reason=f"Tỉnh Cao Bằng gửi lại báo cáo {SCRIPT}",
          at=datetime(2026, 7, 20, 9, 0, tzinfo=UTC), data=data)
    out = tmp_path_factory.mktemp("annex_out")
    reviews = read_log(Home(bad_home), PERIOD, data.data_fingerprint)
    with duckdb.connect(str(_audited(bad_home)), read_only=True) as con:
        page = write_quality_annex(con, PERIOD, results, history, reviews,
                                   out, datetime(2026, 7, 21, 8, 30))
    assert page == out / "index.html"
    return page.read_text(encoding="utf-8")


def test_submission_times_and_deadlines_reach_fct_submission(published_home: Path) -> None:
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        rows = dict(con.execute(
            "select file_name, (due_date, is_on_time, submitted_at is not null) "
            "from marts.fct_submission where file_name in "
            "('BC_P_CAO_BANG_2026-05.xlsx', 'BC_BKHCN_2026-06.xlsx', "
            "'BCA_2026-06_tinh_hinh_csdl.xlsx')").fetchall())
    assert rows["BC_P_CAO_BANG_2026-05.xlsx"] == (date(2026, 6, 25), False, True)
    assert rows["BC_BKHCN_2026-06.xlsx"] == (date(2026, 7, 25), True, True)
    assert rows["BCA_2026-06_tinh_hinh_csdl.xlsx"] == (None, None, True)  # an export


def test_late_and_missing_reports_in_the_mart(published_home: Path) -> None:
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        rows = {row[0]: row[1:] for row in con.execute(
            "select agency_id, months_expected, months_received, months_on_time, months_late, "
            "months_missing, report_completeness from marts.agg_agency_reporting "
            "where period_key = ?", [PERIOD]).fetchall()}
        late_total = con.execute("select sum(months_late) from marts.agg_agency_reporting "
                                 "where period_key = ?", [PERIOD]).fetchone()[0]
    assert len(rows) == 73
    assert rows[LATE_BODY] == (3, 3, 1, 2, 0, 1.0)
    assert rows["BYT"][3] == 1
    assert rows[MISSING_BODY][:5] == (3, 2, 2, 0, 1)
    assert rows[MISSING_BODY][5] == pytest.approx(2 / 3)
    assert late_total == 3  # Cao Bằng twice, Bộ Y tế once


def test_late_body_comes_first_with_its_count(annex: str) -> None:
    card = _card(annex, LATE_BODY)
    assert 'data-chase="yes"' in card
    assert _col(card, "months_late") == "2"
    assert _col(card, "months_on_time") == "1"
    assert "2 tháng nộp muộn" in card
    chase = re.findall(r'<tr data-agency-id="([^"]+)" data-chase="yes"', annex)
    everyone = re.findall(r'<tr data-agency-id="([^"]+)" data-chase="(?:yes|no)"', annex)
    assert everyone[: len(chase)] == chase and {LATE_BODY, "BYT", MISSING_BODY} <= set(chase)
    assert _col(_card(annex, MISSING_BODY), "months_missing") == "1"


def test_quarantined_rows_of_the_bad_file_count_for_its_body(bad_home: Path, annex: str) -> None:
    with duckdb.connect(str(_audited(bad_home)), read_only=True) as con:
        quarantined, rejected = con.execute(
            "select rows_quarantined, files_rejected from marts.agg_agency_reporting "
            "where period_key = ? and agency_id = ?", [PERIOD, LATE_BODY]).fetchone()
    assert (quarantined, rejected) == (BAD_STATUS_ROWS, 1)
    card = _card(annex, LATE_BODY)
    assert _col(card, "rows_quarantined") == str(BAD_STATUS_ROWS)
    assert _col(card, "files_rejected") == "1"


def test_failed_rule_names_the_body_in_the_table_and_its_card(annex: str) -> None:
    rule = re.search(r'<tr data-rule-id="TASK-010" data-status="waived">.*?</tr>', annex,
                     re.DOTALL)
    assert rule and f'data-agency-id="{LATE_BODY}" data-rows="1"' in rule.group(0)
    assert 'data-rule-id="TASK-010" data-rows="1"' in _card(annex, LATE_BODY)
    # The trend shows it passing the quarter before.
    trend = re.search(r'<table class="trend">.*?</table>', annex, re.DOTALL).group(0)
    row = re.search(r'<tr data-rule-id="TASK-010">.*?</tr>', trend, re.DOTALL).group(0)
    assert re.findall(r'data-period="([^"]+)"><span class="status s-(\w+)"', row) == [
        ("2026-Q1", "passed"), ("2026-Q2", "waived")]
    assert 'data-summary="waived"' in annex and "Trần Thị B" in annex


def test_untrusted_text_is_escaped_and_page_is_self_contained(annex: str) -> None:
    assert "<script" not in annex.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in annex  # the waiver's reason, escaped
    assert not re.search(r"https?://", annex)
    assert "<link" not in annex and " src=" not in annex


def test_agency_strings_from_rows_are_escaped(published_home: Path, tmp_path: Path) -> None:
    """A body code as a row carried it (unknown to the warehouse) is shown, escaped."""
    result = RuleResult(
        rule_id="CSDL-001", check_name="csdl_001", suite="csdl_owners", asset="csdl",
        severity="blocking", passed=False, message_vi="Chủ quản", message_en="Owner",
        area="csdl", owner="Bộ Công an", failing_by_agency={SCRIPT: 2})
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        page = write_quality_annex(con, PERIOD, [result], {}, ReviewLog(PERIOD, ()), tmp_path,
                                   datetime(2026, 7, 1, 8, 0)).read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "&lt;script&gt;" in page
    assert 'data-summary="failed"' in page and "không đạt: chưa đủ điều kiện công bố" in page


def test_files_landed_before_submission_times_still_read(tmp_path: Path) -> None:
    """An old submission record (no submitted_at) reads beside new ones as null."""
    home = Home(tmp_path)
    ensure_ingest_tables(home)
    old_schema = {k: v for k, v in TABLE_SCHEMAS["submission"].items() if k != "submitted_at"}
    write_parquet([{"file_sha256": "a" * 64, "accepted": True}], old_schema,
                  home.landing / "submission" / f"{'a' * 64}.parquet")
    rows = duckdb.sql(
        f"select file_sha256, submitted_at from read_parquet("
        f"'{home.landing}/submission/*.parquet', union_by_name = true)").fetchall()
    assert rows == [("a" * 64, None)]
    old_receipt = {"sha256": "a" * 64, "original_name": "x.xlsx", "original_path": "x.xlsx",
                   "size_bytes": 1, "received_at": "2026-07-01T00:00:00+00:00",
                   "source": None, "metadata": {}}
    assert Receipt(**old_receipt).submitted_at_dt is None


def test_history_judges_earlier_quarters_with_reports_and_leaves_out_empty_ones(
        published_home: Path) -> None:
    """2025-Q2's annex: 2025-Q1 (reported, never published here) is judged on the warehouse;
    2024-Q4 has no report at all, so it gets no column of rules failed on no rows."""
    from dagster_project.lib.quality.quality_annex import rule_history

    history = rule_history(Home(published_home), published_home / "warehouse.duckdb", "2025-Q2")

    assert list(history) == ["2025-Q1"]
    assert any(result.rule_id.startswith("TASK-") for result in history["2025-Q1"])
