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
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from dagster_project.lib.reference.periods import parse_period
from dagster_project.lib.text.vnformat import (
    MISSING,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_period,
    fmt_pp_change,
    fmt_signed_int,
)

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

ColumnKind = Literal["text", "int", "number", "pct", "pp", "signed_int", "date", "status"]
"""How a column's values are shown.

``pct`` values are ratios (0..1); ``pp`` values are differences of ratios, shown in
percentage points; ``number`` values keep ``Column.digits`` decimals; ``status`` values are
:class:`Status` objects (a band or a progress status: a code for colour and a text label,
so colour is never the only signal).
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
class Column:
    """One column of a table: the row key it reads, its heading and how to show it."""

    key: str
    label: str
    kind: ColumnKind = "text"
    digits: int = 0
    """Decimals for ``number`` columns; for ``pct`` and ``pp`` the decimals of the percent."""


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
    """

    table_id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    note: str | None = None
    link_key: str | None = None
    link_column: str = "agency"  # the column whose cell ``link_key`` links (HTML only)


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG chart with a text alternative (the table it is drawn from)."""

    chart_id: str
    title: str
    svg: str
    table_id: str | None = None


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

def _english_separators(text: str) -> str:
    """Swap the Vietnamese separators for English ones: ``1.245,5`` -> ``1,245.5``."""
    return text.translate(str.maketrans({".": ",", ",": "."}))


@dataclass(frozen=True, slots=True)
class Formatter:
    """Numbers, percentages, dates and periods as a reader of ``lang`` writes them.

    Vietnamese: ``1.245``; ``84,8%``; ``29/6/2026``; ``Quý II/2026``. English: ``1,245``;
    ``84.8%``; ``29/6/2026``; ``Q2 2026``. A missing value is an en dash in both.
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
        """A date without leading zeros: ``29/6/2026``."""
        return fmt_date(value)

    def period(self, period_key: str) -> str:
        """A quarter: ``Quý II/2026`` or ``Q2 2026``."""
        if self.lang == "vi":
            return fmt_period(period_key)
        year, quarter = parse_period(period_key)
        return f"Q{quarter} {year}"

    def cell(self, value: Any, column: Column) -> str:
        """A table cell as text, by the column's kind."""
        if value is None or (isinstance(value, float) and value != value):
            return MISSING
        kind = column.kind
        if kind in ("int", "number", "pct", "pp", "signed_int") and (
                isinstance(value, bool) or not isinstance(value, int | float | Decimal)):
            return str(value)  # a word in a figure column, e.g. "không áp dụng"
        if kind == "int":
            return self.int(value)
        if kind == "number":
            return self.number(value, column.digits)
        if kind == "pct":
            return self.pct(value, column.digits or 1)
        if kind == "pp":
            return self.pp(value, column.digits or 1)
        if kind == "signed_int":
            return self.signed_int(value)
        if kind == "date":
            return self.date(value)
        return str(value)
