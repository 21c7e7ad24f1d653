"""Write text from agencies into xlsx cells so that Excel shows it and never evaluates it.

Feedback workbooks, templates and scorecards put text that agencies typed (task names,
status words, whole cell values) into workbooks that other people open. openpyxl stores a
string starting with "=" as a formula and one such as "#N/A" as an error value, so a cell
reading ``=HYPERLINK("http://…","Bấm vào đây")`` would become a live link in the office's own
file. Every such string therefore goes through :func:`write_text`, which stores it as a
plain string *and* sets the cell's ``quotePrefix`` flag: that is what Excel itself records
when a user types a leading apostrophe, so the text is shown exactly as written (no visible
apostrophe), stays text when someone edits the cell, and keeps its value for readers (a
feedback workbook re-checked with ``nq57 check`` reads the same text the agency sent).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FORMULA_TRIGGERS", "MAX_CELL_CHARS", "is_formula_like", "safe_cell", "write_text"]

# Characters with which spreadsheet programs start a formula (or a DDE call) when a value is
# entered or imported: OWASP's list for CSV injection, plus the line feed for good measure.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel's limit for the text of one cell; longer values are cut rather than refused.
MAX_CELL_CHARS = 32767


def is_formula_like(text: str) -> bool:
    """Tell whether Excel would treat ``text`` as a formula if it were typed or imported.

    Args:
        text: Any string.

    Returns:
        True when it starts with one of :data:`FORMULA_TRIGGERS`.
    """
    return text.startswith(FORMULA_TRIGGERS)


def _clean(text: str) -> str:
    """Drop control characters the xlsx format cannot hold and cut to Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS]


def write_text(cell: Cell, text: str) -> Cell:
    """Store ``text`` in ``cell`` as inert text.

    The value is always stored as a string (never a formula or an error value); when it
    starts like a formula the cell is also marked with ``quotePrefix``, Excel's own record
    of a leading apostrophe, so editing the cell later does not turn it into a formula.

    Args:
        cell: A worksheet cell (not a merged-away cell).
        text: The text as the agency wrote it.

    Returns:
        The cell, for chaining style assignments.
    """
    value = _clean(text)
    cell.value = value
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell


def safe_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write any value read from a submission into ``ws`` at (row, column), neutralised.

    Numbers, booleans, dates and times are written as themselves; everything else is
    written as inert text through :func:`write_text`.

    Args:
        ws: Target worksheet.
        row: 1-based row.
        column: 1-based column.
        value: A cell value as a reader returns it (None leaves the cell empty).

    Returns:
        The cell.
    """
    cell = ws.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, bool | int | float | Decimal | date | datetime | time):
        cell.value = value
        return cell
    return write_text(cell, str(value))
