"""Parsing of Vietnamese cell values: dates, months, numbers, percentages and ratios.

Vietnamese writes "." to group thousands and "," as the decimal mark ("1.245", "84,8%",
"103,43 nghìn tỷ"), always puts the day before the month, and mixes real Excel dates with text.
Each parser either returns an exact value or raises :class:`ValueParseError` carrying a rule id
and bilingual messages for the quarantine report: a wrong number in a scorecard is worse than a
missing one, so nothing here guesses. The messages are the intake rules' own, from
``expectations/intake.yml``.
"""

from __future__ import annotations

import math
import re
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal

from dagster_project.lib.text.intake_rules import messages, part
from dagster_project.lib.text.vntext import fold_diacritics, is_blank, normalize_text

__all__ = [
    "ValueParseError",
    "display_value",
    "excel_serial_to_date",
    "find_dates",
    "parse_date",
    "parse_month",
    "parse_number",
    "parse_percent",
    "parse_ratio",
]


class ValueParseError(ValueError):
    """A cell value that cannot be read without guessing.

    Attributes:
        rule: Stable rule id (e.g. ``"date_invalid"``) used by the quality catalogue.
        message_vi: Message for the reporting agency, in Vietnamese.
        message_en: The same message in English, for engineers and logs.
    """

    def __init__(self, rule: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"[{rule}] {message_en}")
        self.rule = rule
        self.message_vi = message_vi
        self.message_en = message_en

    @classmethod
    def of(cls, rule: str, /, *, variant: str | None = None, **fields: object) -> ValueParseError:
        """The error of an intake rule, its messages rendered from ``intake.yml``.

        Args:
            rule: The rule id.
            variant: One of the rule's variants; None for its main message.
            **fields: The values of the message's fields (see
                :func:`~dagster_project.lib.text.intake_rules.messages`).
        """
        return cls(rule, *messages(rule, variant=variant, **fields))

    def __reduce__(self) -> tuple[type[ValueParseError], tuple[str, str, str]]:
        # Keeps the error picklable across the child processes that parse untrusted files.
        return (type(self), (self.rule, self.message_vi, self.message_en))


# --------------------------------------------------------------------------------------------
# Dates

# Excel's 1900 date system counts 1900-01-01 as day 1 and keeps Lotus 1-2-3's phantom
# 1900-02-29 as day 60; 2958465 is 9999-12-31, the largest date Excel can show.
_EXCEL_MAX_SERIAL = 2958465
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_PHANTOM_LEAP_DAY = 60

_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\d/.-])")
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/.-])")
_LONG_DATE = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})(?!\d)")


# Beyond 2**1024 an int exceeds every float; printed in full it would be slow, and past 4,300
# digits Python refuses to print it at all.
_MAX_SHOWN_BITS = 1024


def display_value(value: object) -> str:
    """``value`` as text for a message; a huge int (a pasted digit string) as its magnitude.

    Args:
        value: A raw cell value.

    Returns:
        ``str(value)``, except ``"≈10^5000"`` for an int too large for any float.
    """
    if isinstance(value, int) and value.bit_length() > _MAX_SHOWN_BITS:
        sign = "-" if value < 0 else ""
        return f"{sign}≈10^{int((value.bit_length() - 1) * math.log10(2))}"
    return str(value)


def _quote(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return display_value(value) if isinstance(value, int) else repr(value)


def excel_serial_to_date(serial: float) -> date:
    """Convert an Excel serial day number (1900 date system) to a date.

    Readers sometimes hand back date cells as plain numbers (a lost number format, a CSV
    export). The fractional part is a time of day and is dropped.

    Args:
        serial: Day number between 1 and 2958465.

    Returns:
        The calendar date.

    Raises:
        ValueParseError: Rule ``date_serial_out_of_range`` outside Excel's range, or for day
            60, which is the non-existent 29/02/1900.
    """
    # An int beyond float range (a pasted long digit string) has no float to check, and is out
    # of range anyway: compare ints directly instead of through math.isfinite.
    if isinstance(serial, bool) or (not isinstance(serial, int) and not math.isfinite(serial)):
        raise ValueParseError.of("date_serial_out_of_range", variant="not_a_number",
                                 value=_quote(serial))
    day = math.floor(serial)
    if not 1 <= day <= _EXCEL_MAX_SERIAL or day == _EXCEL_PHANTOM_LEAP_DAY:
        raise ValueParseError.of("date_serial_out_of_range", value=_quote(serial),
                                 largest=_EXCEL_MAX_SERIAL)
    # Serials before the phantom leap day are one day "late" relative to the epoch.
    offset = day if day > _EXCEL_PHANTOM_LEAP_DAY else day + 1
    return _EXCEL_EPOCH + timedelta(days=offset)


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueParseError.of("date_invalid", value=_quote(raw), day=day, month=month,
                                 year=year) from None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Find every full date written in Vietnamese text.

    Recognises day-first "15/7/2025", "30.09.2025", ISO "2025-07-15" and the long form
    "ngày 15 tháng 7 năm 2025". Used by :func:`parse_date` and by the deadline parser.

    Args:
        text: Text already passed through :func:`~dagster_project.lib.text.vntext.fold_diacritics`.

    Returns:
        ``(start, end, date)`` for each match, in order of appearance.

    Raises:
        ValueParseError: Rule ``date_invalid`` when a match is not a real calendar date.
    """
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < t_end and t_start < end for t_start, t_end in taken)

    for m in _LONG_DATE.finditer(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        found.append((m.start(), m.end(), _make_date(y, mo, d, m[0])))
        taken.append(m.span())
    for m in _ISO_DATE.finditer(text):
        if not overlaps(*m.span()):
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            found.append((m.start(), m.end(), _make_date(y, mo, d, m[0])))
            taken.append(m.span())
    for m in _DMY.finditer(text):
        if not overlaps(*m.span()):
            d, mo, y = int(m[1]), int(m[3]), int(m[4])
            found.append((m.start(), m.end(), _make_date(y, mo, d, m[0])))
            taken.append(m.span())
    return sorted(found, key=lambda item: item[0])


def parse_date(value: object) -> date:
    """Parse a date cell, day first.

    Accepts ``date``/``datetime`` objects, Excel serial numbers (1900 system) and text such as
    "15/7/2025", "30/09/2025", "2025-07-15" or "ngày 15/7/2025". Two-digit years and text with
    more than one date are rejected rather than guessed.

    Args:
        value: Raw cell value.

    Returns:
        The date.

    Raises:
        ValueParseError: Rules ``date_missing``, ``date_invalid``, ``date_ambiguous``,
            ``date_serial_out_of_range`` or ``date_unparseable``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        raise ValueParseError.of("date_missing")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(value)
    if not isinstance(value, str):
        raise ValueParseError.of("date_unparseable", variant="not_text", value=_quote(value))
    text = normalize_text(value)
    found = find_dates(fold_diacritics(text))
    if len(found) > 1:
        raise ValueParseError.of("date_ambiguous", text=text)
    if not found:
        raise ValueParseError.of("date_unparseable", text=text)
    return found[0][2]


_MONTH_SLASH = re.compile(r"(?<![\d/.-])(\d{1,2})\s*/\s*(\d{4})(?![\d/.-])")
_MONTH_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})(?![\d/.-])")
_MONTH_WORDS = re.compile(r"\bthang\s+(\d{1,2})\s+nam\s+(\d{4})(?!\d)")
_MONTH_ALLOWED_REST = re.compile(r"^(?:thang|t|ky|bao cao|nam|[\s:.,()-])*$")


def parse_month(value: object) -> date:
    """Parse a reporting month and return its first day.

    Monthly reports label periods "6/2026", "Tháng 6/2026", "tháng 06 / 2026", "tháng 6 năm
    2026" or "2026-06"; a real date cell is reduced to its month.

    Args:
        value: Raw cell value.

    Returns:
        The first day of the month.

    Raises:
        ValueParseError: Rules ``month_missing``, ``month_invalid`` or ``month_unparseable``.
    """
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    if is_blank(value):
        raise ValueParseError.of("month_missing")
    text = normalize_text(value) if isinstance(value, str) else None
    if text is not None:
        folded = fold_diacritics(text)
        matches = [
            (int(m[1]), int(m[2]), m.span())
            for m in (*_MONTH_SLASH.finditer(folded), *_MONTH_WORDS.finditer(folded))
        ] + [(int(m[2]), int(m[1]), m.span()) for m in _MONTH_ISO.finditer(folded)]
        if len(matches) == 1:
            month, year, (start, end) = matches[0]
            rest = folded[:start] + " " + folded[end:]
            if _MONTH_ALLOWED_REST.match(rest):
                if not 1 <= month <= 12:
                    raise ValueParseError.of("month_invalid", month=month, text=text)
                if year < 1:  # "1/0000": the calendar has no year 0
                    raise ValueParseError.of("month_invalid", variant="year", year=year,
                                             text=text)
                return date(year, month, 1)
    shown = text if text is not None else value
    raise ValueParseError.of("month_unparseable", value=_quote(shown))


# --------------------------------------------------------------------------------------------
# Numbers

# Scale words after a number; "nghìn tỷ" multiplies both (10^12). "ngàn" is the southern
# spelling of "nghìn", "tỉ" an accepted spelling of "tỷ".
_SCALES = {
    "nghin": Decimal(10) ** 3,
    "ngan": Decimal(10) ** 3,
    "trieu": Decimal(10) ** 6,
    "ty": Decimal(10) ** 9,
    "ti": Decimal(10) ** 9,
}
_CURRENCY_WORDS = {"dong", "vnd", "vnd.", "d"}
# Possessive quantifiers (*+): the number, the blanks and the words all accept "." and " ",
# and without them a cell such as "1. . . . x" backtracks quadratically (8 s for one 32 KB
# cell). Giving characters back never helps a match here, so the readings are unchanged.
_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[-+\u2212]?)\s*+(?P<num>[0-9][0-9., ]*+)\s*+(?P<pct>%?)\s*+(?P<words>[a-z. ]*+)$"
)
# The largest magnitude a float holds; a figure beyond it would silently become infinity.
_FLOAT_MAX = Decimal(sys.float_info.max)
# Vietnamese groupings: "1.245.000", "1.245,5", "84,8", "1245", "1 245 000".
_VN_DOT_GROUPS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_VN_SPACE_GROUPS = re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d+)?$")
_VN_PLAIN = re.compile(r"^\d+(?:,\d+)?$")


def _number_error(value: object, reason: str, **fields: object) -> ValueParseError:
    """``number_unparseable`` for ``value``, saying why with one of the rule's parts."""
    return ValueParseError.of("number_unparseable", value=_quote(value),
                              reason=part("number_unparseable", reason, **fields))


def _too_large(value: object) -> ValueParseError:
    return _number_error(value, "too_large")


def _to_float(number: Decimal, value: object) -> float:
    """``number`` as a float, rejected rather than rounded to infinity or to zero."""
    result = float(number)
    if not math.isfinite(result) or (result == 0 and number != 0):
        raise _too_large(value)
    return result


def _parse_decimal(value: object) -> tuple[Decimal, bool]:
    """Return the value as an exact Decimal and whether it carried a "%" sign."""
    if isinstance(value, bool):
        raise _number_error(value, "boolean")
    if is_blank(value):
        raise ValueParseError.of("number_missing")
    if isinstance(value, int):
        if value.bit_length() > _MAX_SHOWN_BITS:  # no float holds it; skip a slow conversion
            raise _too_large(value)
        return Decimal(value), False
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            raise _number_error(value, "infinite")
        # str() keeps the shortest repr, so 84.8 stays 84.8 rather than 84.79999...
        return Decimal(str(value)), False
    if not isinstance(value, str):
        raise _number_error(value, "unsupported_type")

    text = normalize_text(value)
    m = _NUMBER_TEXT.match(fold_diacritics(text).replace("\n", " "))
    if m is None:
        raise _number_error(text, "not_numeric")
    digits = m["num"].strip()
    if _VN_DOT_GROUPS.match(digits):
        literal = digits.replace(".", "").replace(",", ".")
    elif _VN_SPACE_GROUPS.match(digits):
        literal = digits.replace(" ", "").replace(",", ".")
    elif _VN_PLAIN.match(digits):
        literal = digits.replace(",", ".")
    else:
        raise _number_error(text, "notation")
    number = Decimal(literal)
    for word in m["words"].split():
        if word in _SCALES:
            number *= _SCALES[word]
            if number > _FLOAT_MAX:  # "1 tỷ tỷ tỷ …": stop before Decimal itself overflows
                raise _too_large(text)
        elif word not in _CURRENCY_WORDS:
            raise _number_error(text, "unknown_word", word=word)
    if m["sign"] in {"-", "\u2212"}:
        number = -number
    return number, m["pct"] == "%"


def parse_number(value: object) -> float:
    """Parse a number written in Vietnamese notation.

    "1.245" is 1245, "84,8" is 84.8, "1.245.000" is 1245000 and "103,43 nghìn tỷ" is
    1.0343e14. A trailing "%" is ignored ("84,8%" gives 84.8; use :func:`parse_percent` for the
    fraction) and a trailing "đồng" is allowed. Numeric cells pass through. A dot not followed
    by groups of exactly three digits ("1.5") is rejected: it is not Vietnamese notation and
    reading it either way would be a guess. So is a figure a float cannot hold (it would become
    infinity or zero).

    Args:
        value: Raw cell value.

    Returns:
        The number as a float.

    Raises:
        ValueParseError: Rules ``number_missing`` or ``number_unparseable``.
    """
    number, _ = _parse_decimal(value)
    return _to_float(number, value)


def parse_percent(value: object) -> float:
    """Parse a percentage and return it as a fraction ("84,8%" gives 0.848).

    Text must carry the "%" sign, because "84,8" alone could be points or already a fraction;
    a column whose header says "(%)" should use ``parse_number(v) / 100`` explicitly. Numeric
    cells are taken to be Excel percentage cells, which store the fraction (0.848).

    Args:
        value: Raw cell value.

    Returns:
        The fraction.

    Raises:
        ValueParseError: Rules ``number_missing``, ``number_unparseable`` or
            ``percent_sign_missing``.
    """
    number, has_sign = _parse_decimal(value)
    if isinstance(value, str) and not has_sign:
        text = normalize_text(value)
        raise ValueParseError.of("percent_sign_missing", text=text)
    return _to_float(number / 100, value) if has_sign else _to_float(number, value)


_RATIO_WRAPPER = re.compile(r"^\(?\s*(?P<body>[^()]*?)\s*\)?$")
_TRAILING_UNIT = re.compile(r"^(?P<num>.*?\d%?)(?P<unit>(?:\s+[^\W\d_]+)*)$")


def parse_ratio(value: object) -> tuple[float, float]:
    """Parse a "done/total" ratio such as "1.245/1.469" into ``(1245.0, 1469.0)``.

    Progress figures are reported as counts ("144.857/275.571 hồ sơ"); keeping both parts lets
    the warehouse recompute rates and add them up across agencies. Surrounding parentheses and a
    trailing unit word shared by both parts are allowed.

    Args:
        value: Raw cell value.

    Returns:
        ``(numerator, denominator)``.

    Raises:
        ValueParseError: Rules ``ratio_missing`` or ``ratio_unparseable``.
    """
    if is_blank(value):
        raise ValueParseError.of("ratio_missing")
    text = normalize_text(value if isinstance(value, str) else display_value(value))
    body_match = _RATIO_WRAPPER.match(text)
    body = body_match["body"] if body_match else text
    parts = body.split("/")
    error = ValueParseError.of("ratio_unparseable", text=text)
    if len(parts) != 2:
        raise error
    denominator_text = parts[1].strip()
    unit_match = _TRAILING_UNIT.match(denominator_text)
    if unit_match and unit_match["unit"] and not any(
        word in _SCALES for word in fold_diacritics(unit_match["unit"]).split()
    ):
        denominator_text = unit_match["num"]
    try:
        return parse_number(parts[0]), parse_number(denominator_text)
    except ValueParseError as exc:
        raise error from exc

