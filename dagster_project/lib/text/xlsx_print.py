"""How a written worksheet prints: A4 landscape, one page wide, headings on every page.

Offices print what nq57 writes (feedback to agencies, templates, chase lists, the
scorecard workbook). Without a page setup, LibreOffice Calc and Excel print nine columns
over five portrait pages; without row heights, wrapped messages overprint the next row,
since openpyxl writes no heights and Calc does not grow a row it loads with text in it.
"""

from __future__ import annotations

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Calibri 11 (openpyxl's default font): a row holds one line in 15 points; a column of
# width w holds about w characters of Vietnamese text, a tenth fewer in bold, fewer capitals
# (a code like P_THAI_NGUYEN). Lines break between words, so a line holds fewer characters
# than that when the next word does not fit.
LINE_POINTS = 15.0
DEFAULT_WIDTH = 8.43
BOLD_WIDTH = 1.1
CAPITAL_WIDTH = 1.2
MAX_LINES = 30  # Excel's row limit is 409 points; a cell this long is read on screen anyway


def print_setup(ws: Worksheet, title_rows: tuple[int, int] | None = None,
                landscape: bool = True) -> None:
    """A4, one page wide (as many pages down as needed), ``title_rows`` on every page.

    Calc fits a sheet to the page width by shrinking it across columns: a single column
    wider than the page is cut at the edge, not shrunk (keep it within the printable width).
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


def _size(word: str) -> float:
    """A word's width in characters of lower-case text."""
    return len(word) + (CAPITAL_WIDTH - 1) * sum(c.isupper() for c in word)


def _wrapped(part: str, per_line: int) -> int:
    """Lines one paragraph takes, broken between words; a longer word breaks inside."""
    lines, used = 1, 0.0
    for word in part.split():
        size = _size(word)
        if used and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if used:
            lines += 1
        pieces = math.ceil(size / per_line)
        lines += pieces - 1
        used = size - (pieces - 1) * per_line
    return lines


def _lines(text: str, width: float, bold: bool = False) -> int:
    per_line = max(1, int(width / BOLD_WIDTH if bold else width) - 1)
    return sum(_wrapped(part, per_line) for part in text.split("\n"))


def fit_row_heights(ws: Worksheet, first_row: int = 1) -> None:
    """Give each row from ``first_row`` the height its wrapped text needs.

    Only cells whose alignment wraps count; a merged cell is measured across its columns
    and only when it spans one row.
    """
    widths = {index: ws.column_dimensions[get_column_letter(index)].width or DEFAULT_WIDTH
              for index in range(1, ws.max_column + 1)}
    spans: dict[tuple[int, int], float | None] = {}
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            sum(widths.get(c, DEFAULT_WIDTH) for c in range(merged.min_col, merged.max_col + 1))
            if merged.min_row == merged.max_row else None)
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                continue
            width = spans.get((cell.row, cell.column), widths.get(cell.column, DEFAULT_WIDTH))
            if width is not None:
                lines = max(lines, _lines(cell.value, width, bool(cell.font and cell.font.b)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_POINTS * min(lines, MAX_LINES)
