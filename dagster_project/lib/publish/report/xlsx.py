"""Write a :class:`~dagster_project.lib.publish.report.model.Report` as an XLSX workbook.

The workbook holds every table of the report (``Report.tables()``), one sheet each, after a
contents sheet that links to them. Figures stay numbers: a count is stored as a number with
the number format ``#,##0``, a percentage as its ratio with ``0.0%``, a date as a date, so a
reader can sort, filter and compute with them. A missing value is written as the en dash
``–`` (text), never as an empty cell or 0, so it stays visibly missing.

Every string (titles, headings, notes, task names, status words) goes through
:func:`dagster_project.lib.text.xlsx_safe.write_text`: it is stored as inert text, and a string
that starts like a formula (``=``, ``+``, ``-``, ``@``) is marked with ``quotePrefix``. The
only hyperlinks in the workbook are the internal links of the contents sheet, which this
module creates itself; agency text never becomes a formula or a link.

Excel shows thousands and decimal separators according to the reader's own locale settings
(``1.245,5`` on a Vietnamese system, ``1,245.5`` on an English one); the number formats only
say *how many* decimals and whether to group thousands. That is expected and is the point of
storing numbers rather than formatted text.

The output is deterministic: the same report gives a byte-identical file. The document's
created/modified times come from ``report.meta["generated_at"]`` (when it is a datetime) and
the zip entries carry that same time, not the time of writing.
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from dagster_project.lib.home.paths import replacing
from dagster_project.lib.publish.report.model import Column, Formatter, Report, Status, Table
from dagster_project.lib.text.vnformat import MISSING
from dagster_project.lib.text.xlsx_print import fit_row_heights, print_setup
from dagster_project.lib.text.xlsx_safe import write_text

__all__ = ["CONTENTS_SHEET", "sheet_names", "write_workbook"]

CONTENTS_SHEET = {"vi": "Mục lục", "en": "Contents"}
"""Name of the first sheet, by language."""

_LABELS = {
    "vi": {"period": "Kỳ báo cáo", "generated": "Thời điểm tạo", "sheet": "Trang tính",
           "table": "Bảng", "rows": "Số dòng", "yes": "Có", "no": "Không"},
    "en": {"period": "Period", "generated": "Generated", "sheet": "Sheet",
           "table": "Table", "rows": "Rows", "yes": "Yes", "no": "No"},
}

# Excel's rules for sheet names: at most 31 characters, none of []:*?/\ , not starting or
# ending with an apostrophe, unique ignoring case; "History" is reserved.
_SHEET_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
_SHEET_RESERVED = {"history"}

# Number formats by column kind. ``pp`` (a change in percentage points) is stored as the
# difference of the two ratios, so it is consistent with the ``pct`` columns it is computed
# from (84,8% − 80,6% in the sheet gives the stored value); Excel can only scale by 100 through
# the "%" sign, so it is shown as "+4,2%" / "-1,0%" (the column heading says it is points).
_INT_FORMAT = "#,##0"
_SIGNED_INT_FORMAT = "+#,##0;-#,##0;0"
_DATE_FORMAT = "d/m/yyyy"

_TITLE_FONT = Font(bold=True, size=13)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, color="555555")
_LINK_FONT = Font(color="0563C1", underline="single")
_HEADER_FILL = PatternFill(fill_type="solid", start_color="DDE4EE", end_color="DDE4EE")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")
_STATUS_FILLS = {
    code: PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
    for code, rgb in {"green": "D9EAD3", "amber": "FCE8B2", "red": "F4CCCC",
                      "missing": "EEEEEE", "na": "EEEEEE"}.items()
}

_TITLE_ROW, _NOTE_ROW, _HEADER_ROW = 1, 2, 3
_MIN_WIDTH, _MAX_WIDTH = 8, 60

# Zip entries get this time when the report has no generation time (the zip format's epoch).
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _clean_name_text(text: str) -> str:
    """NFC, without control characters: a safe base for a sheet name or a property."""
    return ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", text))


def _sheet_base(table_id: str) -> str:
    """The sheet name a table id asks for, before making it unique."""
    name = _clean_name_text(table_id).translate(_SHEET_FORBIDDEN).replace("'", "-").strip()
    name = name[:_SHEET_MAX].strip()
    if not name or name.casefold() in _SHEET_RESERVED:
        name = f"{name or 'Sheet'}-1"
    return name


def sheet_title(title: str) -> str:
    """A table's caption as the base of its sheet name: what the reader sees in the tabs.

    Sheets are named for readers, not by the table's internal id; ``:`` (which Excel
    refuses) becomes a dash, and a caption longer than a sheet name may be is cut at a word
    with an ellipsis; :func:`sheet_names` then de-duplicates.
    """
    name = " ".join(title.replace(": ", " – ").replace(":", " –").split())
    if len(name) <= _SHEET_MAX:
        return name
    cut = name[:_SHEET_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;–-")
    return cut + "…"


def sheet_names(table_ids: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel-valid, unique sheet names for tables, in order.

    A name is the table id with the characters Excel refuses replaced by ``-``, cut to 31
    characters. A name already used (ignoring case, including the ``taken`` names) gets the
    next free suffix ``-2``, ``-3`` … with the base shortened so the whole stays within 31
    characters. The result depends only on the ids and their order.

    Args:
        table_ids: The tables' ``table_id`` s, in sheet order.
        taken: Names already used in the workbook (e.g. the contents sheet).

    Returns:
        One sheet name per id.
    """
    used = {name.casefold() for name in taken}
    names = []
    for table_id in table_ids:
        base = _sheet_base(table_id)
        name = base
        counter = 1
        while name.casefold() in used:
            counter += 1
            suffix = f"-{counter}"
            name = base[: _SHEET_MAX - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        names.append(name)
    return names


# --------------------------------------------------------------------------- cells

def _text(cell: Cell, text: str) -> Cell:
    """Write a string as inert text, in NFC (Vietnamese typed on some systems is NFD)."""
    return write_text(cell, unicodedata.normalize("NFC", text))


def _is_missing(value: Any) -> bool:
    """None, and the non-finite floats the xlsx format cannot hold, are missing."""
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Decimal):
        return not value.is_finite()
    return False


def _number_format(column: Column, row: Mapping[str, Any] | None = None) -> str | None:
    """The number format for a numeric column kind (in ``row``'s precision), or None."""
    kind = column.kind
    digits = column.digits_for(row)
    if kind == "int":
        return _INT_FORMAT
    if kind == "signed_int":
        if digits:
            part = _INT_FORMAT + "." + "0" * digits
            return f"+{part};-{part};0"
        return _SIGNED_INT_FORMAT
    if kind == "number":
        return _INT_FORMAT + ("." + "0" * digits if digits > 0 else "")
    if kind == "pct":
        return "0." + "0" * (digits or 1) + "%"
    if kind == "pp":
        part = "0." + "0" * (digits or 1) + "%"
        return f"+{part};-{part};{part}"
    return None


def _write_value(cell: Cell, value: Any, column: Column, lang: str,
                 row: Mapping[str, Any] | None = None) -> None:
    """Write one table value by its column's kind (see the module docstring)."""
    if _is_missing(value):
        _text(cell, MISSING)
        cell.alignment = Alignment(horizontal="right") if column.kind not in (
            "text", "status") else Alignment()
        return
    if isinstance(value, bool):
        _text(cell, _LABELS[lang]["yes" if value else "no"])
        return
    if column.kind == "status" or isinstance(value, Status):
        _text(cell, str(value))
        fill = _STATUS_FILLS.get(value.code) if isinstance(value, Status) else None
        if fill is not None:
            cell.fill = fill
        return
    fmt = _number_format(column, row)
    if fmt is not None and isinstance(value, int | float | Decimal):
        cell.value = float(value) if isinstance(value, Decimal) else value
        cell.number_format = fmt
        return
    if column.kind == "date" and isinstance(value, date | datetime):
        cell.value = value
        cell.number_format = _DATE_FORMAT
        return
    # A text column, or a value that does not fit its column's kind: shown as text, inert.
    _text(cell, value.isoformat() if isinstance(value, time) else str(value))


def _display_width(value: Any, column: Column, fmt: Formatter) -> int:
    """Roughly how many characters a value takes on screen."""
    if isinstance(value, bool):
        return 5
    if _is_missing(value):
        return 1
    try:
        text = fmt.cell(value, column)
    except (TypeError, ValueError, ArithmeticError):
        text = str(value)
    return max((len(line) for line in str(text).splitlines()), default=0)


def _fit_columns(ws: Worksheet, table: Table, fmt: Formatter) -> None:
    """Set column widths from heading and content; wrap the columns that hit the cap."""
    for index, column in enumerate(table.columns, start=1):
        header = max((len(word) for word in column.label.split()), default=0)
        content = max((_display_width(row.get(column.key), column, fmt) for row in table.rows),
                      default=0)
        wanted = max(header, content, len(column.label) if len(column.label) <= 24 else 0)
        width = min(max(wanted + 2, _MIN_WIDTH), _MAX_WIDTH)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        if content + 2 > _MAX_WIDTH and column.kind in ("text", "status"):
            for row in range(_HEADER_ROW + 1, _HEADER_ROW + 1 + len(table.rows)):
                ws.cell(row=row, column=index).alignment = _WRAP


# --------------------------------------------------------------------------- sheets

def _write_table(ws: Worksheet, table: Table, report: Report, fmt: Formatter) -> None:
    """One table on its own sheet: title, note, a frozen and filtered header, the rows."""
    _text(ws.cell(row=_TITLE_ROW, column=1), table.title).font = _TITLE_FONT
    if table.note:
        _text(ws.cell(row=_NOTE_ROW, column=1), table.note).font = _NOTE_FONT
    for index, column in enumerate(table.columns, start=1):
        cell = _text(ws.cell(row=_HEADER_ROW, column=index), column.label)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
    for offset, row in enumerate(table.rows, start=1):
        for index, column in enumerate(table.columns, start=1):
            cell = ws.cell(row=_HEADER_ROW + offset, column=index)
            _write_value(cell, row.get(column.key), column, report.lang, row)
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=1)
    if table.columns:
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A{_HEADER_ROW}:{last}{_HEADER_ROW + len(table.rows)}"
    print_setup(ws, (_HEADER_ROW, _HEADER_ROW) if table.columns else None)
    _fit_columns(ws, table, fmt)
    fit_row_heights(ws, _HEADER_ROW)


def _write_contents(ws: Worksheet, report: Report, tables: list[Table], names: list[str],
                    fmt: Formatter) -> None:
    """The contents sheet: title, period, generation time, then a linked list of tables."""
    labels = _LABELS[report.lang]
    _text(ws.cell(row=1, column=1), report.title).font = _TITLE_FONT
    _text(ws.cell(row=2, column=1), labels["period"]).font = _BOLD
    _text(ws.cell(row=2, column=2), fmt.period(report.period_key))
    row = 3
    generated = report.meta.get("generated_at_text")
    if generated:
        _text(ws.cell(row=row, column=1), labels["generated"]).font = _BOLD
        _text(ws.cell(row=row, column=2), str(generated))
        row += 1
    header = row + 1
    for index, key in enumerate(("sheet", "table", "rows"), start=1):
        cell = _text(ws.cell(row=header, column=index), labels[key])
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for offset, (table, name) in enumerate(zip(tables, names, strict=True), start=1):
        link = _text(ws.cell(row=header + offset, column=1), name)
        # An internal link (a location, not an external target) that this module builds from
        # the sheet name it chose; apostrophes never occur in those names.
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1")
        link.font = _LINK_FONT
        _text(ws.cell(row=header + offset, column=2), table.title)
        count = ws.cell(row=header + offset, column=3, value=len(table.rows))
        count.number_format = _INT_FORMAT
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    width_a = max([len(labels["generated"]), len(labels["period"]), *map(len, names)]) + 2
    width_b = max([len(fmt.period(report.period_key)), len(str(generated or "")),
                   *(len(t.title) for t in tables)], default=0) + 2
    ws.column_dimensions["A"].width = min(max(width_a, _MIN_WIDTH), _MAX_WIDTH)
    ws.column_dimensions["B"].width = min(max(width_b, _MIN_WIDTH), _MAX_WIDTH)
    ws.column_dimensions["C"].width = max(len(labels["rows"]) + 2, _MIN_WIDTH)
    print_setup(ws, (header, header), landscape=False)  # one page wide: never cut at the edge


# --------------------------------------------------------------------------- workbook

def _generated_at(report: Report) -> datetime | None:
    """The report's generation time as naive UTC (what the xlsx core properties hold)."""
    value = report.meta.get("generated_at")
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _build(report: Report) -> Workbook:
    """The workbook in memory."""
    fmt = Formatter(report.lang)
    tables = report.tables()
    contents_name = CONTENTS_SHEET[report.lang]
    names = sheet_names((sheet_title(t.title) for t in tables), taken=(contents_name,))

    wb = Workbook()
    contents = wb.active
    contents.title = contents_name
    _write_contents(contents, report, tables, names, fmt)
    for table, name in zip(tables, names, strict=True):
        _write_table(wb.create_sheet(title=name), table, report, fmt)

    props = wb.properties
    props.title = _clean_name_text(report.title)
    props.subject = _clean_name_text(fmt.period(report.period_key))
    props.creator = "nq57"
    props.lastModifiedBy = "nq57"
    props.language = "vi-VN" if report.lang == "vi" else "en-GB"
    stamp = _generated_at(report) or datetime(2000, 1, 1)
    props.created = stamp
    props.modified = stamp
    return wb


def _normalise_zip(data: bytes, when: datetime | None) -> bytes:
    """Rewrite the xlsx archive with fixed entry times, so equal reports give equal bytes."""
    stamp = (when.timetuple()[:6] if when is not None and when.year >= 1980 else _ZIP_EPOCH)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def write_workbook(report: Report, target: Path) -> Path:
    """Write ``report`` as an XLSX workbook at ``target``, replacing it atomically.

    Sheets: a contents sheet ("Mục lục" / "Contents") with the title, the period, the
    generation time (``report.meta["generated_at_text"]``) and one linked row per table; then
    one sheet per table of ``report.tables()``, named from its ``table_id`` (see
    :func:`sheet_names`), with the title in row 1, the note in row 2, the column headings in
    row 3 (frozen, with an autofilter) and the rows below.

    Values keep their type: ``int``/``signed_int``/``number``/``pct``/``pp`` columns are
    numbers with a number format (a ratio for ``pct`` and ``pp``), ``date`` columns are dates
    (``d/m/yyyy``), ``status`` columns hold the status words; a missing value is the text
    "–". Excel shows separators in the reader's locale (``1.245`` or ``1,245``).

    Args:
        report: The report, in its language.
        target: The ``.xlsx`` file to write (its folder is created if missing).

    Returns:
        ``target``.
    """
    target = Path(target)
    buffer = io.BytesIO()
    _build(report).save(buffer)
    data = _normalise_zip(buffer.getvalue(), _generated_at(report))
    with replacing(target) as temporary, temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return target

