"""Row heights for wrapped text: what keeps a printed message from overprinting the next."""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Alignment

from dagster_project.lib.text.xlsx_print import LINE_POINTS, fit_row_heights

WRAP = Alignment(wrap_text=True)


def test_a_wrapped_cell_gets_one_line_per_column_width_of_text() -> None:
    ws = openpyxl.Workbook().active
    ws.column_dimensions["A"].width = 21
    ws["A1"], ws["A2"], ws["A3"] = "x" * 20, "x" * 60, "one\ntwo\nthree"
    for cell in ("A1", "A2", "A3"):
        ws[cell].alignment = WRAP

    fit_row_heights(ws)

    assert ws.row_dimensions[1].height is None  # one line: the default height
    assert ws.row_dimensions[2].height == 3 * LINE_POINTS
    assert ws.row_dimensions[3].height == 3 * LINE_POINTS


def test_a_merged_title_is_measured_across_its_columns() -> None:
    ws = openpyxl.Workbook().active
    for letter in "ABCD":
        ws.column_dimensions[letter].width = 10
    ws["A1"] = "x" * 30  # three lines in column A alone, one across A:D
    ws["A1"].alignment = WRAP
    ws.merge_cells("A1:D1")

    fit_row_heights(ws)

    assert ws.row_dimensions[1].height is None


def test_text_that_does_not_wrap_keeps_its_row() -> None:
    ws = openpyxl.Workbook().active
    ws["A1"] = "x" * 200

    fit_row_heights(ws)

    assert ws.row_dimensions[1].height is None
