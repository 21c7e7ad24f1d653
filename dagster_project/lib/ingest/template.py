"""Pre-filled monthly progress-report workbooks, one per reporting body and month.

Most rejected reports fail on things a template can prevent: a status word outside the
list, a completion date typed as text, a task code retyped wrongly, a title-block line
reworded. ``nq57 template`` therefore writes the report the way the progress-report contract
reads it — title block, header row with the contract's labels, Roman-numeral group rows —
pre-filled with the body's lead tasks from the warehouse, and the tasks assigned to a group
it belongs to ("Các bộ, ngành, địa phương"), which every member reports on, under headings
that name the group. Code and name are locked (sheet
protection without a password: a guard against slips, not a security control); the status
cells offer the contract's status words as a drop-down list, the completion date accepts
only a real date between the task's assignment and the end of the reporting month, and a
sheet "Hướng dẫn" explains the rest in Vietnamese and English.

Everything is derived from ``sources/contracts/progress_report.yaml``, so a contract change
(a new column, another status word) changes the template with it, and a filled-in template
passes ``nq57 check``.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dagster_project.lib.ingest.contracts import Contract
from dagster_project.lib.reference.agencies import Agency, AgencyDirectory
from dagster_project.lib.reference.periods import parse_period, quarter_months
from dagster_project.lib.text.xlsx_print import fit_row_heights, print_setup
from dagster_project.lib.text.xlsx_safe import write_text

__all__ = [
    "AgencyNotFoundError",
    "TemplateTask",
    "WarehouseUnavailableError",
    "default_template_path",
    "lead_tasks",
    "reporting_month",
    "resolve_agency",
    "write_template",
]

REPORT_SHEET = "Báo cáo"
GUIDE_SHEET = "Hướng dẫn"
DATE_FORMAT = "dd/mm/yyyy"
# Resolution 57-NQ/TW was issued on 22/12/2024: no task can be finished before it.
RESOLUTION_DATE = date(2024, 12, 22)
HEADER_ROW = 9
OTHER_GROUP = "Nhiệm vụ khác"
# Heading of the tasks a body reports on as a member of a lead group.
GROUP_TASKS = "Nhiệm vụ giao chung cho {group}"
# Columns the office fills in and the agency must not change.
_PREFILLED = {"seq", "task_code", "task_name"}
_WIDTHS = {"seq": 6, "task_code": 13, "task_name": 60, "status": 18, "completion_date": 15,
           "product": 40, "evidence": 45, "difficulties": 35}

_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_TITLE = Font(bold=True, size=13)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")  # pale yellow: "type here"
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_ALERT_FILL = PatternFill("solid", fgColor="FFC7CE")
_UNLOCKED = Protection(locked=False)


class AgencyNotFoundError(ValueError):
    """The AGENCY argument names no reporting body (message in Vietnamese and English)."""


class WarehouseUnavailableError(ValueError):
    """There is no built warehouse to read the task list from."""


@dataclass(frozen=True)
class TemplateTask:
    """One task row of the template, as the register describes it."""

    task_id: str
    task_name: str | None
    task_group: str | None
    assigned_date: date | None
    deadline_text: str | None
    via_group: str | None = None
    """The lead group's name when the task reaches the body through a group, else None."""


def reporting_month(period: str, month: int | None = None) -> date:
    """The first day of the month a template reports on.

    Reports are monthly; a quarter is named because the office plans by quarter. Without
    ``month`` the quarter's first month is taken.

    Args:
        period: Quarter key, e.g. ``2026-Q3``.
        month: Calendar month (7, 8 or 9 for Q3), or None.

    Returns:
        The month's first day.

    Raises:
        ValueError: When the key is malformed or the month lies outside the quarter.
    """
    year, _ = parse_period(period)
    months = quarter_months(period)
    if month is None:
        return date(year, months[0], 1)
    if month not in months:
        raise ValueError(
            f"Tháng {month} không thuộc {period} (chọn {months[0]}–{months[-1]}) / month "
            f"{month} is not in {period} (choose {months[0]}–{months[-1]})")
    return date(year, month, 1)


def month_end(month: date) -> date:
    """The last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def default_template_path(agency_id: str, period: str) -> Path:
    """``./<agency_id>_<period>_bao_cao_tien_do.xlsx``, in the working directory."""
    return Path(f"{agency_id}_{period}_bao_cao_tien_do.xlsx")


def resolve_agency(text: str, directory: AgencyDirectory, on_date: date) -> Agency:
    """The reporting body an AGENCY argument names (an id such as BKHCN, a name or alias).

    Args:
        text: As typed on the command line.
        directory: The agency directory.
        on_date: The reporting month's first day: names are read as of then.

    Returns:
        The body.

    Raises:
        AgencyNotFoundError: Unknown name (with suggestions), a group of bodies, a body of a
            kind that sends no report (a Party committee, a bank ...), or a body that no longer
            exists on ``on_date`` (naming the one that took over).
    """
    ref = directory.match(text, on_date)
    if ref.agency_id is None:
        hint = "; ".join(ref.suggestions)
        raise AgencyNotFoundError(
            f"Không nhận ra cơ quan '{text}'" + (f" — có phải: {hint}?" if hint else ".")
            + f" / Unknown agency '{text}'" + (f" — did you mean: {hint}?" if hint else "."))
    agency = directory.get(ref.agency_id)
    if agency.kind == "group":
        raise AgencyNotFoundError(
            f"'{agency.name_vi}' là nhóm cơ quan, không gửi báo cáo riêng / '{agency.name_vi}' "
            "is a group of bodies and sends no report of its own.")
    if not directory.is_reporting(agency.agency_id):
        kind = directory.kind(agency.kind)
        raise AgencyNotFoundError(
            f"'{agency.name_vi}' ({kind.name_vi}) không phải cơ quan gửi báo cáo tiến độ "
            f"hằng tháng / '{agency.name_en or agency.name_vi}' ({kind.name_en}) does "
            "not send monthly progress reports.")
    if not agency.is_valid_on(on_date):
        successor = directory.get(directory.current(agency.agency_id, on_date))
        carried = (f" Nhiệm vụ do {successor.name_vi} ({successor.agency_id}) đảm nhận / its "
                   f"tasks are carried by {successor.name_en or successor.name_vi} "
                   f"({successor.agency_id})." if successor.agency_id != agency.agency_id
                   else "")
        raise AgencyNotFoundError(
            f"{agency.name_vi} ({agency.agency_id}) không tồn tại vào {on_date:%d/%m/%Y} / "
            f"does not exist on {on_date:%d/%m/%Y}." + carried)
    return agency


def lead_tasks(warehouse: Path, agency_id: str, until: date) -> list[TemplateTask]:
    """The tasks ``agency_id`` answers for today and that were assigned by ``until``.

    A task counts when the body carries one of its lead assignments today (tasks of a
    dissolved ministry are listed for its successor), or when a group it belongs to leads
    it: each member reports on a group's task, so it is listed with the group's name.

    Args:
        warehouse: The DuckDB file ``nq57 run`` builds.
        agency_id: The reporting body.
        until: Last day of the reporting month: later tasks are not reported on yet.

    Returns:
        The tasks, ordered by code.

    Raises:
        WarehouseUnavailableError: No warehouse, a warehouse without marts, or one locked by
            a running build.
    """
    import duckdb

    if not warehouse.is_file():
        raise WarehouseUnavailableError(
            f"Chưa có kho dữ liệu {warehouse}: hãy chạy `nq57 run` trước (danh sách nhiệm vụ "
            f"lấy từ kho) / No warehouse at {warehouse}: run `nq57 run` first (the task list "
            "comes from it).")
    query = """
        select task.task_id, task.task_name, task.task_group, task.assigned_date,
               task.deadline_text, grp.name_vi as via_group
        from marts.fct_task as task
        inner join marts.bridge_task_lead_body as body
            on body.task_id = task.task_id and body.agency_id = ?
        left join marts.dim_agency as grp
            on grp.agency_id = body.via_group_id
        where task.assigned_date is null or task.assigned_date <= ?
        order by body.via_group_id nulls first, task.task_id
    """
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute(query, [agency_id, until]).fetchall()
    except duckdb.Error as error:
        raise WarehouseUnavailableError(
            f"Không đọc được danh sách nhiệm vụ từ {warehouse} (hãy chạy lại `nq57 run`) / "
            f"cannot read the task list from {warehouse} (run `nq57 run` again): {error}"
        ) from error
    return [TemplateTask(*row) for row in rows]


# --- the workbook -------------------------------------------------------------------------------
def _merged(ws: Worksheet, row: int, last: int, text: str, font: Font | None = None,
            align: Alignment = _WRAP, first: int = 1) -> None:
    """Write ``text`` at (row, first) and merge it across to column ``last``."""
    cell = write_text(ws.cell(row=row, column=first), text)
    cell.font = font or Font()
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _ranges(column: str, rows: Sequence[int]) -> list[str]:
    """``["D11:D20", "D22:D30"]`` for the rows, runs of consecutive rows joined."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return [f"{column}{a}" if a == b else f"{column}{a}:{column}{b}" for a, b in runs]


def _status_validation(contract: Contract) -> DataValidation:
    words = [spellings[0] for spellings in contract.statuses.values()]
    if any("," in word or '"' in word for word in words):
        raise ValueError("status words cannot contain ',' or '\"' in an Excel list")
    listed = ", ".join(words)
    return DataValidation(
        type="list", formula1=f'"{",".join(words)}"', allow_blank=True,
        showErrorMessage=True, errorStyle="stop", showInputMessage=True,
        errorTitle="Tình trạng không hợp lệ",
        error=f"Chọn trong danh sách: {listed}. / Choose from the list.",
        promptTitle="Tình trạng / Status",
        prompt=f"Chọn: {listed}. / Choose from the list.")


def _date_validation(first: date, last: date) -> DataValidation:
    return DataValidation(
        type="date", operator="between", allow_blank=True,
        formula1=f"DATE({first.year},{first.month},{first.day})",
        formula2=f"DATE({last.year},{last.month},{last.day})",
        showErrorMessage=True, errorStyle="stop", showInputMessage=True,
        errorTitle="Ngày không hợp lệ",
        error=f"Nhập ngày dạng dd/mm/yyyy, từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}. / "
              f"Enter a date (dd/mm/yyyy) from {first:%d/%m/%Y} to {last:%d/%m/%Y}.",
        promptTitle="Ngày hoàn thành / Date",
        prompt="Bắt buộc khi đã hoàn thành; dạng dd/mm/yyyy. / Required when done; "
               "dd/mm/yyyy.")


def _roman(number: int) -> str:
    digits = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, symbol in digits:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)


def _heading(task: TemplateTask) -> str:
    """The group row a task stands under: its register group, or the lead group's name.

    A group-assigned task is headed by the group so that the member sees why it must report
    on a task that does not name it.
    """
    if task.via_group:
        return GROUP_TASKS.format(group=task.via_group)
    return task.task_group or OTHER_GROUP


def _groups(tasks: Sequence[TemplateTask]) -> list[tuple[str, list[TemplateTask]]]:
    """Tasks under their headings, headings in order of their first task."""
    groups: dict[str, list[TemplateTask]] = {}
    for task in tasks:
        groups.setdefault(_heading(task), []).append(task)
    return list(groups.items())


def _report_sheet(ws: Worksheet, agency: Agency, month: date, as_of: date,
                  tasks: Sequence[TemplateTask], contract: Contract) -> None:
    columns = list(contract.columns)
    last = len(columns)
    index = {spec.name: number for number, spec in enumerate(columns, start=1)}
    _merged(ws, 1, min(3, last), agency.name_vi.upper(), _BOLD, _CENTER)
    _merged(ws, 1, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _BOLD, _CENTER,
            first=min(5, last))
    _merged(ws, 2, last, "Độc lập - Tự do - Hạnh phúc", _BOLD, _CENTER, first=min(5, last))
    _merged(ws, 4, last, "BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ THEO NGHỊ QUYẾT SỐ 57-NQ/TW",
            _TITLE, _CENTER)
    # The three title-block lines the contract reads; each must stay in its own cell.
    _merged(ws, 5, last, f"Kỳ báo cáo: Tháng {month:%m/%Y}", _ITALIC, _CENTER)
    # Not merged: a merged cell on a protected sheet is editable only if its whole range is
    # unlocked, and this is the one title line the body may correct.
    as_of_cell = write_text(ws.cell(row=6, column=1), f"Số liệu tính đến ngày {as_of:%d/%m/%Y}")
    as_of_cell.font, as_of_cell.protection, as_of_cell.fill = _ITALIC, _UNLOCKED, _INPUT_FILL
    as_of_cell.comment = Comment(
        "Sửa ngày nếu số liệu được chốt vào ngày khác; giữ dạng 'Số liệu tính đến ngày "
        "dd/mm/yyyy'.\nChange the date if the figures are cut on another day; keep the form "
        "'Số liệu tính đến ngày dd/mm/yyyy'.", "nq57", height=120, width=320)
    _merged(ws, 7, last, f"Cơ quan báo cáo: {agency.name_vi}", _BOLD)

    for number, spec in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=number, value=spec.label_vi)
        cell.font, cell.alignment, cell.fill = _BOLD, _CENTER, _HEADER_FILL
        ws.column_dimensions[get_column_letter(number)].width = _WIDTHS.get(spec.name, 20)

    status_cells: dict[str, list[int]] = {}  # column letter -> rows
    date_cells: dict[tuple[date, str], list[int]] = {}  # (earliest date, column) -> rows
    task_rows: list[int] = []
    row, seq = HEADER_ROW + 1, 0
    period_end = month_end(month)
    for group_number, (title, members) in enumerate(_groups(tasks), start=1):
        ws.cell(row=row, column=1, value=_roman(group_number)).font = _BOLD
        _merged(ws, row, last, title, _BOLD, first=2)
        row += 1
        for task in members:
            seq += 1
            task_rows.append(row)
            prefilled = {"seq": seq, "task_code": task.task_id, "task_name": task.task_name}
            for number, spec in enumerate(columns, start=1):
                cell = ws.cell(row=row, column=number)
                cell.alignment = _WRAP
                if spec.name in _PREFILLED:
                    value = prefilled.get(spec.name)
                    if isinstance(value, str):
                        write_text(cell, value)
                    else:
                        cell.value = value
                    continue
                cell.protection, cell.fill = _UNLOCKED, _INPUT_FILL
                letter = get_column_letter(number)
                if spec.type == "status":
                    status_cells.setdefault(letter, []).append(row)
                elif spec.type == "date":
                    cell.number_format = DATE_FORMAT
                    first = min(max(task.assigned_date or RESOLUTION_DATE, RESOLUTION_DATE),
                                period_end)
                    date_cells.setdefault((first, letter), []).append(row)
            row += 1
    # One validation per rule, over runs of rows ("D11:D40 D42:D60"), keeps the file small.
    for letter, rows in status_cells.items():
        validation = _status_validation(contract)
        for cells in _ranges(letter, rows):
            validation.add(cells)
        ws.add_data_validation(validation)
    for (first, letter), rows in date_cells.items():
        validation = _date_validation(first, period_end)
        for cells in _ranges(letter, rows):
            validation.add(cells)
        ws.add_data_validation(validation)
    if task_rows and "status" in index and "completion_date" in index:
        # The contract's row rule, shown while typing: "done" without a date turns red.
        status_col = get_column_letter(index["status"])
        date_col = get_column_letter(index["completion_date"])
        done = next(iter(contract.statuses.get("done", ("",))))
        first_row = task_rows[0]
        ws.conditional_formatting.add(
            " ".join(_ranges(date_col, task_rows)),
            FormulaRule(formula=[f'AND(${status_col}{first_row}="{done}",'
                                 f'${date_col}{first_row}="")'], fill=_ALERT_FILL))

    row += 1
    _merged(ws, row, last, "Ghi chú: cơ quan chỉ điền các ô nền vàng; không thêm, bớt hoặc "
            "đổi tên cột. / Fill in the yellow cells only; do not add, remove or rename "
            "columns.", _ITALIC)
    row += 2
    ws.cell(row=row, column=1, value="Nơi nhận:").font = _BOLD
    ws.cell(row=row + 1, column=1, value="- Như trên;")
    ws.cell(row=row + 2, column=1, value="- Lưu: VT.")
    signer_first = max(1, last - 2)
    _merged(ws, row, last, "THỦ TRƯỞNG CƠ QUAN", _BOLD, _CENTER, first=signer_first)
    _merged(ws, row + 1, last, "(Ký, ghi rõ họ tên, đóng dấu)", _ITALIC, _CENTER,
            first=signer_first)

    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate
    print_setup(ws, (HEADER_ROW, HEADER_ROW))
    # Long task names and the headings wrap instead of overprinting the row below.
    fit_row_heights(ws, HEADER_ROW)
    _protect(ws)


def _protect(ws: Worksheet) -> None:
    """Lock everything but the unlocked cells; no password, resizing still allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


# Sentences, never a bare column name: a cell holding only "Tình trạng" would make the
# checker read this sheet as a second report.
_GUIDE = (
    ("HƯỚNG DẪN ĐIỀN BÁO CÁO TIẾN ĐỘ / HOW TO FILL IN THE PROGRESS REPORT", _TITLE),
    ("Tiếng Việt", _BOLD),
    ("1. Mỗi dòng là một nhiệm vụ cơ quan chủ trì; mã và tên nhiệm vụ đã điền sẵn và bị khóa. "
     "Nhiệm vụ giao chung cho một nhóm cơ quan mà cơ quan là thành viên (ví dụ 'Các bộ, "
     "ngành, địa phương') nằm dưới đề mục 'Nhiệm vụ giao chung cho …' và cũng phải báo cáo. "
     "Nếu danh sách thiếu hoặc thừa nhiệm vụ, hãy báo Văn phòng, không tự thêm dòng.", None),
    ("2. Chỉ điền các ô nền vàng. Ô trạng thái: chọn trong danh sách thả xuống ({statuses}).",
     None),
    ("3. Nhiệm vụ đã hoàn thành phải có ngày hoàn thành, nhập dạng dd/mm/yyyy, từ ngày giao "
     "nhiệm vụ đến hết tháng báo cáo ({end}). Ô ngày chuyển đỏ khi thiếu.", None),
    ("4. Ghi sản phẩm, minh chứng (số, ngày văn bản hoặc đường dẫn) và khó khăn, vướng mắc "
     "nếu có.", None),
    ("5. Sửa dòng 'Số liệu tính đến ngày' nếu số liệu được chốt vào ngày khác; không sửa các "
     "dòng 'Kỳ báo cáo' và 'Cơ quan báo cáo', không đổi tên cột.", None),
    ("6. Trước khi gửi, có thể kiểm tra tệp bằng lệnh: nq57 check <tệp>. Gửi trước ngày 25 "
     "hằng tháng.", None),
    ("English", _BOLD),
    ("1. Each row is a task your body leads; code and name are pre-filled and locked. Tasks "
     "assigned to a group your body belongs to (e.g. 'Các bộ, ngành, địa phương') stand under "
     "the heading 'Nhiệm vụ giao chung cho …' and must be reported on too. If a task is "
     "missing or wrong, tell the Standing Office instead of adding rows.", None),
    ("2. Fill in the yellow cells only. Status: pick from the drop-down list ({statuses}).",
     None),
    ("3. A task reported done needs its completion date (dd/mm/yyyy), between the day it was "
     "assigned and the end of the reporting month ({end}); the date cell turns red if missing.",
     None),
    ("4. Describe the product, the evidence (document number and date, or a link) and any "
     "difficulties.", None),
    ("5. Correct the 'Số liệu tính đến ngày' line if the figures are cut on another day; keep "
     "the 'Kỳ báo cáo' and 'Cơ quan báo cáo' lines and the column names as they are.", None),
    ("6. Before sending, the file can be checked with: nq57 check <file>. Send it before the "
     "25th of each month.", None),
)


def _guide_sheet(ws: Worksheet, contract: Contract, month: date) -> None:
    statuses = "; ".join(spellings[0] for spellings in contract.statuses.values())
    end = f"{month_end(month):%d/%m/%Y}"
    ws.column_dimensions["A"].width = 120
    for row, (text, font) in enumerate(_GUIDE, start=1):
        cell = write_text(ws.cell(row=row, column=1), text.format(statuses=statuses, end=end))
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
    # Landscape: Calc does not scale a single column wider than the page, it cuts it.
    print_setup(ws)
    fit_row_heights(ws)
    _protect(ws)


def write_template(path: Path, agency: Agency, month: date, tasks: Sequence[TemplateTask],
                   contract: Contract, as_of: date | None = None) -> Path:
    """Write the progress-report template of one body for one month.

    Args:
        path: Output ``.xlsx``.
        agency: The reporting body.
        month: First day of the reporting month.
        tasks: The body's lead tasks (see :func:`lead_tasks`).
        contract: The progress-report contract the template must satisfy.
        as_of: Pre-filled "tính đến ngày" date; the month's last day by default, which the
            body corrects when it cuts its figures earlier.

    Returns:
        ``path``.
    """
    workbook = Workbook()
    report = workbook.active
    report.title = REPORT_SHEET
    _report_sheet(report, agency, month, as_of or month_end(month), tasks, contract)
    _guide_sheet(workbook.create_sheet(GUIDE_SHEET), contract, month)
    workbook.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
