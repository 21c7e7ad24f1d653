"""The demo's task model: every task, who reports it, and its status in every month.

The generator writes files *from* this model, and the warehouse must compute the published
figures *back* from those files, so the model follows the warehouse's rules exactly:

* A task's due date is ``parse_deadline(deadline, plan_year=<year of the assigned date>)``;
  ``due_date is None`` makes it recurring. (A quarter written without a year, "Quý II" in
  the 2025 plan, takes the year of the plan's date.)
* A task is reported by the reporting body of its first lead agency, resolved with
  ``AgencyDirectory.split`` on the assigned date and rolled up with
  ``AgencyDirectory.current`` to the body valid in the reporting month. Tasks whose first
  lead is a group ("Các bộ, ngành, địa phương") are compiled by the Standing Office (VPTW).
* At the cutoff a task with a deadline is *done* if reported "Đã hoàn thành" with a
  completion date on or before the cutoff, *in progress within deadline* if not done and
  due on or after the cutoff, and *overdue* otherwise.

:func:`calibrate` chooses outcomes so that these rules give exactly the Standing Office's
figures of 29/6/2026; :func:`status_on` derives a consistent status for any earlier month.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dagster_project.lib.reference.agencies import AgencyDirectory
from demo.catalog import DIFFICULTIES, Document

CUTOFF = date(2026, 6, 29)
STANDING_OFFICE = "VPTW"
STATUS_NOT_STARTED = "Chưa triển khai"
STATUS_IN_PROGRESS = "Đang thực hiện"
STATUS_DONE = "Đã hoàn thành"

RECURRING = "recurring"
DONE = "done"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Calibration:
    """The task figures of the Standing Office's report of 29/6/2026 (seed 002)."""

    total: int = 1937
    recurring: int = 468
    done: int = 1245
    in_progress: int = 168
    overdue: int = 56
    # Tasks due after the cutoff that are already done: not a published figure, a choice
    # that keeps the in-progress set from being exactly "everything due later".
    done_early: int = 42
    # Share of done tasks completed after their due date (~10%, the brief's rule of thumb).
    late_share: float = 0.10
    # Share of done tasks reported without evidence (a quality finding, kept under 5%).
    missing_evidence_share: float = 0.01

    @property
    def with_deadline(self) -> int:
        """Tasks with a due date (1,469)."""
        return self.total - self.recurring


@dataclass
class DemoTask:
    """One task of the demo inbox with its whole reporting history.

    Attributes:
        code: Task code ``<PREFIX>-<nnnn>``.
        document: Assigning document (its date is the assigned date).
        origin: Seed origin ("003:III:12") or "synthetic".
        group: Register group title.
        name: Task name.
        lead: Lead agency cell as written.
        coord: Coordinating agency cell as written.
        product: Expected product.
        deadline: Deadline cell as written.
        note: "Lưu ý".
        lead_id: Agency id of the first lead on the assigned date.
        is_group: Whether the first lead is a group (reported by VPTW).
        due_date: Parsed due date; None for recurring tasks.
        output: Kind of document that proves completion ("Quyết định", "Báo cáo" …).
        outcome: ``recurring``, ``done``, ``in_progress`` or ``overdue`` at the cutoff.
        started: First day the task counts as being worked on.
        completed: Completion date (done tasks only).
        completion_as_text: Write the completion date as text instead of a date cell.
        evidence_missing: Report the task done without evidence (a quality finding).
        difficulty: Text for "Khó khăn, vướng mắc" while not done ("" for none).
        product_ref: Product reported when done.
        evidence_ref: Evidence reported when done.
    """

    code: str
    document: Document
    origin: str
    group: str
    name: str
    lead: str
    coord: str
    product: str
    deadline: str
    note: str
    lead_id: str
    is_group: bool
    due_date: date | None
    output: str = "Quyết định"
    outcome: str = ""
    started: date | None = None
    completed: date | None = None
    completion_as_text: bool = False
    evidence_missing: bool = False
    difficulty: str = ""
    product_ref: str = ""
    evidence_ref: str = ""

    @property
    def assigned(self) -> date:
        """Assigned date: the date of the assigning document."""
        return self.document.issued

    @property
    def is_real(self) -> bool:
        """Whether the task comes from a seed document."""
        return self.origin != "synthetic"


def reporting_months(first: date = date(2025, 1, 1), last: date = date(2026, 6, 1)) -> list[date]:
    """First days of the reporting months from ``first`` to ``last`` inclusive."""
    months, day = [], first
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def as_of_date(month: date) -> date:
    """The data cut-off of a monthly report: the 29th (the 28th in February)."""
    return month.replace(day=28 if month.month == 2 else 29)


def reporter_on(task: DemoTask, on_date: date, directory: AgencyDirectory) -> str:
    """The body that reports ``task`` on ``on_date`` (VPTW for group-led tasks)."""
    if task.is_group:
        return STANDING_OFFICE
    return directory.current(task.lead_id, on_date)


def status_on(task: DemoTask, on_date: date) -> str:
    """The status a consistent reporter writes for ``task`` on ``on_date``.

    Recurring tasks are always in progress; others are not started until ``started``, in
    progress until ``completed`` and done from then on (with the same completion date).
    """
    if task.outcome == RECURRING:
        return STATUS_IN_PROGRESS
    if task.completed is not None and task.completed <= on_date:
        return STATUS_DONE
    if task.started is not None and task.started <= on_date:
        return STATUS_IN_PROGRESS
    return STATUS_NOT_STARTED


# --------------------------------------------------------------------------------------------
# Calibration


def weighted_sample(
    items: Sequence[DemoTask], k: int, weight: Callable[[DemoTask], float], rng: random.Random
) -> list[DemoTask]:
    """Draw ``k`` distinct items with probability proportional to ``weight``.

    Efraimidis–Spirakis keys (``u ** (1 / w)``), so one pass of the seeded generator gives
    the same sample every run.

    Raises:
        ValueError: Fewer than ``k`` items are available.
    """
    if k > len(items):
        raise ValueError(f"cannot draw {k} items from {len(items)}")
    keyed = [(rng.random() ** (1.0 / max(weight(item), 1e-9)), i) for i, item in enumerate(items)]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _days(start: date, end: date) -> int:
    return (end - start).days


def _overdue_weight(task: DemoTask, quality: float) -> float:
    """Weak agencies, recent deadlines and the 2026 annex tasks are likelier to slip.

    Real 2025 plan tasks get a small weight because the 18-month report says most of them
    were completed.
    """
    weakness = (1.15 - quality) ** 2
    due = task.due_date or CUTOFF
    recency = 3.0 if due >= date(2026, 1, 1) else 1.2 if due >= date(2025, 7, 1) else 0.4
    source = {"001": 15.0, "003": 0.15, "004": 0.15}.get(task.origin[:3], 1.0)
    return weakness * recency * source


def calibrate(
    tasks: Sequence[DemoTask],
    home: dict[str, str],
    quality: dict[str, float],
    rng: random.Random,
    target: Calibration = Calibration(),
) -> None:
    """Choose every task's outcome, dates and difficulty so the figures match ``target``.

    Args:
        tasks: All tasks, with ``due_date`` already parsed.
        home: Task code → body it rolls up to at the cutoff (for agency quality).
        quality: Body → performance in [0, 1]; weak bodies get more overdue and late tasks.
        rng: The seeded generator.
        target: Figures to reproduce.

    Raises:
        ValueError: The task set cannot meet the target (wrong recurring count, or not
            enough tasks due after the cutoff).
    """
    recurring = [t for t in tasks if t.due_date is None]
    later = [t for t in tasks if t.due_date is not None and t.due_date >= CUTOFF]
    earlier = [t for t in tasks if t.due_date is not None and t.due_date < CUTOFF]
    if len(tasks) != target.total or len(recurring) != target.recurring:
        raise ValueError(f"{len(tasks)} tasks / {len(recurring)} recurring: off target")
    if len(later) != target.in_progress + target.done_early:
        raise ValueError(f"{len(later)} tasks due after the cutoff: off target")

    def score(task: DemoTask) -> float:
        return quality[home[task.code]]

    overdue = weighted_sample(earlier, target.overdue, lambda t: _overdue_weight(t, score(t)), rng)
    settled = [t for t in later if _days(t.assigned, CUTOFF) >= 45]
    early = weighted_sample(settled, target.done_early, lambda t: score(t) ** 2, rng)
    overdue_codes = {t.code for t in overdue}
    early_codes = {t.code for t in early}
    done_on_time_or_late = [t for t in earlier if t.code not in overdue_codes]
    late_pool = [t for t in done_on_time_or_late if t.due_date <= CUTOFF - timedelta(days=5)]
    n_late = round(target.late_share * target.done)
    late_codes = {t.code for t in weighted_sample(late_pool, n_late, lambda t: 1.2 - score(t), rng)}
    for task in tasks:
        if task.due_date is None:
            _set_recurring(task)
        elif task.code in overdue_codes:
            _set_open(task, OVERDUE, rng, difficulty_share=0.7)
        elif task.due_date >= CUTOFF and task.code not in early_codes:
            _set_open(task, IN_PROGRESS, rng, difficulty_share=0.2)
        else:
            _set_done(task, late=task.code in late_codes, rng=rng)


def _set_recurring(task: DemoTask) -> None:
    task.outcome, task.started = RECURRING, task.assigned


def _set_open(task: DemoTask, outcome: str, rng: random.Random, difficulty_share: float) -> None:
    """An unfinished task: started some weeks after assignment (overdue ones before due)."""
    task.outcome = outcome
    delay = rng.randint(0, 60)
    if outcome == OVERDUE and task.due_date is not None:
        delay = min(delay, max(_days(task.assigned, task.due_date) // 2, 0))
    task.started = task.assigned + timedelta(days=delay)
    if rng.random() < difficulty_share:
        task.difficulty = rng.choice(DIFFICULTIES)


def _set_done(task: DemoTask, late: bool, rng: random.Random) -> None:
    """A done task: completed after assignment, by the due date unless ``late``."""
    due = task.due_date or CUTOFF
    task.outcome = DONE
    start = task.assigned
    if late:
        completed = due + timedelta(days=rng.randint(3, min(75, _days(due, CUTOFF))))
    elif due >= CUTOFF:
        completed = start + timedelta(days=round(_days(start, CUTOFF) * rng.uniform(0.3, 0.95)))
    else:
        span = max(_days(start, due), 0)
        completed = start + timedelta(days=round(span * rng.uniform(0.35, 1.0)))
    task.completed = min(max(completed, start), CUTOFF)
    delay = min(rng.randint(0, 40), _days(start, task.completed) // 2)
    task.started = start + timedelta(days=delay)
    task.completion_as_text = rng.random() < 0.10


def calibrated_counts(tasks: Iterable[DemoTask]) -> Counter[str]:
    """Outcome counts of the model (what the warehouse should find at the cutoff)."""
    return Counter(task.outcome for task in tasks)
