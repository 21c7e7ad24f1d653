"""Formula cells saved without a cached value are found, per sheet and cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from dagster_project.lib.ingest.workbook import (
    UnreadableFileError,
    read_sheets,
    uncached_formula_cells,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = f"{REL}/worksheet"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>'
)
SHEET_TYPE = ('<Override PartName="/xl/worksheets/{name}" ContentType="application/'
              'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')


def _xlsx(path: Path, sheets: list[tuple[str, str, str]], absolute_targets: bool = False) -> Path:
    """A minimal workbook: (sheet name, part file name, <sheetData> content) in tab order."""
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _, _) in enumerate(sheets, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{WORKSHEET}" '
        f'Target="{"/xl/" if absolute_targets else ""}worksheets/{part}"/>'
        for i, (_, part, _) in enumerate(sheets, 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(
            sheets="".join(SHEET_TYPE.format(name=part) for _, part, _ in sheets)))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="{PKG}">{rels}</Relationships>')
        for _, part, data in sheets:
            archive.writestr(f"xl/worksheets/{part}",
                             f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>')
    return path


def test_openpyxl_formulas_are_found_on_every_sheet_including_hidden(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo"
    sheet.append(["TT", "Mã nhiệm vụ", "Sản phẩm"])
    sheet.append([1, "TB20-0001", '="Thông tư "&"01/2026"'])
    sheet.append(["=A2+1", "TB20-0002", "Quyết định"])
    helper = workbook.create_sheet("Tính toán")
    helper["C5"] = "=SUM(1,2)"
    helper.sheet_state = "hidden"
    workbook.create_sheet("Trống")["A1"] = "no formulas here"
    path = tmp_path / "script.xlsx"
    workbook.save(path)

    found = uncached_formula_cells(path)

    assert found == {"Báo cáo": [(1, 2, '"Thông tư "&"01/2026"'), (2, 0, "A2+1")],
                     "Tính toán": [(4, 2, "SUM(1,2)")]}
    # What the reader makes of them: the cells read as empty, the values are gone.
    rows = read_sheets(path)[0].rows
    assert rows[1][2] in ("", None) and rows[2][0] in ("", None)


def test_cached_values_are_not_reported(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c>'
        '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c>'  # a cached empty string, as Excel writes it
        '<c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="E1"><f>NOW()</f><v/></c>'  # what openpyxl writes: an empty value element
        '<c r="F1"><f>TODAY()</f></c></row>'  # no value element at all
    )
    path = _xlsx(tmp_path / "excel.xlsx", [("Trang 1", "sheet1.xml", data)])
    assert uncached_formula_cells(path) == {"Trang 1": [(0, 4, "NOW()"), (0, 5, "TODAY()")]}


def test_shared_formulas_report_each_cell_with_the_anchor_formula(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">A1+1</f></c>'
        '<c r="B2"><f t="shared" ref="B2:B3" si="1">A2*2</f><v>4</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/></c>'
        '<c r="B3"><f t="shared" si="1"/><v>6</v></c></row>'
        '<row r="4"><c r="A4"><f t="shared" si="0"/><v></v></c></row>'
    )
    path = _xlsx(tmp_path / "shared.xlsx", [("S", "sheet1.xml", data)])
    assert uncached_formula_cells(path) == {"S": [(1, 0, "A1+1"), (2, 0, "A1+1"),
                                                  (3, 0, "A1+1")]}


def test_sheet_names_follow_the_workbook_not_the_part_names(tmp_path: Path) -> None:
    """Tab order and part numbering differ after sheets are moved; targets may be absolute."""
    uncached = '<row r="2"><c r="B2"><f>1+1</f></c></row>'
    cached = '<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>'
    for absolute in (False, True):
        path = _xlsx(tmp_path / f"moved_{absolute}.xlsx",
                     [("Bìa", "sheet2.xml", cached), ("Báo cáo", "sheet1.xml", uncached)],
                     absolute_targets=absolute)
        assert uncached_formula_cells(path) == {"Báo cáo": [(1, 1, "1+1")]}


def test_cells_and_rows_without_references_are_placed_by_position(tmp_path: Path) -> None:
    """The r attributes are optional: a cell then follows its left neighbour, a row the last."""
    data = ('<row r="3"><c r="B3"><v>1</v></c><c><f>B3+1</f></c></row>'
            '<row><c><v>x</v></c><c><v>y</v></c><c><f>C3*2</f><v/></c></row>')
    path = _xlsx(tmp_path / "norefs.xlsx", [("S", "sheet1.xml", data)])
    assert uncached_formula_cells(path) == {"S": [(2, 2, "B3+1"), (3, 2, "C3*2")]}


def test_a_sheet_full_of_formulas_is_listed_up_to_the_limit(tmp_path: Path) -> None:
    data = "".join(f'<row r="{r}"><c r="A{r}"><f>ROW()</f></c></row>' for r in range(1, 51))
    path = _xlsx(tmp_path / "many.xlsx", [("S", "sheet1.xml", data)])
    assert len(uncached_formula_cells(path)["S"]) == 50
    assert uncached_formula_cells(path, limit_per_sheet=7)["S"] == [
        (r, 0, "ROW()") for r in range(7)]


def test_other_formats_have_nothing_to_report(tmp_path: Path) -> None:
    csv = tmp_path / "bao_cao.csv"
    csv.write_text("TT,Mã nhiệm vụ\n=1+1,TB20-0001\n", encoding="utf-8")
    assert uncached_formula_cells(csv) == {}


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "password-protected"),
    (b"PK\x03\x04 cut off", "not a valid zip container"),
])
def test_files_read_sheets_rejects_are_rejected_alike(tmp_path: Path, content: bytes,
                                                     message: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=message):
        uncached_formula_cells(path)


def test_a_zip_without_a_workbook_part_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "docs.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnreadableFileError) as raised:
        uncached_formula_cells(path)
    assert raised.value.message_vi and "structure cannot be read" in raised.value.message_en


def test_damaged_sheet_xml_is_unreadable(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "broken.xlsx", [("S", "sheet1.xml", '<row r="1"><c r="A1"><f>1')])
    with pytest.raises(UnreadableFileError, match="ParseError"):
        uncached_formula_cells(path)
