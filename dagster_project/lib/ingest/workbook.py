"""Read a submitted file into plain rows of cell values, whatever its format.

Workbooks are read with python-calamine (0.46 s for 100k rows against 4.2 s for openpyxl
read-only here); formulas come back as their cached values and merged cells hold their value
in the top-left cell only. CSV files arrive in UTF-8 (with or without BOM), UTF-16 and
Windows-1258; the encoding is detected, never assumed.

Workbooks written by scripts (openpyxl, some report generators) store formulas without the
value Excel would have computed; calamine then returns nothing for those cells and the value
would silently vanish. :func:`uncached_formula_cells` finds such cells so they can be reported.

The same single pass over the workbook's XML (:func:`scan_workbook`) finds what the readers
would otherwise take on trust: two sheets with one name or one worksheet part (every row
would be read twice), links to other workbooks and DDE programs, and formulas that fetch
data from elsewhere (``WEBSERVICE``, ``RTD``): their cached values are all a reader sees.

Files are opened only as regular files, never through a link (see :mod:`.regular_files`).
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, iterparse

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from dagster_project.lib.ingest.regular_files import NotRegularFileError, open_regular
from dagster_project.lib.text.intake_rules import messages, part

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | CSV_SUFFIXES


class UnreadableFileError(ValueError):
    """The file cannot be read as a spreadsheet at all (wrong format, damaged, encrypted)."""

    rule = "file_unreadable"

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    @classmethod
    def of(cls, variant: str, /, **fields: object) -> UnreadableFileError:
        """The rejection worded as the ``file_unreadable`` variant ``variant`` of intake.yml."""
        return cls(*messages(cls.rule, variant=variant, **fields))


# Monthly reports are tens of kilobytes; a file this large is a mistake or an attack, and
# parsing it would hold the run. Raise with NQ57_MAX_FILE_MB when a source really is large.
DEFAULT_MAX_FILE_MB = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as rows of Python values (str, float, int, bool, date, datetime)."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False


def max_file_bytes() -> int:
    """The size above which a file is rejected unread."""
    return int(float(os.environ.get("NQ57_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)) * 1024 * 1024)


def _check_container(path: Path) -> None:
    """Reject, with a reason an agency can act on, files no reader should open."""
    suffix = path.suffix.lower()
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        magic = handle.read(8)
        is_zip = suffix in {".xlsx", ".xlsm", ".ods"} and zipfile.is_zipfile(handle)
    if size == 0:
        raise UnreadableFileError.of("empty")
    if size > max_file_bytes():
        limit = max_file_bytes() // (1024 * 1024)
        raise UnreadableFileError.of("too_large", size=f"{size / 1024 / 1024:.0f}", limit=limit)
    if suffix in {".xlsx", ".xlsm"} and magic == OLE_MAGIC:
        raise UnreadableFileError.of("encrypted")
    if suffix in {".xlsx", ".xlsm", ".ods"} and not is_zip:
        raise UnreadableFileError.of("not_a_zip")


def read_sheets(path: Path) -> list[Sheet]:
    """Every visible sheet of a workbook, or the single table of a CSV file."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        _check_container(path)
    if suffix in WORKBOOK_SUFFIXES:
        return _read_workbook(path)
    if suffix in CSV_SUFFIXES:
        return [Sheet(name=path.stem, rows=_read_csv(path))]
    raise UnreadableFileError.of(
        "unsupported_type", suffix=path.suffix or part("file_unreadable", "no_extension"))


def _read_workbook(path: Path) -> list[Sheet]:
    """Read through a handle opened without following links (calamine would follow them)."""
    try:
        with open_regular(path) as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
            sheets = []
            for sheet_meta in workbook.sheets_metadata:
                hidden = sheet_meta.visible != SheetVisibleEnum.Visible
                # Hidden sheets hold lookups and drafts; they are listed, not read.
                rows = [] if hidden else workbook.get_sheet_by_name(sheet_meta.name).to_python(
                    skip_empty_area=False)
                sheets.append(Sheet(sheet_meta.name, rows, hidden))
            return sheets
    except (UnreadableFileError, NotRegularFileError):
        raise
    except BaseException as error:  # calamine raises several unrelated types for damaged files
        # A Rust panic surfaces as pyo3's PanicException, which is not an Exception.
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        raise UnreadableFileError.of("reader_error",
                                     error=f"{type(error).__name__}: {error}") from error


def _decode(raw: bytes) -> str:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then Windows-1258."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1258")


def _read_csv(path: Path) -> list[list[Any]]:
    with open_regular(path) as handle:
        text = _decode(handle.read())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


# --- the workbook's structure: sheets, links and formulas ---------------------------------
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_EXTERNAL_LINK_PART = re.compile(r"^xl/externalLinks/[^/]+\.xml$", re.IGNORECASE)

# What a formula or link part reaches outside the workbook, in Vietnamese and English.
LINK_KIND_LABELS: dict[str, tuple[str, str]] = {
    "external_workbook": ("tham chiếu tới tệp khác", "reference to another workbook"),
    "dde": ("liên kết DDE (gọi chương trình khác)", "DDE link (calls another program)"),
    "ole": ("liên kết OLE (đối tượng của chương trình khác)",
            "OLE link (another program's object)"),
    "webservice": ("hàm WEBSERVICE (lấy dữ liệu từ Internet)",
                   "WEBSERVICE function (fetches data from the Internet)"),
    "filterxml": ("hàm FILTERXML (xử lý dữ liệu lấy từ Internet)",
                  "FILTERXML function (processes data fetched from the Internet)"),
    "rtd": ("hàm RTD (dữ liệu trực tiếp từ chương trình khác)",
            "RTD function (live data from another program)"),
}

# Text in double quotes is data, and a quoted sheet name may hold any character: both are
# blanked before a formula is searched for what it calls.
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_NAME = re.compile(r"'(?:[^']|'')*'")
# "[1]Sheet1!A1", "'[Book.xlsx]Sheet 1'!A1", "'C:\dir\[Book.xlsx]S'!A1", "[1]!Name"; not a
# table's structured reference ("Table1[Col]", "[@Col]"), which is never followed by "!".
_EXTERNAL_REF = re.compile(r"\[([^\[\]]+)\](?:[\w.]*|[^'\[\]]*')!")
_FETCHING_FUNCTION = re.compile(r"(?<![\w.])(?:_xlfn\.)?(WEBSERVICE|FILTERXML|RTD)\s*\(",
                                re.IGNORECASE)


@dataclass(frozen=True)
class DuplicateSheet:
    """A ``<sheet>`` entry that repeats an earlier one's name or worksheet part."""

    name: str
    first: str  # the earlier sheet's name
    part: str | None  # the worksheet part both point at; None when only the names clash


@dataclass(frozen=True)
class ExternalLink:
    """A link part of the workbook (``xl/externalLinks/…``): only its cached values are read."""

    part: str
    kind: str  # a key of LINK_KIND_LABELS
    target: str  # the other file or URL, "service|topic" of a DDE link, or ""


@dataclass(frozen=True)
class ExternalFormula:
    """A formula cell whose value comes from outside the workbook."""

    sheet: str
    row: int  # 0-based, as in Sheet.rows
    column: int  # 0-based
    formula: str  # without "="
    kind: str  # a key of LINK_KIND_LABELS

    @property
    def cell(self) -> str:
        """The cell's reference as Excel shows it ("C7")."""
        return f"{column_letters(self.column)}{self.row + 1}"


@dataclass
class WorkbookScan:
    """What one pass over an .xlsx workbook's XML found, for the checker to report."""

    # sheet name -> (row, column, formula) of formula cells without a cached value
    uncached: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    external_formulas: list[ExternalFormula] = field(default_factory=list)
    external_links: list[ExternalLink] = field(default_factory=list)
    duplicate_sheets: list[DuplicateSheet] = field(default_factory=list)


def _local(tag: str) -> str:
    """An element's name without its namespace (transitional and strict OOXML alike)."""
    return tag.rsplit("}", 1)[-1]


def _rel_id(element: Element) -> str | None:
    """The ``r:id`` of an element (``<sheet>``, ``<externalBook>``…), in either namespace."""
    return element.get(f"{{{_OFFICE_REL}}}id") or element.get(f"{{{_STRICT_REL}}}id")


def _column_index(letters: str) -> int:
    """0-based index of a column name ("A" → 0, "AA" → 26)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letters(index: int) -> str:
    """Column name of a 0-based index (0 → "A", 26 → "AA"), for messages naming a cell."""
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _relationships(archive: zipfile.ZipFile, part: str, *,
                   external: bool = False) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, zip member) of a package part ("" for the package itself).

    With ``external``, links that leave the package are kept, their target as written (a
    path or URL); they are never opened.
    """
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    with archive.open(rels) as stream:
        for _, element in iterparse(stream):
            if _local(element.tag) != "Relationship":
                continue
            target = element.get("Target", "")
            if element.get("TargetMode") == "External":
                if external:
                    found[element.get("Id", "")] = (element.get("Type", ""), target)
                continue
            # Targets are relative to the part's folder unless they start at the package root.
            member = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
            found[element.get("Id", "")] = (element.get("Type", ""), member)
    return found


def _workbook_entries(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The workbook part's sheets and external references, read in one pass.

    Returns:
        (sheet name, relationship type, zip member) of every ``<sheet>`` in tab order, and
        the zip member of each ``<externalReference>`` in order (formulas write the first as
        ``[1]``); "" where a relationship is missing.
    """
    workbook = next((member for kind, member in _relationships(archive, "").values()
                     if kind.endswith("/officeDocument")), "xl/workbook.xml")
    targets = _relationships(archive, workbook)
    sheets: list[tuple[str, str, str]] = []
    references: list[str] = []
    with archive.open(workbook) as stream:
        for _, element in iterparse(stream):
            name = _local(element.tag)
            if name == "sheet":
                kind, member = targets.get(_rel_id(element) or "", ("", ""))
                sheets.append((element.get("name", ""), kind, member))
            elif name == "externalReference":
                references.append(targets.get(_rel_id(element) or "", ("", ""))[1])
    return sheets, references


def _duplicate_sheets(entries: list[tuple[str, str, str]]) -> list[DuplicateSheet]:
    """Sheets that repeat a name (ignoring case, as Excel does) or a worksheet part.

    Excel never saves either; a reader keyed by sheet name then reads one sheet twice and
    every row counts double.
    """
    by_name: dict[str, str] = {}
    by_part: dict[str, str] = {}
    found: list[DuplicateSheet] = []
    for name, _, member in entries:
        key = unicodedata.normalize("NFC", name).casefold()
        if key in by_name:
            found.append(DuplicateSheet(name, by_name[key], None))
        elif member and member in by_part:
            found.append(DuplicateSheet(name, by_part[member], member))
        by_name.setdefault(key, name)
        if member:
            by_part.setdefault(member, name)
    return found


def _external_link(archive: zipfile.ZipFile, member: str) -> ExternalLink:
    """What a link part points at, from its first element; cached values are not read."""
    with archive.open(member) as stream:
        for _, element in iterparse(stream, events=("start",)):
            name = _local(element.tag)
            if name == "ddeLink":
                return ExternalLink(member, "dde", f"{element.get('ddeService', '')}|"
                                                  f"{element.get('ddeTopic', '')}")
            if name in {"externalBook", "oleLink"}:
                targets = _relationships(archive, member, external=True)
                target = targets.get(_rel_id(element) or "", ("", ""))[1]
                if name == "oleLink":
                    return ExternalLink(member, "ole",
                                        f"{element.get('progId', '')} {target}".strip())
                return ExternalLink(member, "external_workbook", target)
    return ExternalLink(member, "external_workbook", "")


def _external_links(archive: zipfile.ZipFile,
                    references: list[str]) -> tuple[list[ExternalLink], dict[str, str]]:
    """Every link part, and the kind of each by the index formulas use ("1" → "dde")."""
    names = archive.namelist()
    members = [m for m in references if m in names]
    members += [m for m in names if _EXTERNAL_LINK_PART.match(m) and m not in members]
    links = {member: _external_link(archive, member) for member in members}
    kinds = {str(index): links[member].kind
             for index, member in enumerate(references, start=1) if member in links}
    return list(links.values()), kinds


def formula_kind(formula: str, link_kinds: dict[str, str] | None = None) -> str | None:
    """What a formula reaches outside the workbook, or None for an ordinary formula.

    Args:
        formula: The formula text as stored, without "=".
        link_kinds: Kind of each external reference by index ("1" → "dde"), so that
            ``[1]!item`` is told apart as a DDE call or another workbook.

    Returns:
        "dde" (``cmd|' /C calc'!A0``), "webservice", "filterxml", "rtd", or the kind of the
        workbook link ("external_workbook" for ``[1]Sheet1!A1``); None otherwise.
    """
    if not any(mark in formula for mark in "[|("):
        return None
    code = _STRING_LITERAL.sub('""', formula)
    if "|" in _QUOTED_NAME.sub("''", code):  # formulas have no "|" operator: only DDE uses it
        return "dde"
    if function := _FETCHING_FUNCTION.search(code):
        return function[1].lower()
    if reference := _EXTERNAL_REF.search(code):
        return (link_kinds or {}).get(reference[1], "external_workbook")
    return None


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """A cheap byte scan: most submitted sheets hold no formula, and XML parsing costs more.

    Read in chunks with an overlap so a tag split across two chunks is still seen.
    """
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formula_cells(stream: IO[bytes]) -> Iterator[tuple[int, int, str, bool]]:
    """Yield (row, column, formula, has a cached value) of every formula cell, streaming."""
    shared: dict[str, str] = {}  # shared formula index -> the formula written on its anchor
    row, column = -1, -1
    formula: str | None = None
    value: str | None = None
    sheet_data: Element | None = None
    for event, element in iterparse(stream, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "sheetData":
                sheet_data = element
            elif name == "row":
                row = int(element.get("r", row + 2)) - 1  # r is optional: next row then
                column = -1
            elif name == "c":
                match = _CELL_REF.match(element.get("r", ""))
                row, column = ((int(match[2]) - 1, _column_index(match[1])) if match
                               else (row, column + 1))
                formula, value = None, None
            continue
        if name == "f":
            text = element.text or ""
            index = element.get("si")
            if element.get("t") == "shared" and index is not None:
                text = shared.setdefault(index, text) if text else shared.get(index, "")
            formula = text
        elif name == "v":
            value = element.text or ""
        elif name == "c":
            if formula is not None:
                # An empty <v/> is what generators write; Excel writes a cached empty string
                # as t="str" with an empty <v>, which is a real value.
                yield row, column, formula, value is not None and (
                    value != "" or element.get("t") == "str")
            element.clear()
        elif name == "row" and sheet_data is not None:
            sheet_data.clear()  # finished rows are not kept: memory stays flat


def _scan_sheet(archive: zipfile.ZipFile, sheet: str, member: str, scan: WorkbookScan,
                limit: int, link_kinds: dict[str, str]) -> None:
    """Add one worksheet's uncached and external formulas to ``scan``, up to ``limit`` each."""
    if not _has_formula(archive, member):
        return
    uncached: list[tuple[int, int, str]] = []
    external = 0
    with archive.open(member) as stream:
        for row, column, formula, cached in _formula_cells(stream):
            if not cached and len(uncached) < limit:
                uncached.append((row, column, formula))
            if external < limit and (kind := formula_kind(formula, link_kinds)):
                scan.external_formulas.append(ExternalFormula(sheet, row, column, formula, kind))
                external += 1
            if len(uncached) >= limit and external >= limit:
                break
    if uncached:
        scan.uncached[sheet] = uncached


def scan_workbook(path: Path, *, limit_per_sheet: int = 1000) -> WorkbookScan:
    """Read an .xlsx/.xlsm workbook's structure and formulas once, for what readers hide.

    Formula cells without a cached value read as empty, although the agency saw a value in
    Excel; shared formulas count, each cell of a shared range listed with the formula text
    of the range's anchor. Formulas that reach outside the workbook (another workbook, DDE,
    WEBSERVICE, RTD) and link parts are listed because only their cached values are read.
    Every worksheet is examined, hidden ones included (callers skip what :func:`read_sheets`
    marks hidden). A workbook with duplicate sheets is not examined further: it is rejected.
    Other formats are not examined and give an empty scan.

    Args:
        path: The submitted file.
        limit_per_sheet: Stop listing a sheet's cells of either kind after this many.

    Returns:
        The scan; rows and columns are 0-based, as in :attr:`Sheet.rows`, and formula text
        has no "=".

    Raises:
        UnreadableFileError: As :func:`read_sheets` does, or when the workbook's XML is damaged.
        NotRegularFileError: The path is not a regular file.
    """
    scan = WorkbookScan()
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return scan
    _check_container(path)
    try:
        with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
            entries, references = _workbook_entries(archive)
            scan.duplicate_sheets = _duplicate_sheets(entries)
            if scan.duplicate_sheets:
                return scan
            scan.external_links, link_kinds = _external_links(archive, references)
            names = set(archive.namelist())
            for sheet, kind, member in entries:
                if kind.endswith("/worksheet") and member in names:  # chart sheets: no cells
                    _scan_sheet(archive, sheet, member, scan, limit_per_sheet, link_kinds)
    except NotRegularFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ParseError, ValueError, OSError) as error:
        raise UnreadableFileError.of("damaged_structure",
                                     error=f"{type(error).__name__}: {error}") from error
    return scan


def uncached_formula_cells(path: Path, *,
                           limit_per_sheet: int = 1000) -> dict[str, list[tuple[int, int, str]]]:
    """Formula cells of an .xlsx/.xlsm workbook that have no cached value, per sheet.

    See :func:`scan_workbook`, which finds them together with the rest of its scan.

    Returns:
        Sheet name → ``(row, column, formula)`` with 0-based row and column, as in
        :attr:`Sheet.rows`, and the formula text without "="; sheets with none are left out.

    Raises:
        UnreadableFileError: As :func:`read_sheets` does, or when the workbook's XML is damaged.
    """
    return scan_workbook(path, limit_per_sheet=limit_per_sheet).uncached
