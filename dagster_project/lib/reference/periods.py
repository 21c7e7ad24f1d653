"""Quarters as the office names them (``2026-Q2``): the one place that knows their calendar.

A quarter key is a file name, a SQL literal, a join key and a folder of releases, so it is
read by one pattern and its dates computed by one function. Formatting a quarter for readers
("Quý II/2026") is ``vnformat``'s job; the period an indicator's value refers to ("8/2025",
"Quý III/2025", "2024") is read from text by ``targets``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

FIRST_QUARTER = (2025, 1)  # Resolution 57 monitoring starts with 2025-Q1
# Vietnam keeps UTC+7 all year; a fixed offset needs no tz database on the machine.
VIETNAM_TIME = timezone(timedelta(hours=7))
# ASCII digits only and no trailing newline ("$" would allow one): "２０２６-Q2" or "2026-Q2\n"
# must not pass as 2026-Q2. The calendar has no year 0.
PERIOD_KEY = re.compile(r"\A(?!0000)(?P<year>\d{4})-Q(?P<quarter>[1-4])\Z", re.ASCII)


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    """A quarter being gated or published, with the as-of date its figures are judged on.

    The as-of date is the progress reports' own date (29/6/2026 for 2026-Q2), which may
    fall before the quarter's last day.
    """

    key: str
    start: date
    end: date
    as_of_date: date

    def record(self) -> dict[str, str]:
        """The period as gate results files have always written it (ISO dates)."""
        return {"period_key": self.key, "period_start": self.start.isoformat(),
                "period_end": self.end.isoformat(), "as_of_date": self.as_of_date.isoformat()}

    def sql_params(self) -> dict[str, str]:
        """Literals for the rule catalogue's query placeholders (the key was validated)."""
        return {
            "period_key": f"'{self.key}'",
            "period_start": f"date '{self.start.isoformat()}'",
            "period_end": f"date '{self.end.isoformat()}'",
            "as_of_date": f"date '{self.as_of_date.isoformat()}'",
        }


def parse_period(period_key: str) -> tuple[int, int]:
    """Split a key such as ``"2026-Q2"`` into ``(2026, 2)``.

    Raises:
        ValueError: If the key is not ``YYYY-Qn`` with n in 1..4 (year 0001..9999), in
            Vietnamese and English.
    """
    match = PERIOD_KEY.match(period_key) if isinstance(period_key, str) else None
    if match is None:
        raise ValueError(
            f"Mã kỳ báo cáo không hợp lệ / invalid period key: {period_key!r} "
            "(ví dụ / e.g. '2026-Q2')"
        )
    return int(match["year"]), int(match["quarter"])


def quarter_months(period_key: str) -> range:
    """The calendar months of a quarter: ``range(4, 7)`` for ``2026-Q2``."""
    _, quarter = parse_period(period_key)
    return range(3 * quarter - 2, 3 * quarter + 1)


def quarter_bounds(period_key: str) -> tuple[date, date]:
    """First and last day of a quarter (the quarter's own last month: 9999-Q4 has no after)."""
    year, _ = parse_period(period_key)
    months = quarter_months(period_key)
    first, last = months[0], months[-1]
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def quarter_key(day: date) -> str:
    """The quarter containing ``day``, with a four-digit year like every key (``0999-Q1``)."""
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def previous_period(period_key: str) -> str:
    """The key of the quarter before: ``"2026-Q1"`` -> ``"2025-Q4"``.

    Raises:
        ValueError: For an invalid key, and for ``0001-Q1``, which has no quarter before it
            (the result is always a valid key, so comparisons never see "0-Q4").
    """
    year, quarter = parse_period(period_key)
    if (year, quarter) == (1, 1):
        raise ValueError(
            f"Kỳ {period_key!r} không có kỳ liền trước / no period before {period_key!r}"
        )
    return f"{year - 1:04d}-Q4" if quarter == 1 else f"{year:04d}-Q{quarter - 1}"


def previous_quarters(period_key: str, count: int) -> list[str]:
    """The ``count`` quarters before ``period_key``, oldest first."""
    keys, current = [], period_key
    for _ in range(count):
        current = previous_period(current)
        keys.insert(0, current)
    return keys


def quarters_through(day: date, first: tuple[int, int] = FIRST_QUARTER) -> list[str]:
    """Every quarter from the first monitored one through the quarter containing ``day``."""
    year, quarter = first
    keys = []
    while (year, quarter) <= (day.year, (day.month - 1) // 3 + 1):
        keys.append(f"{year:04d}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return keys
