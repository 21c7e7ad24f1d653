"""Write the demo workbooks, byte-for-byte reproducibly.

openpyxl stamps every file with "now" twice: in ``docProps/core.xml`` (modified) and in the
zip entries' timestamps. A demo whose files change bytes on every run defeats the landing
archive (files are keyed by SHA-256) and the determinism test, so workbooks are saved here
through :class:`_FixedTimeZip` with fixed properties instead of ``Workbook.save``.

Layouts follow the Standing Office's templates: a title block, a header row with the
contract's Vietnamese labels, Roman-numeral group rows merged across the table, then the
rows; monthly reports end with a footnote and a signature block.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from demo.catalog import FOOTNOTE

# One instant for every file's metadata: the day the office's figures were cut.
FIXED_TIMESTAMP = datetime(2026, 6, 29, 17, 0, 0)
_ZIP_TIME = FIXED_TIMESTAMP.timetuple()[:6]
DATE_FORMAT = "dd/mm/yyyy"
_ROMAN_DIGITS = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_TITLE = Font(bold=True, size=13)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)

REGISTER_HEADERS = (
    "TT",
    "Mã nhiệm vụ",
    "Văn bản giao",
    "Ngày giao",
    "Nhóm nhiệm vụ",
    "Tên nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Dự kiến kết quả",
    "Thời hạn hoàn thành",
    "Lưu ý",
)
REGISTER_WIDTHS = (6, 13, 30, 12, 30, 60, 30, 30, 30, 18, 30)
REPORT_HEADERS = (
    "TT",
    "Mã nhiệm vụ",
    "Tên nhiệm vụ",
    "Tình trạng",
    "Ngày hoàn thành",
    "Sản phẩm",
    "Minh chứng",
    "Khó khăn, vướng mắc",
)
REPORT_WIDTHS = (6, 13, 60, 16, 15, 40, 45, 35)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip writer that stamps every entry with :data:`FIXED_TIMESTAMP`.

    openpyxl adds entries by name (``writestr``) or from a temporary file (``write``); both
    would take the current time, so both are routed through a fixed ``ZipInfo``.
    """

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add ``data`` under a name, with the fixed timestamp unless a ZipInfo is given."""
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | Path,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add a file's bytes (not its modification time) under ``arcname``."""
        self.writestr(arcname or str(filename), Path(filename).read_bytes())


def save_deterministic(workbook: Workbook, path: Path) -> None:
    """Save ``workbook`` so that the same content always gives the same bytes."""
    props = workbook.properties
    props.created = props.modified = FIXED_TIMESTAMP
    props.creator = props.lastModifiedBy = "Văn phòng Trung ương Đảng"
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def write_table_sheet(ws: Worksheet, title: str, lines: Sequence[str], headers: Sequence[str],
                      rows: Sequence[Sequence[object]]) -> None:
    """Fill ``ws`` as exports are laid out: title lines, a blank row, a header, the rows.

    Cells are stored as text ("@"), as systems export them: ids and periods such as "11.3"
    or "8/2025" must not turn into numbers or dates when the file is opened.
    """
    ws.title = title
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append(list(headers))
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            cell.alignment = _WRAP
            cell.number_format = "@"


def roman(number: int) -> str:
    """Roman numeral of a positive integer, as group rows are numbered (1 → "I")."""
    digits = []
    for value, symbol in _ROMAN_DIGITS:
        count, number = divmod(number, value)
        digits.append(symbol * count)
    return "".join(digits)


def _text(value: str) -> str:
    """Keep text inert: openpyxl would store a string starting with "=" as a formula."""
    return "'" + value if value.startswith("=") else value


def _merged(
    ws: Worksheet,
    row: int,
    first: int,
    last: int,
    value: str,
    font: Font | None,
    align: Alignment = _WRAP,
) -> None:
    """Write ``value`` into ``row`` and merge it from column ``first`` to ``last``."""
    cell = ws.cell(row=row, column=first, value=_text(value))
    if font is not None:
        cell.font = font
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width


def _header(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    for column, label in enumerate(labels, 1):
        cell = ws.cell(row=row, column=column, value=label)
        cell.font, cell.alignment = _BOLD, _CENTER


# --------------------------------------------------------------------------------------------
# Task register


@dataclass(frozen=True)
class RegisterRow:
    """One task row of the register, values in header order (date as ``date``)."""

    group: str
    code: str
    document: str
    assigned: date
    name: str
    lead: str
    coord: str
    product: str
    deadline: str
    note: str


@dataclass(frozen=True)
class RegisterSheet:
    """One sheet of the register: a document and its tasks, already in display order."""

    name: str
    document: str
    rows: Sequence[RegisterRow]


def write_register(path: Path, sheets: Sequence[RegisterSheet], updated: date) -> None:
    """Write the task register, one sheet per assigning document."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _register_sheet(workbook.create_sheet(sheet.name), sheet, updated)
    save_deterministic(workbook, path)


def _register_sheet(ws: Worksheet, sheet: RegisterSheet, updated: date) -> None:
    last = len(REGISTER_HEADERS)
    _merged(
        ws, 1, 1, last, "DANH MỤC NHIỆM VỤ GIAO THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW", _TITLE, _CENTER
    )
    _merged(ws, 2, 1, last, f"Văn bản giao: {sheet.document}", _BOLD, _CENTER)
    _merged(
        ws,
        3,
        1,
        last,
        f"Cập nhật đến ngày {updated.day}/{updated.month}/{updated.year}",
        _ITALIC,
        _CENTER,
    )
    _header(ws, 5, REGISTER_HEADERS)
    _widths(ws, REGISTER_WIDTHS)
    row, group, groups, number = 6, None, 0, 0
    for task in sheet.rows:
        if task.group != group:
            group, groups = task.group, groups + 1
            ws.cell(row=row, column=1, value=roman(groups)).font = _BOLD
            _merged(ws, row, 2, last, task.group or "Nhiệm vụ khác", _BOLD)
            row += 1
        number += 1
        values = (
            number,
            task.code,
            task.document,
            task.assigned,
            task.group,
            task.name,
            task.lead,
            task.coord,
            task.product,
            task.deadline,
            task.note,
        )
        for column, value in enumerate(values, 1):
            cell = ws.cell(
                row=row, column=column, value=_text(value) if isinstance(value, str) else value
            )
            cell.alignment = _WRAP
        ws.cell(row=row, column=4).number_format = DATE_FORMAT
        row += 1
    ws.freeze_panes = "A6"


# --------------------------------------------------------------------------------------------
# Monthly progress report


@dataclass(frozen=True)
class ReportRow:
    """One task row of a monthly report.

    Attributes:
        code: Task code.
        name: Task name.
        status: Status as written.
        completed: Completion date (a ``date`` cell) or text ("15/03/2026"), or None.
        product: "Sản phẩm".
        evidence: "Minh chứng".
        difficulty: "Khó khăn, vướng mắc".
    """

    code: str
    name: str
    status: str
    completed: date | str | None
    product: str
    evidence: str
    difficulty: str


@dataclass(frozen=True)
class ReportGroup:
    """A group of rows under one Roman-numeral heading."""

    title: str
    rows: Sequence[ReportRow]


@dataclass(frozen=True)
class Report:
    """Everything one monthly report shows.

    Attributes:
        agency_name: Official name of the reporting body.
        signer: Signature title ("BỘ TRƯỞNG", "CHỦ TỊCH", "THỦ TRƯỞNG CƠ QUAN").
        month: First day of the reporting month.
        as_of: Date the figures are cut.
        groups: Groups in display order.
        spacer_before_groups: Put a blank row before each group after the first.
    """

    agency_name: str
    signer: str
    month: date
    as_of: date
    groups: Sequence[ReportGroup]
    spacer_before_groups: bool = False


def write_report(path: Path, report: Report) -> None:
    """Write one agency's monthly progress report (sheet "Báo cáo")."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Báo cáo"
    last = len(REPORT_HEADERS)
    _report_title(ws, report, last)
    row = _report_table(ws, report, last, start=9)
    _report_footer(ws, report, last, row + 1)
    save_deterministic(workbook, path)


def _report_title(ws: Worksheet, report: Report, last: int) -> None:
    _merged(ws, 1, 1, 3, report.agency_name.upper(), _BOLD, _CENTER)
    _merged(ws, 1, 5, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _BOLD, _CENTER)
    _merged(ws, 2, 5, last, "Độc lập - Tự do - Hạnh phúc", _BOLD, _CENTER)
    _merged(
        ws,
        4,
        1,
        last,
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ THEO NGHỊ QUYẾT SỐ 57-NQ/TW",
        _TITLE,
        _CENTER,
    )
    month, as_of = report.month, report.as_of
    period = (
        f"Kỳ báo cáo: Tháng {month.month}/{month.year} - Số liệu tính đến ngày "
        f"{as_of.day}/{as_of.month}/{as_of.year}"
    )
    _merged(ws, 5, 1, last, period, _ITALIC, _CENTER)
    _merged(ws, 6, 1, last, f"Cơ quan báo cáo: {report.agency_name}", None)
    _header(ws, 8, REPORT_HEADERS)
    _widths(ws, REPORT_WIDTHS)
    ws.freeze_panes = "A9"


def _report_table(ws: Worksheet, report: Report, last: int, start: int) -> int:
    """Write group and task rows from ``start``; return the first free row."""
    row, number = start, 0
    for index, group in enumerate(report.groups):
        if index and report.spacer_before_groups:
            row += 1
        ws.cell(row=row, column=1, value=roman(index + 1)).font = _BOLD
        _merged(ws, row, 2, last, group.title, _BOLD)
        row += 1
        for task in group.rows:
            number += 1
            values = (
                number,
                task.code,
                task.name,
                task.status,
                task.completed,
                task.product,
                task.evidence,
                task.difficulty,
            )
            for column, value in enumerate(values, 1):
                if value in ("", None):
                    continue
                cell = ws.cell(
                    row=row, column=column, value=_text(value) if isinstance(value, str) else value
                )
                cell.alignment = _WRAP
            if isinstance(task.completed, date):
                ws.cell(row=row, column=5).number_format = DATE_FORMAT
            row += 1
    return row


def _report_footer(ws: Worksheet, report: Report, last: int, row: int) -> None:
    _merged(ws, row, 1, last, FOOTNOTE, _ITALIC)
    row += 2
    ws.cell(row=row, column=1, value="Nơi nhận:").font = _BOLD
    ws.cell(row=row + 1, column=1, value="- Như trên;")
    ws.cell(row=row + 2, column=1, value="- Lưu: VT.")
    _merged(ws, row, 6, last, report.signer, _BOLD, _CENTER)
    _merged(ws, row + 1, 6, last, "(Đã ký)", _ITALIC, _CENTER)
