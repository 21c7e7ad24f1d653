"""The demo inbox: calibration, determinism, coverage and data-quality properties.

The inbox is generated once per module into a temporary folder and read back with
python-calamine, independently of the generator's internals: deadlines are parsed with
``parse_deadline`` (plan year = year of the assigned date), reporters are derived from the
register's lead cells with ``AgencyDirectory``, and statuses come from the report cells.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.deadlines import parse_deadline
from demo.generator import DemoSummary, generate_demo_inbox
from demo.seed_csv import count_by_source, read_seed_csv
from demo.timing import LATE_REPORTS, MISSING_REPORTS, report_due_date

CUTOFF = date(2026, 6, 29)
CODE_RE = re.compile(r"^[A-Z0-9]+-[0-9]{4}$")
DONE = "Đã hoàn thành"
STATUSES = {"Chưa triển khai", "Đang thực hiện", DONE}
SEED_COUNTS = {"001": 34, "003": 248, "004": 171}
# The reports the demo leaves out, as (agency_id, "YYYY-MM").
MISSING = {(agency, f"{month:%Y-%m}") for agency, month in MISSING_REPORTS}


@dataclass(frozen=True)
class RegisterTask:
    code: str
    sheet: str
    assigned: date
    lead: str
    coord: str
    deadline: str


@dataclass(frozen=True)
class ReportRow:
    agency_id: str
    code: str
    status: str
    completed: date | None
    evidence: str


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)):
        return date(int(m[3]), int(m[2]), int(m[1]))
    return None


def _header_index(rows: list[list[object]]) -> int:
    return next(i for i, row in enumerate(rows) if row[:2] == ["TT", "Mã nhiệm vụ"])


def read_register(path: Path) -> list[RegisterTask]:
    workbook = CalamineWorkbook.from_path(str(path))
    tasks = []
    for sheet in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(sheet).to_python()
        header = _header_index(rows)
        columns = {label: i for i, label in enumerate(rows[header])}
        for row in rows[header + 1 :]:
            code = str(row[columns["Mã nhiệm vụ"]])
            if not CODE_RE.match(code):
                continue
            assigned = _as_date(row[columns["Ngày giao"]])
            assert assigned is not None, code
            tasks.append(
                RegisterTask(
                    code=code,
                    sheet=sheet,
                    assigned=assigned,
                    lead=str(row[columns["Cơ quan chủ trì"]]),
                    coord=str(row[columns["Cơ quan phối hợp"]]),
                    deadline=str(row[columns["Thời hạn hoàn thành"]]),
                )
            )
    return tasks


def read_report(path: Path) -> tuple[list[ReportRow], list[list[object]]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Báo cáo").to_python()
    agency_id = path.stem.split("_", 1)[1].rsplit("_", 1)[0]
    header = _header_index(rows)
    columns = {label: i for i, label in enumerate(rows[header])}
    parsed = []
    for row in rows[header + 1 :]:
        code = str(row[columns["Mã nhiệm vụ"]])
        if not CODE_RE.match(code):
            continue
        parsed.append(
            ReportRow(
                agency_id=agency_id,
                code=code,
                status=str(row[columns["Tình trạng"]]),
                completed=_as_date(row[columns["Ngày hoàn thành"]]),
                evidence=str(row[columns["Minh chứng"]]).strip(),
            )
        )
    return parsed, rows


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    return inbox, generate_demo_inbox(inbox)


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.from_seeds()


@pytest.fixture(scope="module")
def register(generated: tuple[Path, DemoSummary]) -> dict[str, RegisterTask]:
    inbox, _ = generated
    tasks = read_register(inbox / "register" / "DanhMucNhiemVu_29-06-2026.xlsx")
    codes = [t.code for t in tasks]
    assert len(codes) == len(set(codes)), "task codes must be unique"
    return {t.code: t for t in tasks}


@pytest.fixture(scope="module")
def reports(generated: tuple[Path, DemoSummary]) -> dict[str, list[ReportRow]]:
    """All report rows per month ("2025-01" … "2026-06")."""
    inbox, _ = generated
    by_month: dict[str, list[ReportRow]] = defaultdict(list)
    for path in sorted((inbox / "reports").glob("*/BC_*.xlsx")):
        rows, _ = read_report(path)
        by_month[path.parent.name].extend(rows)
    return dict(by_month)


def _month_as_of(month: str) -> date:
    year, number = map(int, month.split("-"))
    return date(year, number, 28 if number == 2 else 29)


# --------------------------------------------------------------------------------------------
# Calibration


def test_calibration_matches_the_standing_office_report(
    generated: tuple[Path, DemoSummary],
    register: dict[str, RegisterTask],
    reports: dict[str, list[ReportRow]],
) -> None:
    june = {row.code: row for row in reports["2026-06"]}
    assert len(june) == len(reports["2026-06"]), "a task is reported twice in June 2026"
    counts: Counter[str] = Counter()
    for task in register.values():
        if task.assigned > CUTOFF:
            continue
        counts["total"] += 1
        due = parse_deadline(task.deadline, plan_year=task.assigned.year).due_date
        if due is None:
            counts["recurring"] += 1
            continue
        counts["with_deadline"] += 1
        row = june[task.code]
        if row.status == DONE and row.completed is not None and row.completed <= CUTOFF:
            counts["done"] += 1
        elif due >= CUTOFF:
            counts["in_progress"] += 1
        else:
            counts["overdue"] += 1
    expected = {
        "total": 1937,
        "recurring": 468,
        "with_deadline": 1469,
        "done": 1245,
        "in_progress": 168,
        "overdue": 56,
    }
    assert dict(counts) == expected
    _, summary = generated
    assert (
        summary.tasks_total,
        summary.recurring,
        summary.with_deadline,
        summary.done,
        summary.in_progress,
        summary.overdue,
    ) == tuple(expected.values())


def test_every_task_is_reported_by_its_first_lead_rolled_up(
    register: dict[str, RegisterTask],
    reports: dict[str, list[ReportRow]],
    directory: AgencyDirectory,
) -> None:
    """The warehouse's reporter rule finds every task in exactly one report per month."""
    for month, rows in reports.items():
        as_of = _month_as_of(month)
        reporter = {row.code: row.agency_id for row in rows}
        assert len(reporter) == len(rows), month
        expected = set()
        for task in register.values():
            if task.assigned > as_of:
                continue
            first = directory.split(task.lead, task.assigned)[0].agency_id
            assert first is not None, task.code
            owner = (
                "VPTW" if directory.get(first).kind == "group" else directory.current(first, as_of)
            )
            if (owner, month) in MISSING:
                continue  # the body never sent that month's report
            expected.add(task.code)
            assert reporter.get(task.code) == owner, (month, task.code)
        assert set(reporter) == expected, month


# --------------------------------------------------------------------------------------------
# Determinism and coverage


def test_generation_is_byte_for_byte_deterministic(
    generated: tuple[Path, DemoSummary], tmp_path: Path
) -> None:
    first, summary = generated
    second = generate_demo_inbox(tmp_path / "inbox")

    def digests(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.xlsx"))
        }

    def mtimes(root: Path) -> dict[str, float]:
        return {str(p.relative_to(root)): p.stat().st_mtime for p in sorted(root.rglob("*.xlsx"))}

    # The register, 1,498 reports less the one never sent, then CSDL, indicator (register and
    # three results reports), budget and public-service files.
    assert second.files_written == summary.files_written == 1 + 1497 + 6 + 4 + 6 + 12 + 2
    assert digests(first) == digests(tmp_path / "inbox")
    assert mtimes(first) == mtimes(tmp_path / "inbox")


def test_reports_arrive_before_the_25th_except_the_named_late_ones(
    generated: tuple[Path, DemoSummary],
) -> None:
    inbox, _ = generated
    vietnam = timezone(timedelta(hours=7))
    late = {}
    for path in (inbox / "reports").glob("*/BC_*.xlsx"):
        agency, tag = path.stem[3:].rsplit("_", 1)
        month = date(int(tag[:4]), int(tag[5:]), 1)
        arrived = datetime.fromtimestamp(path.stat().st_mtime, vietnam)
        assert arrived.date() > as_of_date_of(month), path.name  # after its figures' cut-off
        if arrived.date() >= report_due_date(month):
            late[(agency, month)] = (arrived.date() - report_due_date(month)).days
    assert late == LATE_REPORTS
    assert datetime.fromtimestamp(
        (inbox / "register" / "DanhMucNhiemVu_29-06-2026.xlsx").stat().st_mtime, vietnam
    ).date() == date(2026, 6, 30)


def as_of_date_of(month: date) -> date:
    return month.replace(day=28 if month.month == 2 else 29)


def test_every_reporting_body_reports_every_month_but_the_missing_one(
    generated: tuple[Path, DemoSummary], directory: AgencyDirectory
) -> None:
    inbox, summary = generated
    months = sorted(p.name for p in (inbox / "reports").iterdir())
    assert months[0] == "2025-01" and months[-1] == "2026-06" and len(months) == 18
    for month in months:
        bodies = directory.reporting_bodies(_month_as_of(month))
        expected = {f"BC_{a.agency_id}_{month}.xlsx" for a in bodies
                    if (a.agency_id, month) not in MISSING}
        assert {p.name for p in (inbox / "reports" / month).iterdir()} == expected
    june = directory.reporting_bodies(CUTOFF)
    assert len(june) == 73
    assert summary.reports_written == sum(
        len(directory.reporting_bodies(_month_as_of(m))) for m in months
    ) - len(MISSING)


def test_report_title_block_follows_the_template(generated: tuple[Path, DemoSummary]) -> None:
    inbox, _ = generated
    _, rows = read_report(inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx")
    assert rows[0][0] == "BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    assert rows[0][4] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert rows[4][0] == "Kỳ báo cáo: Tháng 6/2026 - Số liệu tính đến ngày 29/6/2026"
    assert rows[5][0] == "Cơ quan báo cáo: Bộ Khoa học và Công nghệ"
    assert rows[7][:4] == ["TT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Tình trạng"]
    assert any(str(row[0]).startswith("Ghi chú:") for row in rows)
    assert any(row[0] == "Nơi nhận:" for row in rows)


def test_bkhcn_june_report_has_enough_done_tasks_for_the_gate_test(
    reports: dict[str, list[ReportRow]],
) -> None:
    done = [r for r in reports["2026-06"] if r.agency_id == "BKHCN" and r.status == DONE]
    assert len(done) >= 70


# --------------------------------------------------------------------------------------------
# Register content


def test_register_codes_sheets_and_agencies(
    generated: tuple[Path, DemoSummary],
    register: dict[str, RegisterTask],
    directory: AgencyDirectory,
) -> None:
    inbox, _ = generated
    sheets = CalamineWorkbook.from_path(
        str(inbox / "register" / "DanhMucNhiemVu_29-06-2026.xlsx")
    ).sheet_names
    assert all(len(name) <= 31 for name in sheets)
    quarters = {(t.assigned.year, (t.assigned.month - 1) // 3 + 1) for t in register.values()}
    assert {(2025, q) for q in range(1, 5)} | {(2026, 1), (2026, 2)} <= quarters
    for task in register.values():
        for cell in (task.lead, task.coord):
            refs = directory.split(cell, task.assigned)
            assert all(ref.agency_id for ref in refs), (task.code, cell)


def test_every_current_body_leads_tasks_and_old_bodies_appear(
    register: dict[str, RegisterTask], directory: AgencyDirectory
) -> None:
    leads: Counter[str] = Counter()
    old_names = 0
    for task in register.values():
        first = directory.split(task.lead, task.assigned)[0].agency_id
        assert first is not None
        agency = directory.get(first)
        if agency.kind == "group":
            continue
        leads[directory.current(first, CUTOFF)] += 1
        old_names += agency.valid_to is not None
    current = [a.agency_id for a in directory.reporting_bodies(CUTOFF)]
    assert min(leads[agency_id] for agency_id in current) >= 5
    assert old_names >= 20


# --------------------------------------------------------------------------------------------
# Reports over time


def test_statuses_are_consistent_over_months(reports: dict[str, list[ReportRow]]) -> None:
    history: dict[str, list[tuple[str, ReportRow]]] = defaultdict(list)
    for month in sorted(reports):
        for row in reports[month]:
            assert row.status in STATUSES, row
            history[row.code].append((month, row))
    for code, rows in history.items():
        done = [(m, r) for m, r in rows if r.status == DONE]
        if not done:
            continue
        first_done = done[0][0]
        assert all(r.status == DONE for m, r in rows if m >= first_done), code
        assert len({r.completed for _, r in done}) == 1, code
        completed = done[0][1].completed
        assert completed is not None and completed <= _month_as_of(first_done), code


def test_missing_evidence_stays_below_the_gate_every_month(
    reports: dict[str, list[ReportRow]],
) -> None:
    any_missing = False
    for month, rows in reports.items():
        done = [r for r in rows if r.status == DONE]
        missing = [r for r in done if not r.evidence]
        any_missing |= bool(missing)
        if done:
            assert len(missing) / len(done) < 0.05, month
        per_file: dict[str, list[ReportRow]] = defaultdict(list)
        for row in done:
            per_file[row.agency_id].append(row)
        for agency_id, agency_rows in per_file.items():
            share = sum(not r.evidence for r in agency_rows) / len(agency_rows)
            assert share < 0.05, (month, agency_id)
    assert any_missing, "the demo should contain a few done tasks without evidence"


# --------------------------------------------------------------------------------------------
# Seed extraction


def test_seed_csv_holds_the_three_sources(directory: AgencyDirectory) -> None:
    tasks = read_seed_csv()
    assert count_by_source(tasks) == SEED_COUNTS
    for task in tasks:
        assert task.task_name, task.origin
        parse_deadline(task.deadline, plan_year=task.assigned_date.year)
        for cell in (task.lead_agencies, task.coordinating_agencies):
            assert all(ref.agency_id for ref in directory.split(cell, task.assigned_date)), (
                task.origin,
                cell,
            )
