"""Deadlines written in prose, as Vietnamese plans and notices write them.

A task's "Thời gian hoàn thành" cell holds anything from "15/7/2025" to "Quý II", "Hằng tháng"
or "2025 và những năm tiếp theo". The status of every task (on time, late, overdue) hangs on
this parse, so the original text is kept beside the result and anything outside the known
forms is rejected for a reviewer instead of being guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dagster_project.lib.text.intake_rules import Bilingual, part
from dagster_project.lib.text.values import ValueParseError, find_dates
from dagster_project.lib.text.vntext import fold_diacritics, is_blank, normalize_text

__all__ = ["RECURRENCES", "Deadline", "parse_deadline"]

RECURRENCES = ("weekly", "monthly", "yearly", "continuous", "roadmap")


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline.

    Attributes:
        original: The text exactly as received, after ``normalize_text``.
        due_date: Last day the task may be completed; None for recurring and roadmap tasks.
        recurrence: None for one-off tasks, else one of :data:`RECURRENCES`.
    """

    original: str
    due_date: date | None
    recurrence: str | None


# Recurrence phrases, matched on diacritic-folded text ("hằng"/"hàng" both fold to "hang").
# An open-ended continuation ("... và những năm tiếp theo") wins over any date in the cell:
# "Tháng 9/2025 xong thí điểm; phát triển 2025 và những năm tiếp theo" never falls due.
_RECURRENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("yearly", re.compile(r"\b(?:nhung|cac) nam tiep theo\b")),
    ("weekly", re.compile(r"\bhang tuan\b")),
    ("monthly", re.compile(r"\bhang thang\b")),
    ("yearly", re.compile(r"\bhang nam\b")),
    ("continuous", re.compile(r"\bthuong xuyen\b")),
    ("roadmap", re.compile(r"\blo trinh\b")),
)

_BEFORE = r"(?P<before>\btruoc\s+(?:ngay\s+|thang\s+|nam\s+|quy\s+)?)?"
_QUARTER = re.compile(
    _BEFORE + r"\bquy\s+(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:/|-|nam)\s*(?P<year>\d{4})(?!\d))?"
)
_MONTHS = (
    re.compile(
        _BEFORE + r"(?:\bthang\s+)?(?<![\d/.-])(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})(?![\d/.-])"
    ),
    re.compile(_BEFORE + r"\bthang\s+(?P<month>\d{1,2})\s+nam\s+(?P<year>\d{4})(?!\d)"),
)
_HALF_YEAR = re.compile(r"\b6 thang (?P<half>dau|cuoi) nam\s+(?P<year>\d{4})(?!\d)")
# A hyphen is allowed next to a year so that periods such as "2025-2030" end with their last year.
_YEAR = re.compile(_BEFORE + r"(?<![\d/.])(?P<year>(?:19|20|21)\d{2})(?![\d/.])")
_QUARTER_NUMBER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# Words allowed around the dates of a one-off deadline ("Hoàn thành trong tháng 4/2026",
# "chậm nhất trong tháng 3/2026", "Tháng 12/2025 và năm 2026"). Any other word means the cell
# says something we do not model, so it goes to a reviewer instead of being half-read.
_FILLER_WORDS = frozenset(
    "hoan thanh trong cham nhat truoc ngay thang nam va quy thuc hien xong den vao cuoi "
    "khong qua han thoi gian du kien tu giai doan".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _first_day_of_quarter(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _unparseable(original: str, detail: Bilingual = ("", "")) -> ValueParseError:
    """``deadline_unparseable``, with one of the rule's parts saying why when there is more."""
    return ValueParseError.of("deadline_unparseable", text=original, detail=detail)


def _calendar_year(year: int, original: str) -> int:
    """``year`` if the calendar has it: "Quý II/0000" or a plan year of 0 names no date."""
    if not date.min.year <= year <= date.max.year:
        raise _unparseable(original, part("deadline_unparseable", "no_such_year", year=year))
    return year


def _day_before(day: date, original: str) -> date:
    """The day before ``day`` for a "trước …" deadline; 1/1/0001 has none."""
    if day == date.min:
        raise _unparseable(original, part("deadline_unparseable", "no_such_date"))
    return day - timedelta(days=1)


def parse_deadline(text: str | date, plan_year: int | None = None) -> Deadline:
    """Parse a deadline cell into a due date or a recurrence.

    Due dates are the last day of the period named ("Tháng 9/2025" → 30/9/2025, "Quý II/2026"
    → 30/6/2026, "2025" → 31/12/2025); "trước" (before) moves it to the day before the period
    starts ("trước ngày 01/5/2026" → 30/4/2026). When several dates are mentioned the latest
    wins ("Tháng 12/2025 và năm 2026" → 31/12/2026). Recurrence phrases win over dates.
    Matching ignores case and diacritics.

    Args:
        text: The cell text (a ``date`` cell is accepted as a fixed due date).
        plan_year: Year of the plan the task belongs to; gives "Quý II" its year.

    Returns:
        The parsed deadline, keeping the normalised original text.

    Raises:
        ValueParseError: Rule ``deadline_missing`` for an empty cell, ``quarter_without_year``
            for a quarter with no year and no ``plan_year``, ``deadline_unparseable`` otherwise.
    """
    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):
        return Deadline(original=text.strftime("%d/%m/%Y"), due_date=text, recurrence=None)
    if is_blank(text):
        raise ValueParseError.of("deadline_missing")
    original = normalize_text(text)
    folded = fold_diacritics(original).replace("\n", " ")

    for recurrence, pattern in _RECURRENCE_PATTERNS:
        if pattern.search(folded):
            return Deadline(original=original, due_date=None, recurrence=recurrence)

    due_dates: list[date] = []
    rest = folded

    def consume(match: re.Match[str]) -> None:
        nonlocal rest
        start, end = match.span()
        rest = rest[:start] + " " * (end - start) + rest[end:]

    try:
        for start, end, day in find_dates(rest):
            before = re.search(r"\btruoc\s+(?:ngay\s+)?$", rest[:start])
            due_dates.append(_day_before(day, original) if before else day)
            if before:
                start = before.start()
            rest = rest[:start] + " " * (end - start) + rest[end:]
    except ValueParseError as exc:
        raise _unparseable(original, part("deadline_unparseable", "no_such_date")) from exc

    for match in _HALF_YEAR.finditer(rest):
        year = _calendar_year(int(match["year"]), original)
        due_dates.append(date(year, 6, 30) if match["half"] == "dau" else date(year, 12, 31))
        consume(match)

    for match in list(_QUARTER.finditer(rest)):
        quarter = _QUARTER_NUMBER[match["q"]]
        if match["year"]:
            year = int(match["year"])
        elif plan_year is not None:
            year = plan_year
        else:
            raise ValueParseError.of("quarter_without_year", text=original)
        year = _calendar_year(year, original)
        if match["before"]:
            due_dates.append(_day_before(_first_day_of_quarter(year, quarter), original))
        else:
            due_dates.append(_last_day_of_month(year, 3 * quarter))
        consume(match)

    for match in [m for pattern in _MONTHS for m in list(pattern.finditer(rest))]:
        month, year = int(match["month"]), int(match["year"])
        if not 1 <= month <= 12:
            raise _unparseable(original,
                               part("deadline_unparseable", "no_such_month", month=month))
        year = _calendar_year(year, original)
        if match["before"]:
            due_dates.append(_day_before(date(year, month, 1), original))
        else:
            due_dates.append(_last_day_of_month(year, month))
        consume(match)

    for match in list(_YEAR.finditer(rest)):
        year = int(match["year"])
        due_dates.append(date(year - 1, 12, 31) if match["before"] else date(year, 12, 31))
        consume(match)

    leftover = [word for word in _WORD.findall(rest) if word not in _FILLER_WORDS]
    if not due_dates or leftover:
        raise _unparseable(original)
    return Deadline(original=original, due_date=max(due_dates), recurrence=None)
