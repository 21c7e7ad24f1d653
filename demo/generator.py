"""Generate the demo inbox: the task register and 18 months of agency progress reports.

``generate_demo_inbox(inbox)`` writes

* ``register/DanhMucNhiemVu_29-06-2026.xlsx``: 1,937 tasks, one sheet per assigning document
  (453 real tasks from the seed documents, the rest synthetic);
* ``reports/<YYYY-MM>/BC_<agency_id>_<YYYY-MM>.xlsx`` for every month from 2025-01 to 2026-06
  and every body that had to report that month (107, then 102 after the ministry mergers of
  1/3/2025, then 73 after the province mergers of 1/7/2025), except one report never sent.

**Submission times** (``demo.timing``): every file's modification time is set to when it
reached the inbox. A report for month M is due before the 25th of month M+1; most bodies
send it between the 8th and the 24th. Late, by design:

* Cao Bằng (``P_CAO_BANG``): April 2026 (4 days late) and May 2026 (9 days late);
* Bộ Y tế (``BYT``): May 2026 (2 days late);
* Thanh tra Chính phủ (``TTCP``): October 2025 (6 days) and January 2026 (3 days).

Missing: Viện Hàn lâm KHXH Việt Nam (``VHLKHXH``) never sends its May 2026 report (a
mid-quarter month: the quarter's figures come from June, so no published figure moves).

The files are calibrated: reading them back with the warehouse's rules gives the Standing
Office's figures of 29/6/2026 exactly (1,937 tasks = 468 recurring + 1,469 with a deadline;
1,245 done, 168 in progress within the deadline, 56 overdue). The rules, shared with the
warehouse, are:

* **Plan year.** ``parse_deadline(deadline, plan_year=<year of the assigned date>)``: a
  quarter without a year ("Quý II" in the 2025 plan) takes the year of the task's
  assigned date; a task whose due date is None is recurring.
* **Reporter.** The first lead agency of the register row, resolved with
  ``AgencyDirectory.split(cell, assigned_date)`` and rolled up with
  ``AgencyDirectory.current(id, as_of)`` to the body valid in the reporting month; tasks
  whose first lead is a group are reported by the Standing Office (VPTW).
* **Status at the cutoff.** Done = reported "Đã hoàn thành" with a completion date on or
  before 29/6/2026; otherwise in progress if due on or after the cutoff, else overdue.

Everything is deterministic: the only randomness is ``random.Random(seed)`` (and generators
seeded from it), iteration orders are fixed, and workbooks are saved with fixed timestamps,
so two runs with the same seed give byte-identical files.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster_project.lib.reference.agencies import Agency, AgencyDirectory
from dagster_project.lib.text.deadlines import parse_deadline
from demo.budget import write_budget_demo
from demo.catalog import SYNTHETIC_SOURCES, Document, document_for
from demo.csdl import write_csdl_demo
from demo.indicators import write_indicators_demo
from demo.model import (
    CUTOFF,
    DONE,
    IN_PROGRESS,
    OVERDUE,
    RECURRING,
    STANDING_OFFICE,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    Calibration,
    DemoTask,
    as_of_date,
    calibrate,
    calibrated_counts,
    reporter_on,
    reporting_months,
    status_on,
)
from demo.public_services import write_feedback_demo, write_portal_demo
from demo.seed_csv import SEED_CSV, SeedTask, read_seed_csv
from demo.synthesis import SlotCounts, SyntheticTask, synthesize
from demo.timing import is_missing, stamp_submission_times
from demo.workbooks import (
    RegisterRow,
    RegisterSheet,
    Report,
    ReportGroup,
    ReportRow,
    write_register,
    write_report,
)

REGISTER_FILE = "register/DanhMucNhiemVu_29-06-2026.xlsx"
SHARED_GROUP = "NHIỆM VỤ CHUNG"
OWN_GROUP = "NHIỆM VỤ CỤ THỂ"
# Evidence may be missing for at most this share of done tasks in any file or month
# (the quality gate trips at 5%).
EVIDENCE_GATE = 0.05
_SIGNERS = {"VPCP": "BỘ TRƯỞNG, CHỦ NHIỆM", "NHNN": "THỐNG ĐỐC", "TTCP": "TỔNG THANH TRA"}
_KIND_SIGNER = {"ministry": "BỘ TRƯỞNG", "province": "CHỦ TỊCH"}
_OUTPUT_CODES = {
    "Quyết định": "QĐ",
    "Báo cáo": "BC",
    "Thông tư": "TT",
    "Công văn": "CV",
    "Nghị quyết": "NQ",
    "Thỏa thuận": "TTHT",
    "Kế hoạch": "KH",
}


@dataclass(frozen=True)
class DemoSummary:
    """What a generation wrote and the figures its model was calibrated to.

    Attributes:
        inbox: Folder written.
        tasks_total: Tasks in the register (assigned on or before the cutoff).
        real_tasks: Tasks taken from the seed documents.
        recurring: Tasks without a due date.
        with_deadline: Tasks with a due date.
        done: Tasks with a deadline reported done by the cutoff.
        in_progress: Not done and due on or after the cutoff.
        overdue: Not done and due before the cutoff.
        reports_written: Monthly report files.
        files_written: All files written (register + reports).
        files: Paths of those files, register first.
    """

    inbox: Path
    tasks_total: int
    real_tasks: int
    recurring: int
    with_deadline: int
    done: int
    in_progress: int
    overdue: int
    reports_written: int
    files_written: int
    files: tuple[Path, ...] = field(repr=False)


@dataclass
class DemoModel:
    """The generator's model: tasks with outcomes, and the directory that resolves them."""

    tasks: list[DemoTask]
    directory: AgencyDirectory
    seed: int


# --------------------------------------------------------------------------------------------
# Building the model


def _first_lead(directory: AgencyDirectory, cell: str, on_date: date) -> tuple[str, bool]:
    """Agency id of the first lead and whether it is a group.

    Raises:
        ValueError: The cell's first part names no known agency.
    """
    refs = directory.split(cell, on_date)
    if not refs or refs[0].agency_id is None:
        raise ValueError(f"lead {cell!r} does not resolve on {on_date}")
    agency_id = refs[0].agency_id
    return agency_id, directory.get(agency_id).kind == "group"


def _due(deadline: str, assigned: date) -> date | None:
    """Due date by the shared rule: the plan year is the year of the assigned date."""
    return parse_deadline(deadline, plan_year=assigned.year).due_date


def _real_task(directory: AgencyDirectory, seed: SeedTask) -> DemoTask:
    lead_id, is_group = _first_lead(directory, seed.lead_agencies, seed.assigned_date)
    return DemoTask(
        code="",
        document=document_for(seed.source_document, seed.assigned_date),
        origin=seed.origin,
        group=seed.task_group,
        name=seed.task_name,
        lead=seed.lead_agencies,
        coord=seed.coordinating_agencies,
        product=seed.expected_product,
        deadline=seed.deadline,
        note=seed.note,
        lead_id=lead_id,
        is_group=is_group,
        due_date=_due(seed.deadline, seed.assigned_date),
        output="Báo cáo" if seed.origin.startswith("004") else "Quyết định",
    )


def _synthetic_task(task: SyntheticTask) -> DemoTask:
    return DemoTask(
        code="",
        document=document_for(task.source.title, task.source.issued),
        origin="synthetic",
        group=task.template.group,
        name=task.name,
        lead=task.lead,
        coord=task.coord,
        product=task.template.product,
        deadline=task.deadline,
        note="",
        lead_id=task.lead_id,
        is_group=task.is_group,
        due_date=_due(task.deadline, task.source.issued),
        output=task.template.output,
    )


def _slot_counts(real: Sequence[DemoTask], target: Calibration) -> SlotCounts:
    """Synthetic tasks needed of each kind, given the real ones."""
    recurring = sum(t.due_date is None for t in real)
    future = sum(t.due_date is not None and t.due_date >= CUTOFF for t in real)
    synthetic = target.total - len(real)
    need_recurring = target.recurring - recurring
    need_future = target.in_progress + target.done_early - future
    return SlotCounts(need_recurring, need_future, synthetic - need_recurring - need_future)


def _assign_codes(tasks: Sequence[DemoTask]) -> None:
    """Number tasks per document prefix in list order (``KH2025-0001``, ``NQ57-0001``)."""
    counters: Counter[str] = Counter()
    for task in tasks:
        counters[task.document.prefix] += 1
        task.code = f"{task.document.prefix}-{counters[task.document.prefix]:04d}"


def _quality(bodies: Sequence[Agency], rng: random.Random) -> dict[str, float]:
    """A performance score per current body, so the scorecard ranking has a spread."""
    return {a.agency_id: round(rng.betavariate(4.0, 1.6), 3) for a in bodies}


def _issuer(directory: AgencyDirectory, task: DemoTask, on_date: date) -> str:
    """Abbreviation of the body issuing the task's product ("BKHCN", "UBND", "VPTW")."""
    agency = directory.get(reporter_on(task, on_date, directory))
    return "UBND" if agency.kind == "province" else agency.agency_id


def _set_references(model: DemoModel, rng: random.Random) -> None:
    """Give done tasks a product reference and a URL-like evidence reference."""
    for task in model.tasks:
        if task.outcome != DONE or task.completed is None:
            continue
        day = task.completed
        issuer = _issuer(model.directory, task, day)
        number = rng.randint(12, 2999)
        code = _OUTPUT_CODES.get(task.output, "QĐ")
        task.product_ref = (
            f"{task.output} số {number}/{code}-{issuer} ngày {day.day}/{day.month}/{day.year}"
        )
        task.evidence_ref = (
            f"https://vanban.example.gov.vn/{issuer.lower()}/{day.year}/{code.lower()}-{number}"
        )


def _choose_missing_evidence(model: DemoModel, rng: random.Random, share: float) -> None:
    """Mark ~``share`` of done tasks as reported without evidence.

    A task is only chosen if, in every report it appears in as done and in every month
    overall, the missing share stays strictly below :data:`EVIDENCE_GATE`, so the demo has
    findings to show without tripping the gate by accident.
    """
    done = sorted((t for t in model.tasks if t.outcome == DONE), key=lambda t: t.code)
    keys: dict[str, list[tuple[date, str]]] = defaultdict(list)
    per_file: Counter[tuple[date, str]] = Counter()
    per_month: Counter[date] = Counter()
    for month in reporting_months():
        as_of = as_of_date(month)
        for task in done:
            if task.completed is not None and task.completed <= as_of:
                key = (month, reporter_on(task, as_of, model.directory))
                keys[task.code].append(key)
                per_file[key] += 1
                per_month[month] += 1
    missing_file: Counter[tuple[date, str]] = Counter()
    missing_month: Counter[date] = Counter()
    wanted = round(share * len(done))
    chosen = 0
    for task in rng.sample(done, len(done)):
        if chosen == wanted:
            break
        task_keys = keys[task.code]
        months = sorted({month for month, _ in task_keys})
        if all(missing_file[k] + 1 < EVIDENCE_GATE * per_file[k] for k in task_keys) and all(
            missing_month[m] + 1 < EVIDENCE_GATE * per_month[m] for m in months
        ):
            task.evidence_missing = True
            chosen += 1
            missing_file.update(task_keys)
            missing_month.update(months)


def build_model(seed: int = 57, seed_csv: Path = SEED_CSV) -> DemoModel:
    """Build and calibrate the full task model (no files written).

    Args:
        seed: Seed of the only random generator.
        seed_csv: The extracted real tasks.

    Returns:
        The calibrated model.
    """
    rng = random.Random(seed)
    target = Calibration()
    directory = AgencyDirectory.from_seeds()
    real = [_real_task(directory, s) for s in read_seed_csv(seed_csv)]
    synthetic = synthesize(directory, _slot_counts(real, target), rng)
    tasks = real + [_synthetic_task(t) for t in synthetic]
    _assign_codes(tasks)
    home = {t.code: reporter_on(t, CUTOFF, directory) for t in tasks}
    quality = _quality(directory.reporting_bodies(CUTOFF), rng)
    calibrate(tasks, home, quality, rng, target)
    model = DemoModel(tasks=tasks, directory=directory, seed=seed)
    _set_references(model, rng)
    _choose_missing_evidence(model, rng, target.missing_evidence_share)
    return model


# --------------------------------------------------------------------------------------------
# Writing


def _document_order() -> dict[str, int]:
    return {s.title: i for i, s in enumerate(SYNTHETIC_SOURCES)}


def register_sheets(tasks: Sequence[DemoTask]) -> list[RegisterSheet]:
    """One sheet per document in date order; rows grouped by task group, then by code."""
    by_document: dict[str, list[DemoTask]] = defaultdict(list)
    documents: dict[str, Document] = {}
    for task in tasks:
        by_document[task.document.prefix].append(task)
        documents[task.document.prefix] = task.document
    sheets = []
    for prefix in sorted(documents, key=lambda p: (documents[p].issued, p)):
        members = by_document[prefix]
        group_order = {g: i for i, g in enumerate(dict.fromkeys(t.group for t in members))}
        members = sorted(members, key=lambda t: (group_order[t.group], t.code))
        rows = [
            RegisterRow(
                t.group,
                t.code,
                t.document.title,
                t.assigned,
                t.name,
                t.lead,
                t.coord,
                t.product,
                t.deadline,
                t.note,
            )
            for t in members
        ]
        sheets.append(RegisterSheet(documents[prefix].sheet, documents[prefix].title, rows))
    return sheets


def _report_row(task: DemoTask, as_of: date) -> ReportRow:
    status = status_on(task, as_of)
    done = status == STATUS_DONE
    completed: date | str | None = None
    if done and task.completed is not None:
        completed = task.completed
        if task.completion_as_text:
            completed = task.completed.strftime("%d/%m/%Y")
    difficulty = task.difficulty if status == STATUS_IN_PROGRESS else ""
    return ReportRow(
        code=task.code,
        name=task.name,
        status=status,
        completed=completed,
        product=task.product_ref if done else "",
        evidence=task.evidence_ref if done and not task.evidence_missing else "",
        difficulty=difficulty,
    )


def _report_groups(agency_id: str, tasks: Sequence[DemoTask], as_of: date) -> list[ReportGroup]:
    """Group a body's tasks: VPTW by shared/own, everyone else by assigning document."""
    ordered = sorted(tasks, key=lambda t: (t.assigned, t.document.prefix, t.code))
    if agency_id == STANDING_OFFICE:
        parts = [
            (SHARED_GROUP, [t for t in ordered if t.is_group]),
            (OWN_GROUP, [t for t in ordered if not t.is_group]),
        ]
    else:
        titles = dict.fromkeys(t.document.title for t in ordered)
        parts = [(title, [t for t in ordered if t.document.title == title]) for title in titles]
    return [
        ReportGroup(title, [_report_row(t, as_of) for t in members])
        for title, members in parts
        if members
    ]


def _signer(agency: Agency) -> str:
    return _SIGNERS.get(agency.agency_id, _KIND_SIGNER.get(agency.kind, "THỦ TRƯỞNG CƠ QUAN"))


def monthly_reports(model: DemoModel, month: date) -> list[tuple[str, Report]]:
    """``(agency_id, report)`` for every body that reports in ``month``, in seed order.

    Raises:
        ValueError: A task would be reported by a body that does not exist that month.
    """
    as_of = as_of_date(month)
    bodies = model.directory.reporting_bodies(as_of)
    known = {a.agency_id for a in bodies}
    rows: dict[str, list[DemoTask]] = defaultdict(list)
    for task in model.tasks:
        if task.assigned <= as_of:
            reporter = reporter_on(task, as_of, model.directory)
            if reporter not in known:
                raise ValueError(f"{task.code}: reporter {reporter} not valid on {as_of}")
            rows[reporter].append(task)
    reports = []
    for agency in bodies:
        layout = random.Random(f"{model.seed}:{agency.agency_id}:{month.isoformat()}")
        report = Report(
            agency_name=agency.name_vi,
            signer=_signer(agency),
            month=month,
            as_of=as_of,
            groups=_report_groups(agency.agency_id, rows[agency.agency_id], as_of),
            spacer_before_groups=layout.random() < 0.3,
        )
        reports.append((agency.agency_id, report))
    return reports


def report_path(inbox: Path, agency_id: str, month: date) -> Path:
    """``reports/<YYYY-MM>/BC_<agency_id>_<YYYY-MM>.xlsx`` under the inbox."""
    tag = f"{month.year}-{month.month:02d}"
    return inbox / "reports" / tag / f"BC_{agency_id}_{tag}.xlsx"


def summarize(model: DemoModel, inbox: Path, files: Sequence[Path]) -> DemoSummary:
    """The figures of the model at the cutoff, with what was written."""
    outcomes = calibrated_counts(t for t in model.tasks if t.assigned <= CUTOFF)
    total = sum(outcomes.values())
    return DemoSummary(
        inbox=inbox,
        tasks_total=total,
        real_tasks=sum(t.is_real for t in model.tasks),
        recurring=outcomes[RECURRING],
        with_deadline=total - outcomes[RECURRING],
        done=outcomes[DONE],
        in_progress=outcomes[IN_PROGRESS],
        overdue=outcomes[OVERDUE],
        reports_written=sum(Path(f).relative_to(inbox).parts[0] == "reports" for f in files),
        files_written=len(files),
        files=tuple(files),
    )


def generate_demo_inbox(inbox: Path, seed: int = 57) -> DemoSummary:
    """Write the calibrated demo inbox under ``inbox``.

    Args:
        inbox: Target folder (created if missing; existing demo files are overwritten).
        seed: Seed of the random generator; the same seed gives byte-identical files.

    Returns:
        Counts of the model and the list of files written.
    """
    inbox = Path(inbox)
    model = build_model(seed)
    files = [inbox / REGISTER_FILE]
    write_register(files[0], register_sheets(model.tasks), CUTOFF)
    for month in reporting_months():
        for agency_id, report in monthly_reports(model, month):
            path = report_path(inbox, agency_id, month)
            if is_missing(agency_id, month):
                path.unlink(missing_ok=True)  # an inbox generated before keeps no stale copy
                continue
            write_report(path, report)
            files.append(path)
    files.extend(write_csdl_demo(inbox))
    files.extend(write_indicators_demo(inbox))
    files.extend(write_budget_demo(inbox))
    files.extend(write_portal_demo(inbox))
    files.extend(write_feedback_demo(inbox))
    stamp_submission_times(files, seed)
    return summarize(model, inbox, files)


def main(argv: list[str] | None = None) -> int:
    """Generate the demo inbox into the folder given on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: python -m demo.generator <inbox> [seed]")  # noqa: T201
        return 2
    started = time.perf_counter()
    summary = generate_demo_inbox(Path(args[0]), int(args[1]) if len(args) == 2 else 57)
    elapsed = time.perf_counter() - started
    print(summary)  # noqa: T201
    print(f"{summary.files_written} files in {elapsed:.1f} s")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
