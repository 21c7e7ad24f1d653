"""Feedback workbooks: every problem marked on the agency's own cell and listed, inert text.

Reports are written with the demo's workbook writer (the Standing Office's layout), then
broken the way agencies break them: a status word outside the list, a formula typed into a
cell, a missing column, a CSV export.
"""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.feedback import (
    ERROR_FILL,
    FEEDBACK_SHEET,
    WARNING_FILL,
    feedback_path,
    write_feedback,
)
from dagster_project.lib.ingest.submission import parse_submission
from dagster_project.lib.ingest.workbook import read_sheets
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.xlsx_safe import write_text
from demo.workbooks import Report, ReportGroup, ReportRow, write_report

INJECTED = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'
BAD_STATUS = "Sắp xong"


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.from_seeds()


def _report(path: Path, status: str = BAD_STATUS) -> Path:
    """A June report of the Ministry of Science and Technology: row 11 has ``status``."""
    rows = [
        ReportRow("TB20-0001", "Xây dựng cơ sở dữ liệu", "Đang thực hiện", None, "", "", ""),
        ReportRow("TB20-0002", "Ban hành kế hoạch", status, None, "", "", ""),
        ReportRow("TB20-0003", "Sửa đổi nghị định", "Đã hoàn thành", date(2026, 5, 20),
                  "Nghị định", "Số 12/2026/NĐ-CP", ""),
    ]
    report = Report("Bộ Khoa học và Công nghệ", "BỘ TRƯỞNG", date(2026, 6, 1), date(2026, 6, 29),
                    [ReportGroup("Nhiệm vụ chung", rows)])
    write_report(path, report)
    return path


def _find(ws, value: str) -> tuple[int, int]:
    return next((cell.row, cell.column) for row in ws.iter_rows() for cell in row
                if cell.value == value)


def _listing(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)[FEEDBACK_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    keys = ("sheet", "row", "column", "value", "rule", "message_vi", "message_en", "severity",
            "cell")
    return [dict(zip(keys, row, strict=True)) for row in rows[1:]]


def _formula_count(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(name).count(b"<f") for name in archive.namelist()
                   if name.startswith("xl/worksheets/"))


def test_check_writes_feedback_marking_the_bad_status_cell(tmp_path: Path, capsys) -> None:
    source = _report(tmp_path / "BC_BKHCN_2026-06.xlsx")
    row, column = _find(openpyxl.load_workbook(source)["Báo cáo"], BAD_STATUS)
    out_dir = tmp_path / "phan_hoi"

    code = main(["check", str(source), "--feedback", str(out_dir), "--json"])

    assert code == 1
    report = json.loads(capsys.readouterr().out)["files"][0]
    feedback = out_dir / "BC_BKHCN_2026-06.phan_hoi.xlsx"
    assert report["feedback"] == str(feedback)
    problem = next(p for p in report["problems"] if p["rule"] == "status_unknown")

    workbook = openpyxl.load_workbook(feedback)
    assert workbook.sheetnames[0] == FEEDBACK_SHEET
    assert workbook.active.title == FEEDBACK_SHEET
    marked = workbook["Báo cáo"].cell(row=row, column=column)
    assert (problem["row"], marked.column_letter) == (row, "D")
    assert marked.value == BAD_STATUS  # the agency's value is kept
    assert marked.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert marked.comment.text.startswith("LỖI / ERROR: ")
    assert problem["message_vi"] in marked.comment.text
    assert problem["message_en"] in marked.comment.text
    # Valid cells stay as the agency left them.
    assert workbook["Báo cáo"].cell(row=row - 1, column=column).comment is None
    assert workbook["Báo cáo"].merged_cells.ranges  # the layout survives the copy

    listed = [p for p in _listing(feedback) if p["rule"] == "status_unknown"]
    assert listed == [{
        "sheet": "Báo cáo", "row": row, "column": "Tình trạng", "value": BAD_STATUS,
        "rule": "status_unknown", "message_vi": problem["message_vi"],
        "message_en": problem["message_en"], "severity": "Lỗi / Error", "cell": f"D{row}",
    }]
    listing = workbook[FEEDBACK_SHEET]
    assert listing.freeze_panes == "A2"
    assert listing.auto_filter.ref.startswith("A1:I")
    # It prints: landscape A4, one page wide, headings on every page, no overprinting.
    assert (listing.page_setup.orientation, listing.page_setup.fitToWidth) == ("landscape", 1)
    assert listing.sheet_properties.pageSetUpPr.fitToPage
    assert listing.print_title_rows == "$1:$1"
    message_row = next(r for r in range(2, listing.max_row + 1)
                       if listing.cell(r, 5).value == "status_unknown")
    assert listing.row_dimensions[message_row].height > 15  # the message wraps


def test_clean_file_gets_no_feedback(tmp_path: Path, capsys) -> None:
    source = _report(tmp_path / "BC_ok.xlsx", status="Đang thực hiện")
    out_dir = tmp_path / "phan_hoi"

    assert main(["check", str(source), "--feedback", str(out_dir)]) == 0
    assert "phản hồi" not in capsys.readouterr().out
    assert not list(out_dir.glob("*.xlsx"))


def test_injected_formula_is_stored_as_text(tmp_path: Path, contracts, directory) -> None:
    source = _report(tmp_path / "BC_inject.xlsx")
    workbook = openpyxl.load_workbook(source)
    ws = workbook["Báo cáo"]
    row, column = _find(ws, BAD_STATUS)
    write_text(ws.cell(row=row, column=column), INJECTED)  # typed with a leading apostrophe
    ws.cell(row=row, column=column).quotePrefix = False  # ... or pasted as plain text
    workbook.save(source)
    problems = parse_submission(source, contracts, directory).problems
    assert any(p.value == INJECTED and p.rule == "status_unknown" for p in problems)

    feedback = write_feedback(source, problems, tmp_path / "out.xlsx")

    assert _formula_count(feedback) == 0
    result = openpyxl.load_workbook(feedback)
    listed = next(r for r in result[FEEDBACK_SHEET].iter_rows(min_row=2)
                  if r[4].value == "status_unknown")
    assert listed[3].value == INJECTED and listed[3].data_type == "s" and listed[3].quotePrefix
    copied = result["Báo cáo"].cell(row=row, column=column)
    assert copied.value == INJECTED and copied.data_type == "s" and copied.quotePrefix


def test_csv_is_rebuilt_with_marked_cells_and_inert_text(tmp_path: Path, contracts,
                                                         directory) -> None:
    rows = read_sheets(_report(tmp_path / "BC.xlsx"))[0].rows
    status_row = next(i for i, r in enumerate(rows) if BAD_STATUS in r)
    rows[status_row][5] = INJECTED  # "Sản phẩm": free text, so not a problem, still inert
    source = tmp_path / "BC_csv_export.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in r] for r in rows])
    problems = parse_submission(source, contracts, directory).problems

    feedback = write_feedback(source, problems, feedback_path(tmp_path / "out", source))

    assert feedback.name == "BC_csv_export.phan_hoi.xlsx"
    assert _formula_count(feedback) == 0
    workbook = openpyxl.load_workbook(feedback)
    assert workbook.sheetnames == [FEEDBACK_SHEET, "BC_csv_export"]
    ws = workbook["BC_csv_export"]
    marked = ws.cell(row=status_row + 1, column=4)
    assert marked.value == BAD_STATUS and marked.comment.text.startswith("LỖI / ERROR")
    product = ws.cell(row=status_row + 1, column=6)
    assert product.value == INJECTED and product.data_type == "s" and product.quotePrefix


def test_problems_without_a_cell_are_noted_on_the_header_row(tmp_path: Path, contracts,
                                                             directory) -> None:
    source = _report(tmp_path / "BC_cols.xlsx")
    workbook = openpyxl.load_workbook(source)
    ws = workbook["Báo cáo"]
    header_row, status_column = _find(ws, "Tình trạng")
    ws.cell(row=header_row, column=status_column).value = "Ghi chú riêng"
    workbook.save(source)
    problems = parse_submission(source, contracts, directory).problems
    rules = {p.rule for p in problems}
    assert {"required_column_missing", "column_unknown"} <= rules

    feedback = write_feedback(source, problems, tmp_path / "out.xlsx")

    ws = openpyxl.load_workbook(feedback)["Báo cáo"]
    unknown = ws.cell(row=header_row, column=status_column)
    assert unknown.fill.fgColor.rgb.endswith(WARNING_FILL.fgColor.rgb[-6:])
    assert unknown.comment.text.startswith("CẢNH BÁO / WARNING")
    missing = ws.cell(row=header_row, column=1)
    assert missing.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "Thiếu cột bắt buộc 'Tình trạng'" in missing.comment.text


def test_unreadable_file_gets_the_problem_list_only(tmp_path: Path, capsys) -> None:
    source = tmp_path / "BC_hong.xlsx"
    source.write_bytes(b"not a workbook at all")
    out_dir = tmp_path / "phan_hoi"

    assert main(["check", str(source), "--feedback", str(out_dir)]) == 1

    workbook = openpyxl.load_workbook(out_dir / "BC_hong.phan_hoi.xlsx")
    assert workbook.sheetnames == [FEEDBACK_SHEET]
    assert [p["rule"] for p in _listing(out_dir / "BC_hong.phan_hoi.xlsx")] == [
        "file_unreadable"]


def test_feedback_paths_do_not_collide(tmp_path: Path) -> None:
    taken: set[Path] = set()
    first = feedback_path(tmp_path, Path("a/BC.xlsx"), taken)
    second = feedback_path(tmp_path, Path("b/BC.csv"), taken)
    assert (first.name, second.name) == ("BC.phan_hoi.xlsx", "BC-2.phan_hoi.xlsx")


@pytest.mark.parametrize("text", ["=1+1", "+84 24 3825", "-5", "@SUM(A1)", "\tx", "\rx", "#N/A"])
def test_write_text_never_stores_a_formula_or_error(tmp_path: Path, text: str) -> None:
    workbook = openpyxl.Workbook()
    write_text(workbook.active["A1"], text)
    path = tmp_path / "t.xlsx"
    workbook.save(path)

    cell = openpyxl.load_workbook(path).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "\n")  # XML reads a bare CR as a line feed
    assert cell.quotePrefix == (text != "#N/A")
    assert _formula_count(path) == 0
