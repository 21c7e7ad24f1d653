"""Feedback workbooks: the agency's own file handed back with every problem marked on its cell.

``nq57 check --feedback DIR`` writes ``DIR/<stem>.phan_hoi.xlsx`` for each file with problems.
An agency fixes a report fastest in the sheet it typed, so an ``.xlsx`` submission is copied
(openpyxl keeps its layout, styles and merged cells) and every offending cell gets a fill —
red for errors, yellow for warnings — and a comment that says the same in words ("LỖI /
ERROR: …"), so nothing depends on seeing colour. ``.csv`` and ``.xls`` files cannot be opened
by openpyxl; their rows, as the checker read them, are written into a new workbook and marked
the same way. Either way the copy holds values only: no formula, DDE call or external link of
the submission survives into a file the office hands out. A first sheet, "Phản hồi", lists
every problem with its location, rule and both messages, with filters, for the agency's
clerk and the office's reviewer alike.

Problems name their column by the header text as written, not by position, so the header row
is found again here (the row of the sheet that holds the most known column names) and the
label looked up in it. Problems without a cell — a missing column or title-block field, a
hidden sheet, a file-level rejection — are commented on the header row or on A1.

Submissions are untrusted: opening one with openpyxl runs the same risks as parsing it, so
workbooks are written in a worker process with a memory and CPU limit (as
:mod:`dagster_project.lib.ingest.isolation` does for parsing). A file that brings the worker down
still gets a feedback workbook, with the "Phản hồi" sheet only.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
import resource
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from dagster_project.lib.home.workers import worker_pool
from dagster_project.lib.ingest.contracts import load_contracts
from dagster_project.lib.ingest.isolation import Limits, redirect_stderr
from dagster_project.lib.ingest.regular_files import open_regular
from dagster_project.lib.ingest.submission import Problem
from dagster_project.lib.ingest.workbook import read_sheets
from dagster_project.lib.text.vntext import is_blank, match_key
from dagster_project.lib.text.xlsx_print import fit_row_heights, print_setup
from dagster_project.lib.text.xlsx_safe import is_formula_like, safe_cell

__all__ = ["FEEDBACK_SHEET", "FEEDBACK_SUFFIX", "feedback_path", "write_feedback",
           "write_feedback_files"]

FEEDBACK_SHEET = "Phản hồi"
FEEDBACK_SUFFIX = ".phan_hoi.xlsx"
# Formats openpyxl can open and save; everything else is rebuilt from the rows read.
COPYABLE_SUFFIXES = {".xlsx", ".xlsm"}
# How far down a header row is looked for; contracts search the same 30 rows.
HEADER_SEARCH_ROWS = 30
AUTHOR = "nq57"

# Excel's own "Bad" and "Neutral" cell style colours: recognisable, and readable in print.
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_BOLD = Font(bold=True)
_WRAP_TOP = Alignment(vertical="top", wrap_text=True)
_DATE_FORMAT = "dd/mm/yyyy"

# (header, width) of the "Phản hồi" sheet, in the order of Problem's fields.
_LIST_COLUMNS = (
    ("Trang tính / Sheet", 20),
    ("Dòng / Row", 9),
    ("Cột / Column", 24),
    ("Giá trị / Value", 30),
    ("Quy tắc / Rule", 28),
    ("Nội dung (tiếng Việt)", 60),
    ("Message (English)", 60),
    ("Mức độ / Severity", 16),
    ("Ô / Cell", 10),
)
_SEVERITY_LABEL = {"error": "Lỗi / Error", "warning": "Cảnh báo / Warning"}
_MARK_LABEL = {"error": "LỖI / ERROR", "warning": "CẢNH BÁO / WARNING"}


def feedback_path(out_dir: Path, source: Path, taken: set[Path] | None = None) -> Path:
    """Where the feedback workbook of ``source`` goes: ``<out_dir>/<stem>.phan_hoi.xlsx``.

    Two checked files can share a stem (``BC.xlsx`` and ``BC.csv``, or the same name in two
    month folders); later ones get ``-2``, ``-3``… rather than overwrite an earlier one.

    Args:
        out_dir: The feedback folder.
        source: The checked file.
        taken: Paths already handed out in this batch; updated.

    Returns:
        The path to write.
    """
    taken = taken if taken is not None else set()
    candidate = out_dir / f"{source.stem}{FEEDBACK_SUFFIX}"
    number = 1
    while candidate in taken:
        number += 1
        candidate = out_dir / f"{source.stem}-{number}{FEEDBACK_SUFFIX}"
    taken.add(candidate)
    return candidate


# --- locating problems ------------------------------------------------------------------------
def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value)


def _known_header_keys() -> frozenset[str]:
    """Match keys of every column name any contract accepts, to recognise header rows."""
    return frozenset(key for contract in load_contracts().values()
                     for column in contract.columns for key in column.alias_keys)


@dataclass
class _SheetIndex:
    """Where a sheet's header row is and which column each header label names."""

    header_row: int | None  # 1-based Excel row
    columns: dict[int, dict[str, int]]  # header Excel row -> label key -> 1-based column

    @classmethod
    def build(cls, rows: Sequence[Sequence[Any]], known: frozenset[str]) -> _SheetIndex:
        """Find the header: the row, within the search range, naming the most known columns.

        Labels are indexed lazily, for that row and for any row a problem names.
        """
        best, best_hits = None, 0
        for index in range(min(HEADER_SEARCH_ROWS, len(rows))):
            hits = sum(match_key(_text(cell)) in known for cell in rows[index])
            if hits > best_hits:
                best, best_hits = index + 1, hits
        return cls(best, {})

    def labels(self, rows: Sequence[Sequence[Any]], excel_row: int) -> dict[str, int]:
        """Label keys of a header starting on ``excel_row`` (one or two rows) -> column.

        A two-row header ("Cơ quan" above "chủ trì") is reported by its joined text, so each
        column is indexed by each row's text and by both joined, as the parser reads it.
        """
        if excel_row in self.columns:
            return self.columns[excel_row]
        lines = rows[excel_row - 1: excel_row + 1]
        keys: dict[str, int] = {}
        width = max((len(line) for line in lines), default=0)
        for position in range(width):
            parts = [_text(line[position]) if position < len(line) else "" for line in lines]
            for text in (parts[0], " ".join(p for p in parts if p), *parts[1:]):
                key = match_key(text)
                if key:
                    keys.setdefault(key, position + 1)
        self.columns[excel_row] = keys
        return keys


def _locate(problem: Problem, rows: Sequence[Sequence[Any]], index: _SheetIndex) -> tuple[int, int]:
    """The (row, column), 1-based, of the cell to mark for ``problem`` on its sheet."""
    header = index.header_row
    if problem.row is not None:
        if problem.column:
            # Data problems name a column of the header above; header problems (an unknown
            # column) name a cell of the header row itself, which the parser may have read
            # one row higher or lower than the row found here.
            tried = [header, header - 1] if header is not None and header <= problem.row else []
            if header is None or problem.row <= header + 1:
                tried.append(problem.row)
            for candidate in dict.fromkeys(r for r in tried if r and r >= 1):
                column = index.labels(rows, candidate).get(match_key(problem.column))
                if column is not None:
                    return problem.row, column
        return problem.row, 1
    if problem.value:
        # A title-block value that did not parse ("Kỳ báo cáo: Tháng 13/2026"): its cell.
        wanted = match_key(problem.value)
        for row_number, line in enumerate(rows[: (header or HEADER_SEARCH_ROWS) - 1], start=1):
            for column, cell in enumerate(line, start=1):
                if wanted and wanted in match_key(_text(cell)):
                    return row_number, column
    if problem.column and header is not None:
        return header, 1  # a missing title-block field: flagged where the table starts
    return 1, 1


# --- marking ------------------------------------------------------------------------------------
def _anchor(ws: Worksheet, row: int, column: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (row, column), or the cell itself."""
    if isinstance(ws.cell(row=row, column=column), MergedCell):
        for merged in ws.merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= (
                    merged.max_col):
                return merged.min_row, merged.min_col
    return row, column


def _mark_text(problems: Iterable[Problem]) -> str:
    return "\n".join(f"{_MARK_LABEL.get(p.severity, p.severity.upper())}: {p.message_vi} / "
                     f"{p.message_en}" for p in problems)


def _mark(ws: Worksheet, row: int, column: int, problems: list[Problem]) -> None:
    """Fill the cell (red for errors, yellow for warnings only) and comment every problem."""
    cell = ws.cell(row=row, column=column)
    is_error = any(p.severity == "error" for p in problems)
    cell.fill = ERROR_FILL if is_error else WARNING_FILL
    text = _mark_text(problems)
    if cell.comment is not None and cell.comment.text:
        text += "\n---\n" + cell.comment.text  # keep the agency's own note below ours
    lines = sum(1 + len(line) // 60 for line in text.splitlines())
    cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 15 * lines), width=420)


def _mark_sheet(ws: Worksheet, rows: Sequence[Sequence[Any]], problems: list[Problem],
                known: frozenset[str]) -> dict[int, str]:
    """Mark every problem of one sheet; returns the cell reference of each problem by id."""
    index = _SheetIndex.build(rows, known)
    cells: dict[tuple[int, int], list[Problem]] = {}
    where: dict[int, str] = {}
    for problem in problems:
        row, column = _anchor(ws, *_locate(problem, rows, index))
        cells.setdefault((row, column), []).append(problem)
        where[id(problem)] = f"{get_column_letter(column)}{row}"
    for (row, column), marked in cells.items():
        _mark(ws, row, column, marked)
    return where


# --- the problem list ---------------------------------------------------------------------------
def _problem_sheet(ws: Worksheet, problems: Sequence[Problem], where: dict[int, str],
                   sheet_titles: dict[str | None, str]) -> None:
    """Fill the "Phản hồi" sheet: one row per problem, header frozen, filters on."""
    for column, (label, width) in enumerate(_LIST_COLUMNS, start=1):
        cell = ws.cell(row=1, column=column, value=label)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP_TOP
        ws.column_dimensions[get_column_letter(column)].width = width
    for number, problem in enumerate(problems, start=2):
        values = (problem.sheet, problem.row, problem.column, problem.value, problem.rule,
                  problem.message_vi, problem.message_en,
                  _SEVERITY_LABEL.get(problem.severity, problem.severity), where.get(id(problem)))
        for column, value in enumerate(values, start=1):
            safe_cell(ws, number, column, value).alignment = _WRAP_TOP
        ws.cell(row=number, column=8).fill = (
            ERROR_FILL if problem.severity == "error" else WARNING_FILL)
        title = sheet_titles.get(problem.sheet)
        ref = where.get(id(problem))
        if title is not None and ref is not None:
            link = ws.cell(row=number, column=9)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=f"{quote_sheetname(title)}!{ref}")
            link.font = Font(color="0563C1", underline="single")
    last = get_column_letter(len(_LIST_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(2, len(problems) + 1)}"
    ws.freeze_panes = "A2"
    print_setup(ws, (1, 1))
    fit_row_heights(ws)  # the messages wrap: each row as tall as its longest one


# --- workbooks ----------------------------------------------------------------------------------
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unused sheet title for ``name``: at most 31 characters, no brackets or slashes.

    Excel refuses other titles; a CSV file's name becomes its sheet's title.
    """
    base = (name.translate(_SHEET_NAME_FORBIDDEN).strip("'") or "Sheet")[:31]
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        title = f"{base[: 31 - len(str(number)) - 1]}~{number}"
    taken.add(title.casefold())
    return title


def _rebuilt(sheets: Sequence[Any]) -> tuple[Workbook, dict[str, Worksheet]]:
    """A new workbook holding the rows the checker read, one sheet per source sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = {FEEDBACK_SHEET.casefold()}
    by_name: dict[str, Worksheet] = {}
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.name, taken))
        for row_number, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row, start=1):
                if is_blank(value):
                    continue
                cell = safe_cell(ws, row_number, column, value)
                if isinstance(value, date | datetime):
                    cell.number_format = _DATE_FORMAT
        by_name[sheet.name] = ws
    return workbook, by_name


def _copied(path: Path) -> tuple[Workbook, dict[str, Worksheet]]:
    """The agency's own workbook, opened for marking, with values only.

    Every formula cell holds its cached value (what the checker read), and macros and
    external links are not carried over: a formula can call another program through DDE
    (``=cmd|' /C calc'!A0``) or fetch a web address, and the feedback copy is opened by
    people who trust it because it comes from the office. Text that starts like a formula
    gets Excel's apostrophe flag, so fixing a cell by editing it cannot turn it into one.
    """
    with open_regular(path) as handle:
        workbook = load_workbook(handle, data_only=True, keep_links=False)
    sheets = {ws.title: ws for ws in workbook.worksheets if isinstance(ws, Worksheet)}
    for ws in sheets.values():
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "s" and isinstance(cell.value, str) and is_formula_like(
                        cell.value):
                    cell.quotePrefix = True
    return workbook, sheets


def write_feedback(source: Path, problems: Sequence[Problem], out: Path,
                   include_source: bool = True) -> Path:
    """Write the feedback workbook for one checked file.

    Args:
        source: The file that was checked.
        problems: Its problems, as the checker reported them.
        out: Where to write (``.xlsx``).
        include_source: False writes the "Phản hồi" sheet only (a file that could not be
            read, or that brought the feedback worker down).

    Returns:
        ``out``.
    """
    sheets = []
    workbook: Workbook | None = None
    by_name: dict[str, Worksheet] = {}
    unreadable = any(p.rule in {"file_unreadable", "file_reader_crashed", "file_too_complex",
                                "not_a_regular_file", "file_not_found"} for p in problems)
    if include_source and not unreadable:
        try:
            sheets = read_sheets(source)  # what the checker saw: locates labels and values
            if source.suffix.lower() in COPYABLE_SUFFIXES:
                try:
                    workbook, by_name = _copied(source)
                except Exception:  # openpyxl rejects some files calamine reads; rebuild them
                    workbook = None
            if workbook is None:
                workbook, by_name = _rebuilt(sheets)
        except Exception:  # an unreadable file still gets its list of problems
            sheets, workbook, by_name = [], None, {}
    if workbook is None:
        workbook = Workbook()
        workbook.remove(workbook.active)
    rows_by_name = {sheet.name: sheet.rows for sheet in sheets}
    known = _known_header_keys()

    # File-level problems are noted on A1 of the first sheet that has rows, if any.
    first_sheet = next((name for name in by_name if rows_by_name.get(name)), None)
    per_sheet: dict[str, list[Problem]] = {}
    for problem in problems:
        name = problem.sheet if problem.sheet in by_name else (
            first_sheet if problem.sheet is None else None)
        if name is not None:
            per_sheet.setdefault(name, []).append(problem)
    where: dict[int, str] = {}
    for name, marked in per_sheet.items():
        where.update(_mark_sheet(by_name[name], rows_by_name.get(name, []), marked, known))

    titles = {name: ws.title for name, ws in by_name.items()}
    if first_sheet is not None:
        titles[None] = by_name[first_sheet].title
    existing = {ws.title.casefold() for ws in workbook.worksheets}
    listing = workbook.create_sheet(_sheet_title(FEEDBACK_SHEET, existing), 0)
    _problem_sheet(listing, problems, where, titles)
    for ws in workbook.worksheets:
        if isinstance(ws, Worksheet):  # chart sheets have no single sheet view
            ws.sheet_view.tabSelected = ws is listing
    workbook.active = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


# --- isolated batch -------------------------------------------------------------------------------
def _init_worker(memory_bytes: int) -> None:
    """Quiet the worker's stderr and cap its address space before any submission is opened.

    A reader that dies prints a native backtrace; the file still gets its problem list
    (written here in the parent), so the backtrace would only bury the command's output.
    """
    redirect_stderr(os.devnull)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _write_in_worker(source: str, problems: list[Problem], out: str, cpu_seconds: int) -> str:
    """Write one feedback workbook under a CPU budget counted from the worker's usage."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    budget = int(usage.ru_utime + usage.ru_stime) + 1 + cpu_seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU,
                       (budget if hard == resource.RLIM_INFINITY else min(budget, hard), hard))
    try:
        return str(write_feedback(Path(source), problems, Path(out)))
    except Exception:  # a workbook openpyxl cannot mark or save: the agency still gets the list
        return str(write_feedback(Path(source), problems, Path(out), include_source=False))


def _run_batch(jobs: Sequence[tuple[int, Path, list[Problem], Path]],
               limits: Limits) -> tuple[dict[int, Path], list[int]]:
    """Write a batch in one worker; return what finished and the items of a broken pool."""
    written: dict[int, Path] = {}
    broken: list[int] = []
    with worker_pool(1, _init_worker, (limits.memory_bytes,)) as pool:
        submitted = {pool.submit(_write_in_worker, str(path), problems, str(target),
                                 limits.cpu_seconds_per_file): index
                     for index, path, problems, target in jobs}
        for job in futures.as_completed(submitted):
            try:
                written[submitted[job]] = Path(job.result())
            except futures.process.BrokenProcessPool:
                broken.append(submitted[job])
    return written, broken


def write_feedback_files(items: Sequence[tuple[Path, Sequence[Problem]]], out_dir: Path,
                         limits: Limits | None = None) -> list[Path | None]:
    """Write feedback workbooks for the files that have problems, in a limited worker.

    When the worker dies, every file still queued with it fails too; those are retried one
    at a time, so only the file that kills a worker again gets the problem list alone.

    Args:
        items: Each checked file with its problems, in the order the checker listed them.
        out_dir: The feedback folder (created if missing).
        limits: Memory and CPU limits of the worker; the parser's defaults otherwise.

    Returns:
        For each item, the workbook written, or None when the file had no problems.
    """
    limits = limits or Limits()
    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set[Path] = set()
    jobs = {index: (index, path, list(problems), feedback_path(out_dir, path, taken))
            for index, (path, problems) in enumerate(items) if problems}
    if not jobs:
        return [None] * len(items)
    written, broken = _run_batch(list(jobs.values()), limits)
    for index in broken:
        retried, still_broken = _run_batch([jobs[index]], limits)
        written.update(retried)
        if still_broken:
            _, path, problems, target = jobs[index]
            written[index] = write_feedback(path, problems, target, include_source=False)
    return [written.get(index) for index in range(len(items))]
