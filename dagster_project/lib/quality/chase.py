"""Whom to chase for a month's progress reports: bodies with none, or none accepted.

Reports for a month are due by the 25th of the next (Vietnam time). The day after, the
office writes to every current reporting body that has sent nothing for the month, or
only files that were rejected, saying what is missing. Received files are read from the
landing zone's submission records, which every ingest brings up to date; the list of
reporting bodies is the working warehouse's agency dimension (the reference seeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
from openpyxl.styles import Alignment, Font

from dagster_project.lib.home.paths import Home
from dagster_project.lib.text.xlsx_print import fit_row_heights, print_setup

NOT_RECEIVED = "chưa gửi báo cáo / no report received"
REJECTED = "báo cáo bị từ chối, cần gửi lại / report rejected, send a corrected file"


@dataclass(frozen=True)
class Gap:
    """One body to chase for the month, and why."""

    agency_id: str
    name_vi: str
    kind: str
    reason: str
    files: str  # the rejected files' names, if any
    errors: int  # problems found in them


class NoReferenceError(RuntimeError):
    """The reporting bodies are not known yet: no warehouse has been published."""


def reporting_gaps(home: Home, month: date) -> list[Gap]:
    """Current reporting bodies without an accepted progress report for ``month``.

    Raises:
        NoReferenceError: No working warehouse yet (its agency dimension lists the bodies).
    """
    if not home.warehouse.exists():
        raise NoReferenceError(
            f"chưa có kho dữ liệu (chạy nq57 run trước) / no warehouse yet at "
            f"{home.warehouse}: run the pipeline first")
    submissions = home.landing / "submission"
    received = (f"select * from read_parquet('{submissions / '*.parquet'}', "
                "union_by_name = true)" if any(submissions.glob("*.parquet")) else
                "select null::varchar as reporting_agency_id, null::date as reporting_month, "
                "null::varchar as source, null::boolean as accepted, "
                "null::varchar as file_name, 0 as errors where false")
    with duckdb.connect() as con:
        con.execute(f"attach '{home.warehouse}' as warehouse (read_only)")
        rows = con.execute(f"""
            with files as (
                select reporting_agency_id as agency_id, bool_or(accepted) as any_accepted,
                       string_agg(file_name, ', ' order by file_name)
                           filter (where not accepted) as rejected_files,
                       sum(errors) filter (where not accepted) as errors
                from ({received})
                where source = 'progress_report' and reporting_month = ?
                group by 1
            )
            select agency.agency_id, agency.name_vi, agency.kind,
                   files.agency_id is null as not_received,
                   coalesce(files.rejected_files, ''), coalesce(files.errors, 0)
            from warehouse.marts.dim_agency as agency
            left join files using (agency_id)
            where agency.is_reporting_body and coalesce(files.any_accepted, false) = false
            order by agency.kind, agency.agency_id
        """, [month]).fetchall()
    return [Gap(agency_id, name, kind, NOT_RECEIVED if missing else REJECTED, files, errors)
            for agency_id, name, kind, missing, files, errors in rows]


HEADINGS = ("Mã cơ quan\nBody code", "Cơ quan\nBody", "Loại\nKind", "Cần làm\nWhat is missing",
            "Tệp bị từ chối\nRejected files", "Số lỗi\nErrors")
WIDTHS = (14, 44, 14, 44, 40, 10)


def write_chase_workbook(gaps: list[Gap], month: date, path: Path) -> Path:
    """The chase list as a workbook the office can print or mail merge."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Đôn đốc"
    sheet["A1"] = (f"Cơ quan cần đôn đốc báo cáo tháng {month:%m/%Y} (hạn ngày 25 tháng sau) / "
                   f"Bodies to chase for the {month:%Y-%m} progress report")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{len(gaps)} cơ quan / bodies"
    sheet.append(list(HEADINGS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for gap in gaps:
        sheet.append([gap.agency_id, gap.name_vi, gap.kind, gap.reason, gap.files or None,
                      gap.errors or None])
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    print_setup(sheet, (3, 3))
    fit_row_heights(sheet, 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".xlsx.partial")
    workbook.save(partial)
    partial.replace(path)
    return path


def chase_path(home: Home, month: date) -> Path:
    """``NQ57_HOME/chase/<YYYY-MM>.xlsx``."""
    return home.root / "chase" / f"{month:%Y-%m}.xlsx"
