"""What a scorecard is made of, independent of the format it is written in.

Every table the reader sees is a :class:`Table` of raw values (numbers stay numbers, a
missing value stays ``None``) with typed :class:`Column` s. The HTML and PDF writers format
the values for the reader's language; the XLSX writer stores them as numbers with a number
format. Because both read the same objects, the workbook holds every table of the report by
construction, with the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from dagster_project.lib.reference.periods import parse_period
from dagster_project.lib.text.vnformat import (
    MISSING,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_period,
    fmt_pp_change,
    fmt_signed_int,
)

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

ColumnKind = Literal["text", "int", "number", "pct", "pp", "signed_int", "date", "status",
                     "trend"]
"""How a column's values are shown.

``pct`` values are ratios (0..1); ``pp`` values are differences of ratios, shown in
percentage points; ``number`` values keep ``Column.digits`` decimals; ``status`` values are
:class:`Status` objects (a band or a progress status: a code for colour and a text label,
so colour is never the only signal); ``trend`` values are :class:`Trend` objects (a small
line in HTML, its figures in words in the workbook).
"""


@dataclass(frozen=True, slots=True)
class Status:
    """A coloured status with its words: ``Status("green", "Tốt")``.

    ``code`` picks the colour and pattern (``green``, ``amber``, ``red``, ``missing``,
    ``na``); ``text`` is what is printed beside it, in the report's language.
    """

    code: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Trend:
    """A figure's series over the published quarters: an inline SVG line and its words.

    ``svg`` is drawn by :func:`~dagster_project.lib.publish.report.charts.sparkline`, which
    escapes every text it holds; ``text`` ("Quý I/2026: 67,5%; Quý II/2026: 84,8%") is what
    the workbook and any reader without the picture get.
    """

    svg: str
    text: str
    points: int

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: the row key it reads, its heading and how to show it."""

    key: str
    label: str
    kind: ColumnKind = "text"
    digits: int = 0
    """Decimals for ``number`` columns; for ``pct`` and ``pp`` the decimals of the percent."""
    source_text: bool = False
    """Text as the source documents write it (task, indicator and database names): it has
    no English in the reference, so the English edition shows it in Vietnamese, marked as
    such (``lang="vi"`` and "(in Vietnamese)" in the heading), rather than pretending."""
    digits_key: str | None = None
    """A row key whose value, when set, overrides ``digits`` for that row: a table whose rows
    are different figures (the headline) shows each with the precision of its source."""

    def digits_for(self, row: Mapping[str, Any] | None) -> int:
        """The decimals of this column in ``row``."""
        if row is not None and self.digits_key and row.get(self.digits_key) is not None:
            return int(row[self.digits_key])
        return self.digits


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the report; also one sheet of the workbook.

    Attributes:
        table_id: Stable identifier, e.g. ``ranking-province``; names the HTML anchor and,
            shortened, the workbook sheet.
        title: Caption in the report's language.
        columns: The columns, in order.
        rows: One mapping per row, keyed by ``Column.key``; ``None`` is a missing value.
        note: An optional line under the table (definitions, the missing-data rule).
        link_key: Optional row key holding a relative link for ``link_column`` (HTML only).
        screen_only: Left out of the print edition, which says where the list is.
        folded: Folded under its caption on the web page.
    """

    table_id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    note: str | None = None
    link_key: str | None = None
    screen_only: bool = False
    """A long list the HTML page and the workbook hold in full and the print edition only
    names (a body's every task would add hundreds of printed pages)."""
    folded: bool = False
    """Shown folded on the web page (its caption and row count open it): a list that backs
    a count above it, there to check against rather than to read first."""
    link_column: str = "agency"  # the column whose cell ``link_key`` links (HTML only)


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG chart with a text alternative (the table it is drawn from)."""

    chart_id: str
    title: str
    svg: str
    table_id: str | None = None
    table_title: str | None = None
    """The caption of the table the chart is drawn from, for the link under the chart."""


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a page: an introduction, then charts and tables in order."""

    section_id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    blocks: tuple[Table | Chart, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the HTML site (the scorecard, or one agency's page)."""

    page_id: str
    title: str
    sections: tuple[Section, ...]
    subtitle: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """One quarter's scorecard in one language."""

    lang: Lang
    period_key: str
    title: str
    main: Page
    agencies: tuple[Page, ...] = ()
    agency_tables: tuple[Table, ...] = ()
    """The per-agency tables in full (all agencies, with an agency column); each agency
    page shows its slice of them."""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        """Every table of the report once: the main page's, then the per-agency tables."""
        main = [block for section in self.main.sections for block in section.blocks
                if isinstance(block, Table)]
        seen = {t.table_id for t in main}
        return main + [t for t in self.agency_tables if t.table_id not in seen]


# --------------------------------------------------------------------------- formatting

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def _english_separators(text: str) -> str:
    """Swap the Vietnamese separators for English ones: ``1.245,5`` -> ``1,245.5``."""
    return text.translate(str.maketrans({".": ",", ",": "."}))


@dataclass(frozen=True, slots=True)
class Formatter:
    """Numbers, percentages, dates and periods as a reader of ``lang`` writes them.

    Vietnamese: ``1.245``; ``84,8%``; ``29/6/2026``; ``Quý II/2026``. English: ``1,245``;
    ``84.8%``; ``29 June 2026``; ``Q2 2026``. A missing value is an en dash in both.
    """

    lang: Lang = "vi"

    def _local(self, text: str) -> str:
        """Vietnamese formatting as is; English with the separators swapped."""
        return _english_separators(text) if self.lang == "en" and text != MISSING else text

    def number(self, value: int | float | Decimal | None, digits: int = 0) -> str:
        """A number with ``digits`` decimals (half-up)."""
        return self._local(fmt_number(value, digits))

    def int(self, value: int | float | Decimal | None) -> str:
        """A whole number."""
        return self._local(fmt_int(value))

    def pct(self, ratio: float | Decimal | None, digits: int = 1) -> str:
        """A ratio (0..1) as a percentage."""
        return self._local(fmt_pct(ratio, digits))

    def pp(self, delta: float | Decimal | None, digits: int = 1) -> str:
        """A change between two ratios, in percentage points, with its sign."""
        text = fmt_pp_change(delta, digits)
        if self.lang == "vi" or text == MISSING:
            return text
        return _english_separators(text.removesuffix(" điểm %")) + " pp"

    def signed_int(self, value: int | float | Decimal | None) -> str:
        """A change in a count: ``+45``, ``-3``, ``0``."""
        return self._local(fmt_signed_int(value))

    def date(self, value: date | None) -> str:
        """A date as the reader writes it: ``29/6/2026``; in English ``29 June 2026``."""
        if self.lang == "en" and value is not None:
            return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
        return fmt_date(value)

    def timestamp(self, value: datetime | None) -> str:
        """A moment: ``14:05 ngày 30/6/2026 (UTC+07:00)``; ``14:05 on 30 June 2026 (…)``."""
        if value is None or self.lang == "vi":
            return fmt_datetime(value)
        text = f"{value.hour:02d}:{value.minute:02d} on {self.date(value.date())}"
        vietnamese = fmt_datetime(value)
        return text + vietnamese[vietnamese.index(" (UTC"):] if " (UTC" in vietnamese else text

    def month(self, value: date | None) -> str:
        """A month: ``5/2026``; in English ``May 2026``."""
        if value is None:
            return MISSING
        if self.lang == "en":
            return f"{_MONTHS_EN[value.month - 1]} {value.year}"
        return f"{value.month}/{value.year}"

    def signed_number(self, value: int | float | Decimal | None, digits: int = 0) -> str:
        """A change in an amount with its sign and ``digits`` decimals: ``+12,5``."""
        if value is None:
            return MISSING
        text = self.number(value, digits)
        return text if text.startswith("-") or not any(ch in "123456789" for ch in text) \
            else f"+{text}"

    def period(self, period_key: str) -> str:
        """A quarter: ``Quý II/2026`` or ``Q2 2026``."""
        if self.lang == "vi":
            return fmt_period(period_key)
        year, quarter = parse_period(period_key)
        return f"Q{quarter} {year}"

    def cell(self, value: Any, column: Column, row: Mapping[str, Any] | None = None) -> str:
        """A table cell as text, by the column's kind (and the row's precision, if it has one)."""
        if value is None or (isinstance(value, float) and value != value):
            return MISSING
        kind = column.kind
        if kind in ("int", "number", "pct", "pp", "signed_int") and (
                isinstance(value, bool) or not isinstance(value, int | float | Decimal)):
            return str(value)  # a word in a figure column, e.g. "không áp dụng"
        if kind == "int":
            return self.int(value)
        digits = column.digits_for(row)
        if kind == "number":
            return self.number(value, digits)
        if kind == "pct":
            return self.pct(value, digits or 1)
        if kind == "pp":
            return self.pp(value, digits or 1)
        if kind == "signed_int":
            return self.signed_number(value, digits) if digits else self.signed_int(value)
        if kind == "date":
            return self.date(value)
        return str(value)
