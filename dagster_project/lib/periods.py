"""Quarters as the office names them: ``2026-Q2``."""

from __future__ import annotations

from datetime import date, timedelta, timezone

FIRST_QUARTER = (2025, 1)  # Resolution 57 monitoring starts with 2025-Q1
# Vietnam keeps UTC+7 all year; a fixed offset needs no tz database on the machine.
VIETNAM_TIME = timezone(timedelta(hours=7))


def quarter_key(day: date) -> str:
    """The quarter containing ``day``, with a four-digit year like every key (``0999-Q1``)."""
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def quarters_through(day: date, first: tuple[int, int] = FIRST_QUARTER) -> list[str]:
    """Every quarter from the first monitored one through the quarter containing ``day``."""
    year, quarter = first
    keys = []
    while (year, quarter) <= (day.year, (day.month - 1) // 3 + 1):
        keys.append(f"{year:04d}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return keys
