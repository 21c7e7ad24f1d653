"""Indicators: the register and results contracts, the demo workbooks, and the progress mart.

Files are read the way ingestion reads them (``families.read_submission``: the contract,
then the indicator completion step), so a target or figure that cannot be read is caught
here with the same rule id the quarantine would show.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.families import read_submission
from dagster_project.lib.ingest.submission import ParsedSubmission
from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.indicators import (
    ACTUAL_HEADERS,
    REGISTER_HEADERS,
    SOURCE_DOCUMENT,
    write_indicators_demo,
)


@pytest.fixture(scope="module")
def parse():
    contracts = load_contracts()
    directory = AgencyDirectory.from_seeds()
    return lambda path: read_submission(path, contracts, directory)


def _register(path: Path, rows: list[list]) -> Path:
    """A register workbook: title block, blank line, header on row 4, data from row 5."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Chỉ tiêu"
    sheet.append(["VĂN PHÒNG CHÍNH PHỦ"])
    sheet.append(["DANH MỤC CHỈ TIÊU THỰC HIỆN NGHỊ QUYẾT 57-NQ/TW"])
    sheet.append([])
    sheet.append(list(REGISTER_HEADERS))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _results(path: Path, rows: list[list]) -> Path:
    """A results report of the Ministry of Science and Technology; data from row 7."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append(["BỘ KHOA HỌC VÀ CÔNG NGHỆ"])
    sheet.append(["BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU NGHỊ QUYẾT 57-NQ/TW"])
    sheet.append(["Kỳ báo cáo: Tháng 9/2025 - Số liệu tính đến ngày 23/9/2025"])
    sheet.append(["Cơ quan báo cáo: Bộ Khoa học và Công nghệ"])
    sheet.append([])
    sheet.append(list(ACTUAL_HEADERS))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _rules(submission: ParsedSubmission) -> dict[int | None, str]:
    return {problem.row: problem.rule for problem in submission.errors}


def _row(n: int, indicator_id: str, target: str, body: str = "Bộ Khoa học và Công nghệ",
         year: int | None = 2030) -> list:
    return [str(n), indicator_id, f"Chỉ tiêu {indicator_id}", target, year, body,
            SOURCE_DOCUMENT, None]


# --- the demo files ------------------------------------------------------------------------


def test_demo_workbooks_are_accepted_with_52_indicators(parse, tmp_path: Path) -> None:
    paths = write_indicators_demo(tmp_path / "inbox")
    assert [path.parent.name for path in paths] == ["indicators"] * 4
    register, seed_report, series_report, standing_report = (parse(path) for path in paths)
    for submission in (register, seed_report, series_report, standing_report):
        assert submission.family == "indicators"
        assert submission.accepted, (submission.path.name, submission.errors[:3])

    assert register.source == "indicator_register" and len(register.rows) == 52
    by_id = {row["indicator_id"]: row for row in register.rows}
    assert [id_ for id_, row in by_id.items() if not row["is_quantitative"]] == ["1", "2", "3"]
    assert {p.rule for p in register.warnings} == {"target_qualitative"}
    assert [p.row for p in register.warnings] == [5, 6, 7]
    assert by_id["36"]["target_year"] == 2045 and by_id["36"]["target_text"].startswith(
        "(Đến năm 2045)")
    parts = register.child_rows["indicator_target"]
    assert len(parts) == 51  # 49 quantitative indicators, two of them with two ranking parts
    assert [(p["target_part"], p["comparator"], p["target_value"], p["scope"])
            for p in parts if p["indicator_id"] == "4"] == [
        (1, "rank_top", 3, "Đông Nam Á"), (2, "rank_top", 50, "thế giới")]

    assert seed_report.source == "indicator_actual" and len(seed_report.rows) == 56
    assert seed_report.metadata["reporting_agency"] == "BKHCN"
    row_113 = next(r for r in seed_report.rows if r["indicator_id"] == "11.3")
    assert (row_113["period_label"], row_113["actual_value"], row_113["actual_numerator"],
            row_113["actual_denominator"]) == ("2025-08", 63.76, 1742427, 2732994)
    row_13 = next(r for r in seed_report.rows if r["indicator_id"] == "13")
    assert (row_13["has_data"], row_13["actual_value"]) == (False, None)
    assert len(series_report.rows) == 8 and series_report.metadata["reporting_agency"] == "VPCP"
    assert standing_report.metadata["reporting_agency"] == "VPTW"
    assert [(r["indicator_id"], r["period_label"], r["actual_value"], r["actual_unit"])
            for r in standing_report.rows] == [
        ("10", "2025", 14.02, "%"), ("17", "2026", 3, "%"), ("23.4", "2026-06", 91.9, "%"),
        ("25", "2026-06", 2, "đơn vị"), ("36", "2025", 14.02, "%"), ("37", "2025", 44, "rank")]


def test_demo_is_deterministic(tmp_path: Path) -> None:
    first = [path.read_bytes() for path in write_indicators_demo(tmp_path / "a")]
    second = [path.read_bytes() for path in write_indicators_demo(tmp_path / "b")]
    assert first == second


# --- malformed files -----------------------------------------------------------------------


def test_unparseable_target_is_quarantined_and_the_rest_lands(parse, tmp_path: Path) -> None:
    submission = parse(_register(tmp_path / "target.xlsx", [
        _row(1, "13", "≥ 40%"),
        _row(2, "18", "khoảng chừng 12 người"),
        _row(3, "19", "50–40 tổ chức"),
    ]))
    assert not submission.accepted
    assert _rules(submission) == {6: "target_unparseable", 7: "target_unparseable"}
    assert all(p.column == "Chỉ tiêu" for p in submission.errors)
    assert {p.value for p in submission.errors} == {"khoảng chừng 12 người", "50–40 tổ chức"}
    assert [row["indicator_id"] for row in submission.rows] == ["13"]
    (part,) = submission.child_rows["indicator_target"]
    assert (part["indicator_id"], part["comparator"], part["target_value"], part["unit"]) == (
        "13", ">=", 40, "%")


def test_bad_indicator_id_is_rejected(parse, tmp_path: Path) -> None:
    submission = parse(_register(tmp_path / "id.xlsx", [
        _row(1, "11-3", "100%"),
        _row(2, "23.4", "99% dân số"),
    ]))
    (problem,) = submission.errors
    assert (problem.rule, problem.row, problem.column, problem.value) == (
        "code_format", 5, "Mã chỉ tiêu", "11-3")
    assert [row["indicator_id"] for row in submission.rows] == ["23.4"]


def test_unknown_agency_is_rejected_with_suggestions(parse, tmp_path: Path) -> None:
    submission = parse(_register(tmp_path / "agency.xlsx", [
        _row(1, "13", "≥ 40%", body="Bộ Khoa học và Kỹ thuật"),
        _row(2, "14", "HDI > 0,7", body="Bộ Tài chính"),
    ]))
    (problem,) = submission.errors
    assert (problem.rule, problem.row, problem.column) == (
        "agency_unknown", 5, "Cơ quan chủ trì")
    assert "Bộ Khoa học và Công nghệ" in problem.message_vi
    assert "Bộ Khoa học và Công nghệ" in problem.message_en
    assert [(r["indicator_id"], r["responsible_agency_id"]) for r in submission.rows] == [
        ("14", "BTC")]


def test_two_percentages_in_one_actual_are_ambiguous(parse, tmp_path: Path) -> None:
    submission = parse(_results(tmp_path / "actual.xlsx", [
        ["1", "11.2", "Tỷ lệ DVC toàn trình", "8/2025", "Khối bộ 52,45%, khối tỉnh 15,79%",
         "Báo cáo", None],
        ["2", "11.3", "Tỷ lệ số hóa hồ sơ", "8/2025", "60% (144.857/275.571 hồ sơ)",
         "Báo cáo", None],
        ["3", "13", "Tỷ lệ DN có ĐMST", "Quý III/2025", "Chưa có số liệu", "Báo cáo", None],
        ["4", "30", "Tài khoản ngân hàng", "từ 1/2025 đến 6/2025", "86,97%", "Báo cáo", None],
    ]))
    assert submission.source == "indicator_actual" and not submission.accepted
    assert _rules(submission) == {7: "actual_ambiguous", 8: "actual_ratio_mismatch",
                                  10: "period_unparseable"}
    assert submission.errors[0].column == "Kết quả thực hiện"
    assert submission.errors[2].column == "Kỳ số liệu"
    (kept,) = submission.rows
    assert (kept["indicator_id"], kept["period_label"], kept["has_data"]) == (
        "13", "2025-Q3", False)


# --- end to end: the full demo run -----------------------------------------------------------


@pytest.fixture(scope="module")
def progress(published_home: Path) -> list[dict]:
    with duckdb.connect(str(published_home / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute("select * from marts.fct_indicator_progress")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _rows(progress: list[dict], indicator_id: str) -> list[dict]:
    return sorted((row for row in progress if row["indicator_id"] == indicator_id),
                  key=lambda row: (row["target_part"], row["period_end"] or 0))


def test_all_52_indicators_are_in_the_mart(progress: list[dict]) -> None:
    assert len({row["indicator_id"] for row in progress}) == 52
    assert len({row["row_key"] for row in progress}) == len(progress)


def test_targets_of_11_3_and_23_4_as_parsed(progress: list[dict]) -> None:
    (target_113,) = {(r["comparator"], r["target_value"], r["unit"], r["target_year"])
                     for r in _rows(progress, "11.3")}
    assert target_113 == ("=", 100, "%", 2030)
    (target_234,) = {(r["comparator"], r["target_value"], r["unit"], r["qualifier"],
                      r["target_year"], r["target_text"]) for r in _rows(progress, "23.4")}
    assert target_234 == ("=", 99, "%", "dân số", 2030, "99% dân số.")


def test_11_3_series_is_on_track(progress: list[dict]) -> None:
    rows = _rows(progress, "11.3")
    assert [(r["period"], r["latest_value"], r["progress_status"]) for r in rows] == [
        ("2024-12", 48.3, "no_data"), ("2025-08", 63.76, "on_track"),
        ("2026-03", 71.05, "on_track")]
    assert rows[-1]["baseline_value"] == 48.3 and rows[-1]["baseline_period"] == "2024-12"
    assert rows[-1]["observed_cagr"] > rows[-1]["required_cagr"] > 0


def test_no_data_is_not_zero(progress: list[dict]) -> None:
    (row,) = _rows(progress, "13")
    assert (row["period"], row["has_data"], row["latest_value"]) == ("2025-08", False, None)
    assert (row["progress_status"], row["status_method"], row["status"]) == (
        "no_data", "no_actual", "no_data")


def test_hdi_and_budget_share_are_achieved(progress: list[dict]) -> None:
    (hdi,) = _rows(progress, "14")
    assert (hdi["comparator"], hdi["target_value"], hdi["unit"], hdi["latest_value"]) == (
        ">", 0.7, "index", 0.766)
    assert (hdi["progress_status"], hdi["status_method"]) == ("achieved", "target_met")
    budget = _rows(progress, "17")
    assert [(r["period"], r["latest_value"], r["progress_status"]) for r in budget] == [
        ("2025", 3, "achieved"), ("2026", 3, "achieved")]


def test_digital_economy_share_is_off_track(progress: list[dict]) -> None:
    # The 30/6/2026 report's measured 14,02% for 2025 supersedes the 9/2025 estimate (~18%).
    latest = _rows(progress, "10")[-1]
    assert (latest["period"], latest["baseline_value"], latest["latest_value"]) == (
        "2025", 15.2, 14.02)
    assert latest["progress_status"] == "off_track"
    assert latest["observed_cagr"] < latest["required_cagr"]
    # A share that fell since 2023 is off track even against the 2045 target (indicator 36).
    assert _rows(progress, "36")[-1]["progress_status"] == "off_track"


def test_the_30_june_2026_report_reaches_the_mart(progress: list[dict]) -> None:
    """Seed 002's figures to 30/6/2026: 5G 91,9% of the population, GII 44/139, 2 of 3."""
    five_g = _rows(progress, "23.4")[-1]
    assert (five_g["period"], five_g["latest_value"], five_g["unit"]) == ("2026-06", 91.9, "%")
    gii = _rows(progress, "37")[-1]
    assert (gii["period"], gii["latest_value"], gii["unit"]) == ("2025", 44, "rank")
    rnd = _rows(progress, "25")[-1]
    assert (rnd["period"], rnd["latest_value"], rnd["progress_status"]) == (
        "2026-06", 2, "off_track")


def test_no_override_ships_so_status_is_the_computed_one(progress: list[dict]) -> None:
    assert all(row["status_override"] is None for row in progress)
    assert all(row["status"] == row["progress_status"] for row in progress)
