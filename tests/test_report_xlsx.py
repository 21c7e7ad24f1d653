"""The XLSX writer of the scorecard: every table a sheet, numbers stay numbers, text is inert."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from dagster_project.lib.publish.report.model import Column, Page, Report, Section, Status, Table
from dagster_project.lib.publish.report.xlsx import sheet_names, sheet_title, write_workbook

LONG_ID = "agency/ministry-of-planning-and-investment-tasks"  # 48 chars, with "/"
INJECTIONS = [
    '=HYPERLINK("http://evil.example","Bấm vào đây")',
    "@SUM(A1)",
    "+1",
    "-2+3",
]
VI_TEXT = "Bộ Kế hoạch và Đầu tư — Nghị quyết 57: đẩy mạnh chuyển đổi số"


def _figures() -> Table:
    return Table(
        table_id="ranking-province",
        title="Xếp hạng các tỉnh",
        note="Tỷ lệ = số nhiệm vụ hoàn thành / tổng số nhiệm vụ.",
        columns=(
            Column("name", "Đơn vị"),
            Column("tasks", "Số nhiệm vụ", "int"),
            Column("delta", "Thay đổi", "signed_int"),
            Column("score", "Điểm", "number", digits=2),
            Column("rate", "Tỷ lệ hoàn thành", "pct", digits=1),
            Column("change", "Thay đổi (điểm %)", "pp"),
            Column("due", "Hạn", "date"),
            Column("band", "Mức", "status"),
            Column("flag", "Có số liệu", "text"),
        ),
        rows=(
            {"name": "Hà Nội", "tasks": 1245, "delta": 45, "score": Decimal("103.43"),
             "rate": 0.848, "change": 0.042, "due": date(2026, 6, 29),
             "band": Status("green", "Tốt"), "flag": True},
            {"name": "Huế", "tasks": None, "delta": -3, "score": None, "rate": None,
             "change": None, "due": None, "band": Status("missing", "Chưa có số liệu"),
             "flag": False},
        ),
    )


def _report(*extra: Table, lang: str = "vi") -> Report:
    tasks = Table(
        table_id=LONG_ID,
        title="Nhiệm vụ",
        columns=(Column("task", "Nhiệm vụ"), Column("status", "Trạng thái", "status")),
        rows=tuple({"task": text, "status": Status("red", "Quá hạn")} for text in
                   [*INJECTIONS, VI_TEXT, unicodedata.normalize("NFD", VI_TEXT)]),
        note="=1+1",
    )
    collide = Table(table_id="Ranking-Province", title="Xếp hạng CÁC TỈNH",
                    columns=(Column("x", "X", "int"),), rows=({"x": 1},))
    main = Page("scorecard", "Bảng điểm", sections=(
        Section("s1", "Tổng quan", blocks=(_figures(), collide)),
    ))
    agency = Page("a1", "Bộ KH&ĐT", sections=(Section("s2", "Nhiệm vụ", blocks=(tasks, *extra)),))
    return Report(lang=lang, period_key="2026-Q2", title="Bảng điểm Nghị quyết 57",
                  main=main, agencies=(agency,), agency_tables=(tasks, *extra),
                  meta={"generated_at": datetime(2026, 7, 5, 8, 30, tzinfo=UTC),
                        "generated_at_text": "15:30 5/7/2026"})


@pytest.fixture()
def book(tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    path = write_workbook(_report(), tmp_path / "out" / "scorecard.xlsx")
    return path, openpyxl.load_workbook(path)


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith(".xml")}


def test_every_table_is_a_sheet_listed_in_contents(book: tuple[Path, openpyxl.Workbook]) -> None:
    path, wb = book
    report = _report()
    assert wb.sheetnames[0] == "Mục lục"
    assert len(wb.sheetnames) == 1 + len(report.tables())
    contents = wb["Mục lục"]
    assert contents["A1"].value == report.title
    assert contents["B2"].value == "Quý II/2026"
    assert contents["B3"].value == "15:30 5/7/2026"
    assert [c.value for c in contents[5]][:3] == ["Trang tính", "Bảng", "Số dòng"]
    listed = {}
    for row in contents.iter_rows(min_row=6):
        if row[0].value:
            listed[row[0].value] = (row[1].value, row[2].value, row[0].hyperlink)
    assert list(listed) == wb.sheetnames[1:]
    for name, table in zip(wb.sheetnames[1:], report.tables(), strict=True):
        title, count, link = listed[name]
        assert title == table.title
        assert count == len(table.rows)
        assert link.location == f"'{name}'!A1" and not link.target
        assert wb[name]["A1"].value == table.title
        assert wb[name]["A1"].font.b
    assert wb.properties.creator == "nq57"
    assert wb.properties.title == report.title
    # Every sheet prints one A4 page wide, the contents sheet too (it was cut at the edge).
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert contents.print_title_rows == "$5:$5"
    assert wb.properties.created == datetime(2026, 7, 5, 8, 30)


def test_english_contents_sheet(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_workbook(_report(lang="en"), tmp_path / "en.xlsx"))
    assert wb.sheetnames[0] == "Contents"
    assert wb["Contents"]["B2"].value == "Q2 2026"
    ws = wb[wb.sheetnames[1]]
    assert ws["I4"].value == "Yes" and ws["I5"].value == "No"


def test_sheet_names_follow_excel_rules(book: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = book
    names = wb.sheetnames
    # sheets are named by the table's caption, never by its internal id
    assert names[1] == "Xếp hạng các tỉnh"
    assert names[2] == "Xếp hạng CÁC TỈNH-2"  # collision, case-insensitive
    assert names[3] == "Nhiệm vụ"
    for name in names:
        assert len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)
    assert len({n.casefold() for n in names}) == len(names)
    # Deterministic, and collisions after truncation still get a suffix within 31 chars.
    ids = [LONG_ID, LONG_ID, "mục lục", "History", "a:b*c?"]
    first = sheet_names(ids, taken=["Mục lục"])
    assert first == sheet_names(ids, taken=["Mục lục"])
    assert first[1].endswith("-2") and len(first[1]) == 31
    assert first[2] == "mục lục-2"
    assert first[3] != "History" and first[4] == "a-b-c-"
    assert sheet_title("Xếp hạng: Bộ, cơ quan ngang bộ") == "Xếp hạng – Bộ, cơ quan ngang bộ"


def test_numbers_stay_numbers_with_formats(book: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = book
    ws = wb["Xếp hạng các tỉnh"]
    assert ws["A2"].value.startswith("Tỷ lệ")
    assert [c.value for c in ws[3]][:2] == ["Đơn vị", "Số nhiệm vụ"]
    assert ws["A3"].font.b and ws["A3"].fill.fill_type == "solid"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:I5"
    expected = {
        "B4": (1245, "#,##0"),
        "C4": (45, "+#,##0;-#,##0;0"),
        "C5": (-3, "+#,##0;-#,##0;0"),
        "D4": (103.43, "#,##0.00"),
        "E4": (0.848, "0.0%"),
        "F4": (0.042, "+0.0%;-0.0%;0.0%"),
    }
    for ref, (value, fmt) in expected.items():
        cell = ws[ref]
        assert cell.data_type == "n", ref
        assert cell.value == pytest.approx(value), ref
        assert cell.number_format == fmt, ref
    assert ws["G4"].value == datetime(2026, 6, 29) and ws["G4"].number_format == "d/m/yyyy"
    assert ws["H4"].value == "Tốt" and ws["H5"].value == "Chưa có số liệu"
    assert ws["I4"].value == "Có" and ws["I5"].value == "Không"


def test_missing_is_a_dash_not_zero(book: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = book
    ws = wb["Xếp hạng các tỉnh"]
    for ref in ("B5", "D5", "E5", "F5", "G5"):
        assert ws[ref].value == "–", ref
        assert ws[ref].data_type == "s", ref


def test_agency_text_is_inert(book: tuple[Path, openpyxl.Workbook]) -> None:
    path, wb = book
    ws = wb["Nhiệm vụ"]
    assert ws["A2"].value == "=1+1" and ws["A2"].quotePrefix and ws["A2"].data_type == "s"
    for offset, text in enumerate(INJECTIONS):
        cell = ws.cell(row=4 + offset, column=1)
        assert cell.data_type == "s"
        assert cell.value == text
        assert cell.quotePrefix
        assert cell.hyperlink is None
    xml = _sheet_xml(path)
    for name, content in xml.items():
        assert not re.search(r"<(\w+:)?f[ >/]", content), name
    assert not any("evil.example" in content for name, content in xml.items()
                   if "_rels" in name)
    # The only hyperlinks are the contents sheet's internal ones.
    for sheet in wb.worksheets[1:]:
        assert not sheet._hyperlinks


def test_vietnamese_round_trips_in_nfc(book: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = book
    ws = wb["Nhiệm vụ"]
    row = 4 + len(INJECTIONS)
    assert ws.cell(row=row, column=1).value == VI_TEXT
    assert ws.cell(row=row + 1, column=1).value == VI_TEXT  # NFD input comes back NFC
    assert ws.cell(row=row, column=2).value == "Quá hạn"
    assert wb["Mục lục"]["A1"].value == "Bảng điểm Nghị quyết 57"


def test_output_is_deterministic_and_atomic(tmp_path: Path) -> None:
    first = write_workbook(_report(), tmp_path / "a.xlsx").read_bytes()
    target = tmp_path / "b.xlsx"
    target.write_bytes(b"old")
    write_workbook(_report(), target)
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_empty_table_and_odd_values(tmp_path: Path) -> None:
    empty = Table("empty", "Bảng trống", (Column("n", "N", "int"),), rows=())
    odd = Table("odd", "Giá trị lạ", (Column("n", "N", "int"), Column("p", "P", "pct")),
                rows=({"n": "không rõ", "p": float("nan")},))
    wb = openpyxl.load_workbook(write_workbook(_report(empty, odd), tmp_path / "x.xlsx"))
    assert wb["Bảng trống"].auto_filter.ref == "A3:A3"
    listed = [row[0].value for row in wb["Mục lục"].iter_rows(min_row=6)]
    assert listed[-2:] == ["Bảng trống", "Giá trị lạ"]
    assert wb["Giá trị lạ"]["A4"].value == "không rõ" and wb["Giá trị lạ"]["B4"].value == "–"
