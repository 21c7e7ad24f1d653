"""When the demo's files reached the inbox: deterministic modification times.

The warehouse judges timeliness by ``submitted_at``, the inbox file's modification time when
it is ingested. Generated files would otherwise all carry the minute the generator ran, so
every file gets a realistic, reproducible time (Vietnam time, UTC+07:00) with ``os.utime``:

* A monthly progress report for month M is due before the 25th of month M+1 (its figures
  run to the 29th of M). Most bodies send it between the 8th and the 24th of M+1, in office
  hours; the bodies in :data:`LATE_REPORTS` send the listed months that many days after the
  25th.
* :data:`MISSING_REPORTS` are never written. The chosen month is neither the last month of
  its quarter (quarter figures read each task's latest report up to the quarter's as-of
  date) nor a month whose completion-evidence share it would push past the gate.
* Exports and registers (budget, databases, indicators, public services, the task
  register) have no deadline; they arrive the day after the date in their name (the 5th of
  the next month for a month), corrections ("_dinh_chinh") three days after the original.

File contents never depend on these times, so every published figure is unchanged.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

VIETNAM = timezone(timedelta(hours=7))
DUE_DAY = 25  # "agencies report before the 25th of each month"

# (agency_id, reporting month) -> days after the 25th the report arrived.
LATE_REPORTS: dict[tuple[str, date], int] = {
    ("P_CAO_BANG", date(2026, 4, 1)): 4,
    ("P_CAO_BANG", date(2026, 5, 1)): 9,
    ("BYT", date(2026, 5, 1)): 2,
    ("TTCP", date(2025, 10, 1)): 6,
    ("TTCP", date(2026, 1, 1)): 3,
}
# (agency_id, reporting month) of reports the body never sent.
MISSING_REPORTS: frozenset[tuple[str, date]] = frozenset({("VHLKHXH", date(2026, 5, 1))})

_REPORT_NAME = re.compile(r"^BC_(?P<agency>.+)_(?P<year>\d{4})-(?P<month>\d{2})$")
_DAY_NAME = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_DAY_NAME_VN = re.compile(r"(?P<day>\d{2})-(?P<month>\d{2})-(?P<year>\d{4})")
_MONTH_NAME = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
# Files without a date in their name (catalogues) arrive with the demo's cut-off report.
_UNDATED = datetime(2026, 6, 30, 8, 15, tzinfo=VIETNAM)


def report_due_date(month: date) -> date:
    """The 25th of the month after the reporting month: reports are due before it."""
    return date(month.year + month.month // 12, month.month % 12 + 1, DUE_DAY)


def is_missing(agency_id: str, month: date) -> bool:
    """Whether the demo leaves out this body's report for this month."""
    return (agency_id, month) in MISSING_REPORTS


def report_submitted_at(agency_id: str, month: date, seed: int = 57) -> datetime:
    """When a body's monthly report reached the inbox (seeded per body and month)."""
    rng = random.Random(f"{seed}:submitted:{agency_id}:{month.isoformat()}")
    due = report_due_date(month)
    late_days = LATE_REPORTS.get((agency_id, month))
    day = due + timedelta(days=late_days) if late_days else due.replace(day=rng.randint(8, 24))
    clock = time(rng.randint(8, 16), rng.randint(0, 59))
    return datetime.combine(day, clock, tzinfo=VIETNAM)


def export_submitted_at(path: Path) -> datetime:
    """When an export or register without a deadline arrived (from the date in its name)."""
    name = path.stem
    if match := _DAY_NAME.search(name) or _DAY_NAME_VN.search(name):
        day = date(int(match["year"]), int(match["month"]), int(match["day"])) + timedelta(1)
    elif match := _MONTH_NAME.search(name):
        month = date(int(match["year"]), int(match["month"]), 1)
        day = report_due_date(month).replace(day=5)
    else:
        return _UNDATED
    arrived = datetime.combine(day, time(9, 30), tzinfo=VIETNAM)
    return arrived + timedelta(days=3) if "dinh_chinh" in name else arrived


def submitted_at(path: Path, seed: int = 57) -> datetime:
    """The modification time a demo file gets: a report's or an export's arrival."""
    match = _REPORT_NAME.match(path.stem)
    if match is None:
        return export_submitted_at(path)
    month = date(int(match["year"]), int(match["month"]), 1)
    return report_submitted_at(match["agency"], month, seed)


def stamp_submission_times(files: Iterable[Path], seed: int = 57) -> None:
    """Set every file's access and modification time to its arrival time."""
    for path in files:
        stamp = submitted_at(Path(path), seed).timestamp()
        os.utime(path, (stamp, stamp))
