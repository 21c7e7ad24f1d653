"""Vietnamese formatting of numbers, percentages, dates and reporting periods.

The steering office's documents write numbers the Vietnamese way ("." groups thousands,
"," is the decimal mark: ``1.245``, ``84,8%``), dates without leading zeros (``29/6/2026``)
and quarters in Roman numerals (``Quý II/2026``). Reports must read the same, so every
figure shown to leadership goes through these helpers. Missing values print as an en dash.

Rounding is half-up on the decimal value as written (``0.0125`` -> ``1,3%``), which is what a
reader checking a figure by hand expects; Python's ``round`` is half-even on binary floats.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from dagster_project.lib.reference.periods import parse_period

MISSING = "–"
"""What a missing value prints as (en dash, U+2013)."""

_ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}

Number = int | float | Decimal


def _to_decimal(value: Number) -> Decimal:
    """Convert a number to Decimal through its shortest repr, so 0.848 stays 0.848."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number to format")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"cannot format a non-finite number: {value!r}")
        return Decimal(repr(value))
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _group_thousands(digits: str) -> str:
    """Insert "." every three digits from the right: ``1245`` -> ``1.245``."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def fmt_number(value: Number | None, digits: int = 0) -> str:
    """Format a number with Vietnamese separators and a fixed number of decimals.

    Args:
        value: The number, or None.
        digits: Decimal places to keep (rounded half-up).

    Returns:
        For example ``fmt_number(103.43, 2) == "103,43"`` and
        ``fmt_number(1597570) == "1.597.570"``; ``"–"`` for None.
    """
    if value is None:
        return MISSING
    if digits < 0:
        raise ValueError("digits must be >= 0")
    quantum = Decimal(1).scaleb(-digits)
    rounded = _to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, fraction = text.partition(".")
    out = sign + _group_thousands(whole)
    return f"{out},{fraction}" if fraction else out


def fmt_int(value: Number | None) -> str:
    """Format a whole number: ``fmt_int(1245) == "1.245"``; ``"–"`` for None."""
    return fmt_number(value, 0)


def fmt_pct(ratio: Number | None, digits: int = 1) -> str:
    """Format a ratio (0..1) as a percentage: ``fmt_pct(0.848) == "84,8%"``; ``"–"`` for None."""
    if ratio is None:
        return MISSING
    return fmt_number(_to_decimal(ratio) * 100, digits) + "%"


def fmt_signed_int(value: Number | None) -> str:
    """Format a change in a count with its sign: ``+45``, ``-3``, ``0``; ``"–"`` for None."""
    if value is None:
        return MISSING
    text = fmt_int(value)
    return text if text == "0" or text.startswith("-") else f"+{text}"


def fmt_pp_change(delta_ratio: Number | None, digits: int = 1) -> str:
    """Format a change between two ratios in percentage points: ``+4,2 điểm %``.

    Args:
        delta_ratio: The difference of two ratios (0..1 scale), or None.
        digits: Decimal places of the percentage points.

    Returns:
        The signed change followed by "điểm %" (percentage points); ``"–"`` for None.
    """
    if delta_ratio is None:
        return MISSING
    text = fmt_number(_to_decimal(delta_ratio) * 100, digits)
    if not text.startswith("-") and text.strip("0,") != "":
        text = f"+{text}"
    return f"{text} điểm %"


def fmt_date(value: date | None) -> str:
    """Format a date as the documents write it: ``fmt_date(date(2026, 6, 29)) == "29/6/2026"``."""
    if value is None:
        return MISSING
    return f"{value.day}/{value.month}/{value.year}"


def fmt_datetime(value: datetime | None) -> str:
    """Format a timestamp: ``"14:05 ngày 30/6/2026"``, with the UTC offset when it is known."""
    if value is None:
        return MISSING
    text = f"{value.hour:02d}:{value.minute:02d} ngày {fmt_date(value.date())}"
    offset = value.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, mins = divmod(abs(minutes), 60)
        text += f" (UTC{sign}{hours:02d}:{mins:02d})"
    return text


def fmt_period(period_key: str) -> str:
    """Format a quarter key the way documents write it: ``"2026-Q2"`` -> ``"Quý II/2026"``."""
    year, quarter = parse_period(period_key)
    return f"Quý {_ROMAN_QUARTERS[quarter]}/{year}"


# Vietnamese alphabetical order. f, j, w, z are not Vietnamese letters but occur in names.
_VI_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_VI_LETTER_RANK = {letter: rank for rank, letter in enumerate(_VI_ALPHABET)}
# Marks that make a different letter (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tones, in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """Sort key that orders Vietnamese names alphabetically (a ă â b c d đ e ê …).

    Plain code-point order puts "Đà Nẵng" after "Yên Bái" and splits NFC from NFD
    spellings; this key compares letters first, then tones, then the text itself.

    Args:
        text: Any string (NFC or NFD).

    Returns:
        A tuple usable as ``key=`` in ``sorted``.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    i = 0
    while i < len(decomposed):
        base = decomposed[i]
        i += 1
        letter_marks = ""
        tone = 0
        while i < len(decomposed) and unicodedata.combining(decomposed[i]):
            mark = decomposed[i]
            if mark in _LETTER_MARKS:
                letter_marks += mark
            else:
                tone = _TONE_RANK.get(mark, tone)
            i += 1
        letter = unicodedata.normalize("NFC", base + letter_marks)
        if letter in _VI_LETTER_RANK:
            letters.append((1, _VI_LETTER_RANK[letter]))
        else:
            letters.append((0, ord(letter[0])))
        tones.append(tone)
    return tuple(letters), tuple(tones), unicodedata.normalize("NFC", text)
