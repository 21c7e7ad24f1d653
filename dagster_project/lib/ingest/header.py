"""Find a sheet's header row and the contract it belongs to, before any row is parsed.

A sheet is classified by its header: the contract whose column names explain most of the
header cells wins. Every one of the ~11 contracts is tried at every one of the first rows,
as a one-row and a two-row header, so the header cells are normalised once per sheet in a
:class:`HeaderGrid` and each contract then only looks its match keys up in a dict
(:attr:`~dagster_project.lib.ingest.contracts.Contract.columns_by_key`). Normalising the
same cells again for each contract and height was a third of a run's CPU.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

from dagster_project.lib.ingest.contracts import ColumnSpec, Contract
from dagster_project.lib.text.values import is_blank
from dagster_project.lib.text.vntext import match_key, normalize_text

Candidate = tuple[str, str]
"""A header text as written (normalised) and its match key."""

_DATE = r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|(?:tháng\s*)?\d{1,2}\s*/\s*\d{4}|năm\s+\d{4}"
_DOCUMENT = (r"(?:đề\s*án|nghị\s*quyết|quyết\s*định|kế\s*hoạch|chương\s*trình|chỉ\s*thị|"
             r"thông\s*báo|công\s*văn|nq|qđ|kh|ct|tb)\s*(?:số\s*)?[\w./-]*\d[\w./-]*")
# Outside brackets only a document's own kind names it ("Kinh phí kế hoạch 2025" is a name).
_DOCUMENT_BARE = (r"(?:đề\s*án|nghị\s*quyết|quyết\s*định|chỉ\s*thị|thông\s*báo|nq|qđ)\s*"
                  r"(?:số\s*)?[\w./-]*\d[\w./-]*")
# What a header may carry after its name: "(tính đến 23/9/2025)", "(theo Nghị quyết
# 71/NQ-CP)", "đến tháng 9/2025", "Đề án 06". Stripped, the name matches its alias.
_SUFFIXES = (
    re.compile(r"\s*\(([^()]*(?:\d{4}|" + _DOCUMENT + r")[^()]*)\)\s*$", re.IGNORECASE),
    re.compile(r"\s+((?:tính\s+)?(?:đến|tới|tại)\s+(?:hết\s+)?(?:ngày\s+)?(?:" + _DATE
               + r"))\s*$", re.IGNORECASE),
    re.compile(r"\s+((?:của\s+|theo\s+)?" + _DOCUMENT_BARE + r")\s*$", re.IGNORECASE),
)
_DAY = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{4})")


def _suffix_date(suffix: str) -> date | None:
    """The date a header suffix states: a day as written, a month as its last day."""
    if (day := _DAY.search(suffix)) is not None:
        try:
            return date(int(day[3]), int(day[2]), int(day[1]))
        except ValueError:
            return None
    if (month := _MONTH.search(suffix)) is not None and 1 <= int(month[1]) <= 12:
        year, number = int(month[2]), int(month[1])
        return date(year, number, calendar.monthrange(year, number)[1])
    return None


@lru_cache(maxsize=4096)
def header_suffix(text: str) -> tuple[str, date | None]:
    """A header's name without the date or document it carries, and that suffix's date.

    Documents print a column's header with its as-of date or source document ("Kết quả
    thực hiện Đề án 06 (tính đến 23/9/2025)"). The name alone is what a contract's alias
    says, and the date belongs to every figure of the column, so both are kept: the name
    for matching, the date as metadata. A header without such a suffix is returned as it is.
    """
    name, found = text, None
    stripped = True
    while stripped:
        stripped = False
        for pattern in _SUFFIXES:
            match = pattern.search(name)
            if match is not None and match.start() > 0:
                found = found or _suffix_date(match[1])
                name, stripped = name[: match.start()].rstrip(" ,:-–"), True
    return name, found


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is and which contract column each sheet column holds."""

    row_index: int  # first header row (0-based); the title block is above it
    height: int  # 1, or 2 for a header split over two rows ("Cơ quan" / "chủ trì")
    columns: dict[int, ColumnSpec]
    labels: dict[int, str]  # header text as written, for messages
    unknown: dict[int, str]
    missing: tuple[ColumnSpec, ...]

    @cached_property
    def names(self) -> dict[str, str]:
        """Header text as written, by contract column name."""
        return {spec.name: self.labels[index] for index, spec in self.columns.items()}

    @cached_property
    def dates(self) -> dict[str, date]:
        """The date a column's header carries ("(tính đến 23/9/2025)"), by column name."""
        return {name: found for name, label in self.names.items()
                if (found := header_suffix(label)[1]) is not None}

    @property
    def first_data_row(self) -> int:
        """Index of the first row below the header."""
        return self.row_index + self.height

    @property
    def excel_row(self) -> int:
        """1-based row number of the (first) header row, as Excel shows it."""
        return self.row_index + 1


def cell_text(value: Any) -> str:
    """A cell as display text (what the agency sees), for headers, messages and text columns.

    A number typed into a cell shows with the Vietnamese decimal comma ("63,76"), as Excel
    displays it on the agency's machine, so text columns read as numbers later (indicator
    results) get the notation they expect.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and "e" not in repr(value):
        return repr(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


def _stripped_key(text: str) -> str | None:
    """The match key of a header without its date or document suffix; None without one."""
    name, _ = header_suffix(text)
    return match_key(name) if name != text and name else None


class HeaderGrid:
    """The top rows of a sheet with every header candidate normalised once.

    ``candidates(index, height)`` gives, per column position, the texts a header starting
    at row ``index`` and ``height`` rows tall could mean there: for two rows, both rows
    joined ("Cơ quan" + "chủ trì"), then each row alone (a merged group cell above, or a
    label merged down two rows).
    """

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows = rows
        self._cells: dict[int, list[Candidate]] = {}
        self._candidates: dict[tuple[int, int], list[tuple[int, list[Candidate]]]] = {}
        self._keys: dict[tuple[int, int], frozenset[str]] = {}

    def _row(self, index: int) -> list[Candidate]:
        """Each cell of a row as text and match key ("" for a blank cell)."""
        cells = self._cells.get(index)
        if cells is None:
            row = self.rows[index] if index < len(self.rows) else ()
            texts = ["" if is_blank(value) else cell_text(value) for value in row]
            cells = [(text, match_key(text) if text else "") for text in texts]
            self._cells[index] = cells
        return cells

    def candidates(self, index: int, height: int) -> list[tuple[int, list[Candidate]]]:
        """Header texts and their match keys, per column position, for one candidate header.

        Rows are joined with a space, and a match key drops spaces and is computed letter
        by letter, so the key of two rows joined is their keys joined: no cell is folded
        twice.
        """
        found = self._candidates.get((index, height))
        if found is not None:
            return found
        lines = [self._row(i) for i in range(index, min(index + height, len(self.rows)))]
        width = max((len(line) for line in lines), default=0)
        found = []
        for position in range(width):
            parts = [line[position] for line in lines if position < len(line)]
            parts = [part for part in parts if part[0]]
            if not parts:
                continue
            joined = (" ".join(text for text, _ in parts), "".join(key for _, key in parts))
            texts = [joined, *parts]
            texts += [(text, stripped) for text, _ in texts
                      if (stripped := _stripped_key(text)) is not None]
            found.append((position, list({key: (text, key) for text, key in texts}.values())))
        self._candidates[(index, height)] = found
        return found

    def keys(self, index: int, height: int) -> frozenset[str]:
        """Every match key a candidate header holds, to skip contracts it cannot be.

        Built from the rows' keys alone (and, for two rows, each position's keys joined),
        without the candidate lists: most candidate headers are title lines or data rows
        that no contract's required column names, and are never matched.
        """
        keys = self._keys.get((index, height))
        if keys is None:
            lines = [self._row(i) for i in range(index, min(index + height, len(self.rows)))]
            found = {key for line in lines for _, key in line if key}
            found.update(stripped for line in lines for text, key in line
                         if key and (stripped := _stripped_key(text)) is not None)
            if len(lines) == 2:
                first, second = lines
                found.update(first[position][1] + second[position][1]
                             for position in range(min(len(first), len(second)))
                             if first[position][1] and second[position][1])
            keys = self._keys[(index, height)] = frozenset(found)
        return keys


def match_header(grid: HeaderGrid, index: int, height: int, contract: Contract) -> Header | None:
    """Map the cells of a candidate header (one or two rows) to contract columns.

    Each position takes the first of its texts that names a contract column not already
    taken, in the contract's column order; a position none of its texts explains is an
    unknown header cell.
    """
    by_key = contract.columns_by_key
    columns: dict[int, ColumnSpec] = {}
    labels: dict[int, str] = {}
    unknown: dict[int, str] = {}
    taken: set[str] = set()
    for position, texts in grid.candidates(index, height):
        found = next(((text, spec) for text, key in texts for spec in by_key.get(key, ())
                      if spec.name not in taken), None)
        if found is None:
            unknown[position] = texts[0][0]
        else:
            labels[position], columns[position] = found
            taken.add(found[1].name)
    if not columns:
        return None
    missing = tuple(c for c in contract.required_columns if c.name not in taken)
    return Header(index, height, columns, labels, unknown, missing)


def find_header(rows: Sequence[Sequence[Any]],
                contracts: Iterable[Contract]) -> tuple[Contract, Header] | None:
    """The contract and header rows that best explain a sheet.

    Scored by how much of the header the contract explains (columns it knows, less header
    cells it does not), then by the share of its required columns found; a two-row header is
    chosen only when it explains more than its first row alone. Explaining the header comes
    first so that a file missing one required column is judged against its own contract
    (and told which column is missing) rather than accepted under a looser contract whose
    required columns happen to be present: an allocation export without its estimate column
    is not a disbursement export.
    """
    grid = HeaderGrid(rows)
    contracts = list(contracts)
    deepest = min(max((c.header_search_rows for c in contracts), default=0), len(rows))
    # Every candidate header's keys, once, in the order each contract tries them.
    candidates = [(index, height, grid.keys(index, height))
                  for index in range(deepest) for height in (1, 2)]
    best: tuple[int, float, int, Contract, Header] | None = None
    for contract in contracts:
        required = len(contract.required_columns)
        required_keys = contract.required_keys
        for index, height, keys in candidates:
            if index >= contract.header_search_rows:
                break
            if required_keys.isdisjoint(keys):
                continue  # names none of its required columns: cannot be this table
            header = match_header(grid, index, height, contract)
            if header is None or len(header.missing) == required:
                continue  # no required column: not this contract's table
            score = (len(header.columns) - len(header.unknown),
                     (required - len(header.missing)) / required, -height)
            if best is None or score > best[:3]:
                best = (*score, contract, header)
    if best is None:
        return None
    return best[3], best[4]
