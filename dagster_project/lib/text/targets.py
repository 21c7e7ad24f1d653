"""Indicator targets and actuals written as Vietnamese text, read into exact parts.

Resolution 57/71 indicators state their targets as prose fragments: "≥ 40%", "12 người/1 vạn
dân", "40–50 tổ chức", "top 3 Đông Nam Á, top 50 thế giới", "≤ 10 (toàn cầu)", "HDI > 0,7",
"(Đến năm 2045) … ≥ 50% GDP". Progress can only be assessed against a comparator, a value
and a unit, so each target is read into one or more :class:`Target` parts; anything that
cannot be read without guessing raises :class:`~dagster_project.lib.text.values.ValueParseError`
with a rule id and bilingual messages, like every other parser of submitted values.

Actuals arrive as figures or as prose around a figure ("52,57% (144.857/275.571 hồ sơ)");
"Chưa có số liệu" means there is no figure, which is not the same as zero.

Conventions: percentages are kept in points (52.57, not 0.5257) for targets and actuals
alike, so the two compare directly; ranks have unit ``"rank"`` and lower is better.

The last section completes a parsed indicator submission (target parts, actual values,
periods) before it lands; see :func:`complete_indicator_submission`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dagster_project.lib.reference.periods import quarter_bounds
from dagster_project.lib.text.intake_rules import part
from dagster_project.lib.text.values import (
    ValueParseError,
    display_value,
    parse_number,
    parse_ratio,
)
from dagster_project.lib.text.vnformat import fmt_number
from dagster_project.lib.text.vntext import fold_diacritics, is_blank, match_key, normalize_text

__all__ = [
    "COMPARATORS",
    "Actual",
    "ValuePeriod",
    "Target",
    "parse_actual",
    "parse_value_period",
    "PrintedResult",
    "parse_printed_result",
    "printed_period",
    "parse_target",
    "parse_targets",
]

COMPARATORS = (">=", "<=", ">", "<", "=", "between", "rank_top")

# Geographic scopes a ranking is stated against, by match key -> how the warehouse names them.
SCOPES = {
    "dongnama": "Đông Nam Á",
    "asean": "Đông Nam Á",
    "thegioi": "thế giới",
    "toancau": "toàn cầu",
    "chaua": "châu Á",
    "khuvuc": "khu vực",
}
# A label before a comparator that makes the value a composite index ("HDI > 0,7").
INDEX_LABELS = {"hdi", "egdi", "gii", "chiso"}
_COMPARATOR_SIGNS = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "=": "="}
# Filler words that introduce a level without changing its meaning ("đạt mức 20–50%").
_FILLER = re.compile(r"^(?:thuộc|đạt mức|đạt|mức|là)\s+", re.IGNORECASE)
_NUMBER = r"\d+(?:[.,]\d+)*"
_YEAR_REMARK = re.compile(
    r"\(?\s*(?:đến|vào|tới)\s+năm\s+(?P<year>(?:19|20)\d{2})\s*\)?", re.IGNORECASE)
_TOP = re.compile(rf"^top\s+(?P<num>{_NUMBER})\s*(?P<rest>.*)$", re.IGNORECASE)
_LEVEL = re.compile(
    rf"^(?:(?P<label>[^\W\d_][^\d≥≤<>=]*?)\s*)?(?P<cmp>≥|≤|>=|<=|>|<|=)?\s*"
    rf"(?P<num>{_NUMBER})(?:\s*[–—-]\s*(?P<high>{_NUMBER}))?\s*(?P<rest>.*)$"
)
_PAREN = re.compile(r"\(([^()]*)\)")
# Several targets in one cell are separated by "," or ";" before a new level or ranking.
_PART_SPLIT = re.compile(r"\s*(?:;|,(?=\s))\s*(?=(?:thuộc\s+)?top\b|[≥≤<>=]|\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One measurable part of an indicator's target.

    Attributes:
        comparator: One of :data:`COMPARATORS`. A bare level ("100%", "5 sàn dữ liệu") is
            ``"="``: the level to reach.
        value: The level (the lower bound for ``"between"``, the rank for ``"rank_top"``).
        value_high: Upper bound of a ``"between"`` range, else None.
        unit: Normalised unit: ``"%"``, ``"%/năm"``, ``"rank"``, ``"index"`` or the unit as
            written ("người/1 vạn dân", "tổ chức", "Tbps").
        scope: Where a ranking is stated ("Đông Nam Á", "thế giới", "toàn cầu"), else None.
        qualifier: What a percentage is of, or a remark ("GDP", "dân số", "và tăng dần").
        target_year: Year by which the target is due.
        original: The whole target text as written (the same for every part of one text).
        part: 1-based position of the part in the text.
    """

    comparator: str
    value: float
    value_high: float | None
    unit: str
    scope: str | None
    qualifier: str | None
    target_year: int
    original: str
    part: int = 1

    @property
    def lower_is_better(self) -> bool:
        """Ranks and upper bounds improve by going down; everything else by going up."""
        return self.unit == "rank" or self.comparator in {"<=", "<", "rank_top"}


@dataclass(frozen=True)
class Actual:
    """A figure read from an actual's text.

    Attributes:
        value: The figure (percentages in points, ranks as positions).
        unit: Normalised unit as for :class:`Target`, or None when the text gives none.
        numerator: Count achieved when the text gives a ratio ("144.857/275.571 hồ sơ").
        denominator: Count it is out of (for a rank, the number of countries ranked).
        approximate: The text marks the figure as approximate ("~", "≈", "khoảng").
        scope: Where a rank is stated, as for targets.
        original: The text as written.
    """

    value: float
    unit: str | None
    numerator: float | None
    denominator: float | None
    approximate: bool
    scope: str | None
    original: str


@dataclass(frozen=True)
class ValuePeriod:
    """The period an actual refers to: a month, a quarter or a year."""

    grain: str  # "month", "quarter" or "year"
    start: date
    end: date
    label: str  # "2025-08", "2025-Q3", "2025"


def _unparseable(original: str, reason: str, **fields: object) -> ValueParseError:
    """``target_unparseable``, saying why with one of the rule's parts."""
    return ValueParseError.of("target_unparseable", text=original,
                              reason=part("target_unparseable", reason, **fields))


def _clean(text: str) -> str:
    """NFC, single spaces, no trailing full stop: the forms differ only in punctuation."""
    return normalize_text(text).replace("\n", " ").strip().rstrip(".").strip()


def _scope(text: str) -> str | None:
    return SCOPES.get(match_key(text))


def _unit(rest: str) -> tuple[str | None, str | None, str | None]:
    """Split what follows a number into ``(unit, qualifier, scope)``.

    "%/năm" is a growth rate; anything else after "%" says what the percentage is of.
    Parenthesised remarks are a scope when they name one, a qualifier otherwise.
    """
    scope, remarks = None, []
    for remark in _PAREN.findall(rest):
        found = _scope(remark)
        if found is not None and scope is None:
            scope = found
        elif remark.strip():
            remarks.append(remark.strip())
    head = _PAREN.sub(" ", rest)
    head = " ".join(head.split()).strip(" ,;")
    if head.startswith("%"):
        tail = head[1:].strip()
        if re.fullmatch(r"/\s*năm", tail, re.IGNORECASE):
            return "%/năm", "; ".join(remarks) or None, scope
        qualifier = "; ".join(part for part in (tail, *remarks) if part)
        return "%", qualifier or None, scope
    if head and _scope(head) is not None and scope is None:
        return None, "; ".join(remarks) or None, _scope(head)
    return head or None, "; ".join(remarks) or None, scope


def _number(text: str, original: str) -> float:
    try:
        return parse_number(text)
    except ValueParseError as error:
        raise ValueParseError.of("target_unparseable", text=original,
                                 reason=(error.message_vi, error.message_en)) from None


def _parse_part(part: str, original: str, year: int, position: int) -> Target:
    text = _FILLER.sub("", part.strip())
    top = _TOP.match(text)
    if top is not None:
        scope = _scope(top["rest"]) if top["rest"] else None
        if top["rest"] and scope is None:
            raise ValueParseError.of("target_scope_unknown", text=original, scope=top["rest"])
        return Target("rank_top", _number(top["num"], original), None, "rank", scope, None,
                      year, original, position)
    level = _LEVEL.match(text)
    if level is None:
        raise _unparseable(original, "level")
    label = (level["label"] or "").strip()
    if label and level["cmp"] is None:
        raise _unparseable(original, "no_comparator", label=label)
    value = _number(level["num"], original)
    high = _number(level["high"], original) if level["high"] else None
    unit, qualifier, scope = _unit(level["rest"])
    if label:
        if match_key(label) not in INDEX_LABELS:
            raise _unparseable(original, "unknown_label", label=label)
        unit, qualifier = unit or "index", label
    if unit is None:
        if scope is None:
            raise ValueParseError.of("target_unit_missing", text=original)
        unit = "rank"  # a bare number against a geographic scope is a position in a ranking
    if high is not None:
        if level["cmp"] is not None or high <= value:
            raise _unparseable(original, "range")
        return Target("between", value, high, unit, scope, qualifier, year, original, position)
    comparator = _COMPARATOR_SIGNS[level["cmp"]] if level["cmp"] else "="
    return Target(comparator, value, None, unit, scope, qualifier, year, original, position)


def parse_targets(text: str, default_year: int | None) -> list[Target]:
    """Read a target text into its measurable parts.

    Args:
        text: The target as written, e.g. "top 3 Đông Nam Á, top 50 thế giới".
        default_year: Year the target is due when the text names none (2030 for most
            Resolution 57 targets); a year in the text ("(Đến năm 2045)") wins.

    Returns:
        One :class:`Target` per part, in the order written.

    Raises:
        ValueParseError: ``target_missing`` for an empty cell, ``target_qualitative`` for a
            target with no figure at all (it can only be assessed by hand),
            ``target_year_missing``, ``target_unit_missing``, ``target_scope_unknown`` or
            ``target_unparseable``.
    """
    original = _clean(text) if isinstance(text, str) else ""
    if not original:
        raise ValueParseError.of("target_missing")
    body = original
    year = default_year
    found = _YEAR_REMARK.search(body)
    if found is not None:
        year = int(found["year"])
        body = (body[: found.start()] + " " + body[found.end():]).strip()
    if not re.search(r"\d", body):
        raise ValueParseError.of("target_qualitative", text=original)
    if year is None:
        raise ValueParseError.of("target_year_missing", text=original)
    parts = [piece for piece in _PART_SPLIT.split(body) if piece.strip()]
    return [_parse_part(piece, original, year, index) for index, piece in enumerate(parts, 1)]


def parse_target(text: str, default_year: int | None) -> Target:
    """Read a target text that must hold exactly one part (see :func:`parse_targets`).

    Raises:
        ValueParseError: As :func:`parse_targets`, or ``target_several_parts``.
    """
    parts = parse_targets(text, default_year)
    if len(parts) != 1:
        raise ValueParseError.of("target_several_parts", text=parts[0].original,
                                 count=len(parts))
    return parts[0]


# --------------------------------------------------------------------------------------------
# Actuals

_NO_DATA_KEYS = ("chuacosolieu", "khongcosolieu", "chuacodulieu", "khongcodulieu")
_APPROX = r"(?P<approx>~|≈|khoảng\s+|xấp xỉ\s+)?"
_ACTUAL_FIGURE = re.compile(
    rf"^{_APPROX}(?:(?P<label>[^\W\d_]+)\s+)?(?P<num>{_NUMBER})\s*(?P<rest>(?:%|[^\W\d_])[^()]*?)?\s*"
    r"(?:\((?P<paren>[^()]*)\))?$", re.IGNORECASE)
_ACTUAL_RANK = re.compile(
    rf"^(?:xếp\s+)?(?:hạng|thứ)\s+(?P<num>\d+)(?:\s*/\s*(?P<of>{_NUMBER}))?\s*(?P<rest>.*)$",
    re.IGNORECASE)
_PROSE_PERCENT = re.compile(
    rf"(?<![\d.,/]){_APPROX}(?P<num>{_NUMBER})\s*%(?!\s*/\s*năm)(?:\s*\((?P<paren>[^()]*)\))?",
    re.IGNORECASE)


def _actual_number(text: str, original: str) -> float:
    """A figure of an actual; an unreadable one is the actual's problem, as documented."""
    try:
        return parse_number(text)
    except ValueParseError as error:
        raise ValueParseError.of("actual_unparseable", text=original,
                                 reason=(error.message_vi, error.message_en)) from None


def _ratio(paren: str | None) -> tuple[float, float] | None:
    if not paren or "/" not in paren:
        return None
    try:
        return parse_ratio(paren)
    except ValueParseError:
        return None


def _check_ratio(value: float, unit: str | None, ratio: tuple[float, float] | None,
                 text: str, digits: str) -> None:
    """A percentage given with its counts must agree with them (to its own rounding)."""
    if ratio is None or unit != "%" or ratio[1] == 0:
        return
    decimals = len(digits.split(",")[1]) if "," in digits else 0
    if abs(ratio[0] / ratio[1] * 100 - value) > 0.5 * 10 ** -decimals + 1e-9:
        raise ValueParseError.of(
            "actual_ratio_mismatch", text=text,
            rate=(fmt_number(value, decimals), f"{value:.{decimals}f}"),
            done=(fmt_number(ratio[0]), f"{ratio[0]:,.0f}"),
            total=(fmt_number(ratio[1]), f"{ratio[1]:,.0f}"))


def parse_actual(text: Any) -> Actual | None:
    """Read the figure of an indicator's actual.

    Accepted: a figure with its unit ("86,97%", "~150 Tbps", "HDI 0,766"), optionally with
    its counts in brackets ("52,57% (144.857/275.571 hồ sơ)", checked against the rate); a
    rank ("hạng 44/132", "thứ 16 toàn cầu"); or prose holding exactly one percentage
    ("Đạt 3% tổng chi ngân sách nhà nước năm 2025"). "Chưa có số liệu" (and "không có số
    liệu") means no data and returns None, never zero.

    Args:
        text: The cell text.

    Returns:
        The actual, or None when the text says there is no data.

    Raises:
        ValueParseError: ``actual_missing``, ``actual_ambiguous`` (prose with several
            percentages), ``actual_ratio_mismatch`` or ``actual_unparseable``.
    """
    missing = ValueParseError.of("actual_missing")
    if isinstance(text, int | float) and not isinstance(text, bool):
        # Through parse_number, so that a NaN cell is missing and an infinite or oversized
        # figure is refused instead of stored as infinity (or crashing float()).
        if is_blank(text):
            raise missing
        try:
            value = parse_number(text)
        except ValueParseError as error:
            raise ValueParseError.of("actual_unparseable", variant="figure",
                                     reason=(error.message_vi, error.message_en)) from None
        return Actual(value, None, None, None, False, None, str(text))
    original = _clean(text) if isinstance(text, str) else ""
    if not original:
        raise missing
    key = match_key(original)
    if key.startswith(_NO_DATA_KEYS):
        return None
    rank = _ACTUAL_RANK.match(original)
    if rank is not None:
        of = _actual_number(rank["of"], original) if rank["of"] else None
        return Actual(float(rank["num"]), "rank", None, of, False,
                      _scope(rank["rest"]) if rank["rest"] else None, original)
    figure = _ACTUAL_FIGURE.match(original)
    if figure is not None and (figure["label"] is None
                               or match_key(figure["label"]) in INDEX_LABELS):
        value = _actual_number(figure["num"], original)
        ratio = _ratio(figure["paren"])
        remark = "" if ratio or not figure["paren"] else f" ({figure['paren']})"
        unit, _qualifier, scope = _unit((figure["rest"] or "") + remark)
        if figure["label"] is not None:
            unit = unit or "index"
        _check_ratio(value, unit, ratio, original, figure["num"])
        return Actual(value, unit, ratio[0] if ratio else None, ratio[1] if ratio else None,
                      figure["approx"] is not None, scope, original)
    found = list(_PROSE_PERCENT.finditer(original))
    if len(found) > 1:
        raise ValueParseError.of("actual_ambiguous", text=original, count=len(found))
    if not found:
        raise ValueParseError.of("actual_unparseable", text=original,
                                 reason=part("actual_unparseable", "no_figure"))
    match = found[0]
    value = _actual_number(match["num"], original)
    ratio = _ratio(match["paren"])
    _check_ratio(value, "%", ratio, original, match["num"])
    return Actual(value, "%", ratio[0] if ratio else None, ratio[1] if ratio else None,
                  match["approx"] is not None, None, original)


_PERIOD_MONTH = re.compile(r"^(?:thang\s+)?(\d{1,2})\s*/\s*(\d{4})$")
_PERIOD_QUARTER = re.compile(r"^quy\s+([ivx]+|[1-4])\s*/\s*(\d{4})$")
_PERIOD_YEAR = re.compile(r"^(?:nam\s+)?(\d{4})$")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_value_period(text: Any) -> ValuePeriod:
    """Read the period an actual refers to: "8/2025", "Tháng 8/2025", "Quý III/2025", "2024".

    Raises:
        ValueParseError: ``period_unparseable`` for anything else (a date range, a month
            without a year), since a series needs periods that order without guessing.
    """
    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):  # "8/2025" typed into Excel becomes the month's first day
        last = calendar.monthrange(text.year, text.month)[1]
        return ValuePeriod("month", text.replace(day=1), text.replace(day=last),
                      f"{text.year}-{text.month:02d}")
    shown = normalize_text(display_value(text)) if text is not None else ""
    folded = " ".join(fold_diacritics(shown).split())
    # A year typed as a number (2024 or 2024.0); larger numbers cannot be one, and the
    # digits of a huge int are never spelled out.
    if isinstance(text, int | float) and abs(text) < 10_000 and float(text).is_integer():
        folded = str(int(text))
    # The calendar has no year 0: "tháng 12/0000" is unreadable, not a crash.
    if m := _PERIOD_MONTH.match(folded):
        month, year = int(m[1]), int(m[2])
        if 1 <= month <= 12 and year >= 1:
            last = calendar.monthrange(year, month)[1]
            return ValuePeriod("month", date(year, month, 1), date(year, month, last),
                          f"{year}-{month:02d}")
    elif m := _PERIOD_QUARTER.match(folded):
        quarter, year = _QUARTERS.get(m[1]), int(m[2])
        if quarter is not None and year >= 1:
            key = f"{year:04d}-Q{quarter}"
            return ValuePeriod("quarter", *quarter_bounds(key), key)
    elif (m := _PERIOD_YEAR.match(folded)) and int(m[1]) >= 1:
        year = int(m[1])
        return ValuePeriod("year", date(year, 1, 1), date(year, 12, 31), str(year))
    raise ValueParseError.of("period_unparseable", text=shown)


# --------------------------------------------------------------------------------------------
# Results as a document prints them: prose, read only where it states one figure

# Words that make what follows a plan or a forecast, not a result.
_FORECAST = re.compile(r"(?<!\w)(?:đang|dự kiến|sẽ|mục tiêu|tiến tới|hướng tới|kế hoạch|"
                       r"phấn đấu)(?!\w)", re.IGNORECASE)
_BREAKDOWN = re.compile(r"[,;]?\s*trong đó\b.*$", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,;.:(]\s")
_REACHED = re.compile(r"(?:đạt|là)\s*(?:tỷ lệ\s*)?:?\s*$", re.IGNORECASE)
_PRINTED_RANK = re.compile(
    r"(?:xếp\s+)?(?:hạng|vị trí thứ|thứ)\s+(?P<num>\d+)"
    r"(?:\s*/\s*(?P<of>\d+)|\s+trên\s+(?:tổng số\s+)?(?P<over>\d+))?", re.IGNORECASE)
_PRINTED_INDEX = re.compile(r"(?:đạt|là)\s+(?P<num>\d+,\d+)", re.IGNORECASE)
_PRINTED_MONTH = re.compile(r"(?<![\d/.,])(?:(\d{1,2})\s*/\s*|tháng\s+(\d{1,2})\s+năm\s+)(\d{4})"
                            r"(?![\d/])", re.IGNORECASE)
_PRINTED_YEAR = re.compile(r"(?:năm|đến|tới)\s+((?:19|20)\d{2})(?!\s*/)", re.IGNORECASE)
_SHOWN = 120  # a long result is cut in messages; the row's cell holds all of it


@dataclass(frozen=True)
class PrintedResult:
    """A printed result: its figure (None for no data) and the period it is for."""

    actual: Actual | None
    period: ValuePeriod


def _kept_as_text(text: str, reason: str, **fields: object) -> ValueParseError:
    shown = text if len(text) <= _SHOWN else text[:_SHOWN].rstrip() + "…"
    return ValueParseError.of("actual_kept_as_text", text=shown,
                              reason=part("actual_kept_as_text", reason, **fields))


def _month_period(year: int, month: int) -> ValuePeriod:
    last = calendar.monthrange(year, month)[1]
    return ValuePeriod("month", date(year, month, 1), date(year, month, last),
                       f"{year}-{month:02d}")


def printed_period(text: str, as_of: date) -> ValuePeriod:
    """The period a printed result names ("Tháng 8/2025", "năm 2024"), else its as-of month.

    A month is preferred to a year, and a period that had not begun on the as-of date (a
    target year, a forecast) is not the result's.
    """
    for match in _PRINTED_MONTH.finditer(text):
        month, year = int(match[1] or match[2]), int(match[3])
        if 1 <= month <= 12 and date(year, month, 1) <= as_of:
            return _month_period(year, month)
    for match in _PRINTED_YEAR.finditer(text):
        year = int(match[1])
        if date(year, 1, 1) <= as_of:
            return ValuePeriod("year", date(year, 1, 1), date(year, 12, 31), str(year))
    return _month_period(as_of.year, as_of.month)


def _outside_brackets(text: str, position: int) -> bool:
    return text.count("(", 0, position) <= text.count(")", 0, position)


def _is_forecast(text: str, position: int) -> bool:
    """Whether the clause a figure stands in plans or forecasts it ("đang xây dựng 5 sàn")."""
    starts = [match.end() for match in _CLAUSE_START.finditer(text, 0, position)]
    return _FORECAST.search(text, starts[-1] if starts else 0, position) is not None


def _unit_figures(text: str, unit: str) -> list[tuple[int, Actual]]:
    """Every figure of ``unit`` the text states, with where it starts."""
    found: list[tuple[int, Actual]] = []
    if unit == "%":
        for match in _PROSE_PERCENT.finditer(text):
            ratio = _ratio(match["paren"])
            found.append((match.start(), Actual(
                _actual_number(match["num"], text), "%", ratio[0] if ratio else None,
                ratio[1] if ratio else None, match["approx"] is not None, None, text)))
    elif unit == "rank":
        for match in _PRINTED_RANK.finditer(text):
            of = match["of"] or match["over"]
            found.append((match.start(), Actual(float(match["num"]), "rank", None,
                                                float(of) if of else None, False, None, text)))
    elif unit == "index":
        found.extend((match.start("num"), Actual(_actual_number(match["num"], text), "index",
                                                 None, None, False, None, text))
                     for match in _PRINTED_INDEX.finditer(text))
    else:
        pattern = re.compile(rf"(?<![\d.,]){_APPROX}(?P<num>{_NUMBER})\s*{re.escape(unit)}"
                             r"(?!\w)", re.IGNORECASE)
        found.extend((match.start(), Actual(_actual_number(match["num"], text), unit, None,
                                            None, match["approx"] is not None, None, text))
                     for match in pattern.finditer(text))
    return found


def parse_printed_result(text: Any, unit: str | None, as_of: date) -> PrintedResult:
    """Read a result as a document prints it, in the unit of the indicator's target.

    Printed results are prose: "Chưa có số liệu trực tiếp…", "Tháng 8/2025, Tỷ lệ …: 39,71%,
    trong đó khối bộ…", "Năm 2023, tổng dung lượng … đạt ~150 Tbps". Only the first line is
    the result (later lines are context). A figure is read when that line states exactly one
    in the target's unit outside brackets, a breakdown ("trong đó …") and plans ("đang",
    "dự kiến", "mục tiêu"), or exactly one after "đạt"; its period is the one the line names,
    else the as-of month. "Chưa có số liệu", "Chưa đến mốc…" and a blank cell are no data.

    Args:
        text: The result cell.
        unit: The target's unit (:class:`Target`), None when the target has no figure.
        as_of: The date the results are as of (the column header's date).

    Returns:
        The figure (None for no data) and its period.

    Raises:
        ValueParseError: ``actual_kept_as_text`` when the text states no such figure, or
            several: the caller keeps the text as no data and warns.
    """
    original = normalize_text(text) if isinstance(text, str) else ""
    first = original.strip().split("\n")[0].strip()
    as_of_month = _month_period(as_of.year, as_of.month)
    if not first or match_key(first).startswith((*_NO_DATA_KEYS, "chuadenmoc")):
        return PrintedResult(None, as_of_month)
    if unit is None:
        raise _kept_as_text(first, "no_target")
    if _FORECAST.match(first):
        raise _kept_as_text(first, "forecast")
    head = _BREAKDOWN.sub("", first)
    figures = [(start, actual) for start, actual in _unit_figures(head, unit)
               if _outside_brackets(head, start) and not _is_forecast(head, start)]
    count = len(figures)
    if count > 1:
        figures = [(start, actual) for start, actual in figures
                   if _REACHED.search(head[:start].rstrip(" ~≈"))]
    if len(figures) != 1:
        raise _kept_as_text(first, "several" if count > 1 else "no_figure", unit=unit,
                            count=count)
    (_, actual), = figures
    return PrintedResult(actual, printed_period(first, as_of))
