"""Parse one submitted file against the source contracts: rows to load, problems to report.

This is the single code path behind both ``nq57 check`` (validate without loading) and the
Dagster ingest assets (load what is valid, quarantine the rest). Every problem names the
file, sheet, row, column, raw value and rule, in Vietnamese and English; the rules and their
messages are data, in ``expectations/intake.yml``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dagster_project.lib.ingest.contracts import ColumnSpec, Contract, MetadataSpec
from dagster_project.lib.ingest.header import Header, find_header
from dagster_project.lib.ingest.header import cell_text as _text
from dagster_project.lib.ingest.regular_files import (
    KIND_LABELS,
    NotRegularFileError,
    file_sha256,
)
from dagster_project.lib.ingest.workbook import (
    LINK_KIND_LABELS,
    ExternalFormula,
    Sheet,
    UnreadableFileError,
    WorkbookScan,
    column_letters,
    read_sheets,
    scan_workbook,
)
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.deadlines import parse_deadline
from dagster_project.lib.text.intake_rules import Bilingual, intake_rule, messages, part
from dagster_project.lib.text.values import (
    ValueParseError,
    parse_date,
    parse_month,
    parse_number,
    parse_percent,
)
from dagster_project.lib.text.vntext import (
    LEGACY_ENCODING_NAMES,
    convert_legacy,
    detect_legacy_encoding,
    is_blank,
    legacy_candidate,
    match_key,
    normalize_text,
)

# A row whose first filled cell starts like this ends the table (signature block, notes).
FOOTER_KEYS = ("noinhan", "ghichu", "nguoilap", "thutruong", "botruong", "chutich", "daky",
               "tm", "kt", "giamdoc", "truongban")
REMARK = re.compile(r"\([^()]*\)")
# Yes/no cells as offices fill them ("Có", "x", "✓"), by match key.
BOOLEAN_WORDS = {"co": True, "x": True, "yes": True, "true": True, "dat": True, "1": True,
                 "khong": False, "no": False, "false": False, "chuadat": False, "0": False}
ROMAN_NUMERAL = re.compile(
    r"^(?=[IVXLC]+\.?$)(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission, located precisely enough for the agency to fix it."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message_vi: str
    message_en: str
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output and the quarantine table."""
        return asdict(self)

    @classmethod
    def of(cls, rule: str, file: str, sheet: str | None = None, row: int | None = None,
           column: str | None = None, value: str | None = None, /, *,
           severity: str | None = None, variant: str | None = None,
           **fields: object) -> Problem:
        """A problem of an intake rule, worded (and by default graded) by ``intake.yml``.

        The location is positional so that a message's fields may share its names (a
        message can name a ``sheet`` other than the one the problem is located in).

        Args:
            rule: The rule id.
            file: The file's name.
            sheet: The sheet the problem is in, if any.
            row: Its Excel row (1-based), if any.
            column: The column's header as the file wrote it, if any.
            value: The raw value, as the cell shows it.
            severity: Overrides the rule's severity where the context decides it.
            variant: One of the rule's variants; None for its main message.
            **fields: The values of the message's fields.
        """
        message_vi, message_en = messages(rule, variant=variant, **fields)
        return cls(file, sheet, row, column, value, rule, message_vi, message_en,
                   severity or intake_rule(rule).severity)

    @classmethod
    def rejecting(cls, error: ValueParseError | UnreadableFileError, file: str,
                  sheet: str | None = None, row: int | None = None, column: str | None = None,
                  value: str | None = None, severity: str | None = None) -> Problem:
        """A problem for what a reader rejected, with the messages its error carries."""
        return cls(file, sheet, row, column, value, error.rule, error.message_vi,
                   error.message_en, severity or intake_rule(error.rule).severity)


@dataclass
class ParsedSubmission:
    """What one file yields: its identity, the source it matched, rows and problems."""

    path: Path
    sha256: str
    source: str | None = None
    family: str | None = None
    table: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    child_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    key_rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (sheet, row)
    legacy_encodings: dict[str, str] = field(default_factory=dict)  # sheet -> encoding
    # sheet -> contract column name -> header text as written, for problems found later
    column_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # sheet -> contract column name -> the date its header carries ("(tính đến 23/9/2025)")
    header_dates: dict[str, dict[str, date]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Problems that reject a row or the file."""
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth telling the agency that do not stop loading."""
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def accepted(self) -> bool:
        """A file is accepted when it matched a source and nothing in it is an error."""
        return self.source is not None and not self.errors

    def _row_location(self, row: dict[str, Any], column: str,
                      value: Any) -> tuple[str | None, int | None, str, str | None]:
        """Where a parsed row's cell is: sheet, Excel row, header as written, raw value."""
        sheet = row.get("sheet_name")
        label = self.column_labels.get(sheet or "", {}).get(column, column)
        return sheet, row.get("row_number"), label, None if value is None else str(value)

    def row_problem(self, row: dict[str, Any], column: str, value: Any, rule: str, /, *,
                    severity: str | None = None, variant: str | None = None,
                    **fields: object) -> Problem:
        """A problem with a parsed row, found by a family's completion step.

        It is located like the contract's own problems: the row's sheet and Excel row, and
        the column's header as the file wrote it. ``fields`` fill the rule's message.
        """
        return Problem.of(rule, self.path.name, *self._row_location(row, column, value),
                          severity=severity, variant=variant, **fields)

    def row_rejection(self, row: dict[str, Any], column: str, value: Any,
                      error: ValueParseError, severity: str | None = None) -> Problem:
        """A problem with a parsed row whose text a parser rejected, located likewise."""
        return Problem.rejecting(error, self.path.name, *self._row_location(row, column, value),
                                 severity=severity)

    def quarantine_rows(self, check: Callable[[dict[str, Any]], list[Problem]]) -> None:
        """Remove every row for which ``check`` finds problems, recording those problems.

        Completion steps use it for rules the contract cannot state (a negative amount, a
        numerator above its base), so such rows are quarantined like a contract problem.
        """
        kept: list[dict[str, Any]] = []
        for row in self.rows:
            problems = check(row)
            if problems:
                self.problems.extend(problems)
            else:
                kept.append(row)
        self.rows = kept

    @property
    def rows_quarantined(self) -> int:
        """Distinct data rows rejected by at least one error."""
        return len({(p.sheet, p.row) for p in self.errors if p.row is not None})


@dataclass(frozen=True)
class _DecodedSheet:
    """A sheet with legacy-encoded text converted, and the cells as they were before."""

    sheet: Sheet
    encoding: str | None
    originals: dict[tuple[int, int], str]  # (row, column), 0-based -> text as submitted


def _decode_legacy(sheet: Sheet) -> _DecodedSheet:
    """Convert a sheet typed in TCVN3 (ABC), VNI or VISCII to Unicode.

    Older offices still type in pre-Unicode fonts: "Bé Khoa häc vµ C«ng nghÖ" is "Bộ Khoa học
    và Công nghệ" in TCVN3. The encoding is detected over the sheet's candidate cells together
    and only those cells are converted, so a Unicode template filled in with legacy text
    converts the typed cells and leaves the template's own text alone.
    """
    cells = [(r, c, value) for r, row in enumerate(sheet.rows) for c, value in enumerate(row)
             if isinstance(value, str) and legacy_candidate(value)]
    encoding = detect_legacy_encoding([value for _, _, value in cells])
    if encoding is None:
        return _DecodedSheet(sheet, None, {})
    rows = [list(row) for row in sheet.rows]
    originals: dict[tuple[int, int], str] = {}
    for r, c, value in cells:
        converted = convert_legacy(value, encoding)
        if converted != value:
            rows[r][c] = converted
            originals[(r, c)] = value
    return _DecodedSheet(Sheet(sheet.name, rows, sheet.hidden), encoding, originals)


def _original_text(value: Any) -> str | None:
    """The text of a cell exactly as submitted, when storing it normalised would change it."""
    return value if isinstance(value, str) and normalize_text(value) != value else None


def _shown(value: Any) -> str | None:
    """A problem's raw value as the agency sees the cell; None for an empty one."""
    return None if value is None else _text(value) or None


def _suggested(suggestions: Sequence[str]) -> Bilingual:
    """The "did you mean" part of ``agency_unknown``; nothing when no name is close."""
    names = ", ".join(suggestions)
    return part("agency_unknown", "hint", names=names) if names else ("", "")


class _SheetParser:
    """Parses the data rows of one sheet under one contract."""

    def __init__(self, submission: ParsedSubmission, sheet: Sheet, contract: Contract,
                 header: Header, directory: AgencyDirectory,
                 originals: dict[tuple[int, int], str] | None = None,
                 uncached: dict[tuple[int, int], str] | None = None) -> None:
        self.submission = submission
        self.sheet = sheet
        self.originals = originals or {}
        self.uncached = uncached or {}
        self.contract = contract
        self.header = header
        self.directory = directory
        self.metadata: dict[str, Any] = {}

    def problem(self, row: int | None, column: str | None, value: Any, rule: str, /, *,
                severity: str | None = None, variant: str | None = None,
                **fields: object) -> None:
        """Record a problem of an intake rule in this sheet; ``fields`` fill its message."""
        self.submission.problems.append(Problem.of(
            rule, self.submission.path.name, self.sheet.name, row, column, _shown(value),
            severity=severity, variant=variant, **fields))

    def rejection(self, row: int | None, column: str | None, value: Any,
                  error: ValueParseError, severity: str | None = None) -> None:
        """Record a value a parser rejected, with the parser's messages."""
        self.submission.problems.append(Problem.rejecting(
            error, self.submission.path.name, self.sheet.name, row, column, _shown(value),
            severity))

    def formula_problem(self, excel_row: int, column: str | None, formula: str) -> None:
        """A formula whose result was never saved reads as empty: the value would vanish."""
        self.problem(excel_row, column, f"={formula}", "formula_without_value")

    def check_title_formulas(self) -> None:
        """Title-block values (reporting body, month) can vanish the same way."""
        for (row, _column), formula in sorted(self.uncached.items()):
            if row < self.header.row_index:
                self.formula_problem(row + 1, None, formula)

    # --- title block -------------------------------------------------------------------
    def read_metadata(self) -> bool:
        """Read title-block values; False when a required one is missing or invalid."""
        title_lines = [
            _text(cell)
            for row in self.sheet.rows[: self.header.row_index]
            for cell in row
            if not is_blank(cell)
        ]
        ok = True
        # Agencies are resolved as of the report's date, so read dates first.
        for spec in sorted(self.contract.metadata, key=lambda spec: spec.type == "agency"):
            raw = next((m.group(1) for line in title_lines
                        if spec.pattern and (m := re.search(spec.pattern, line))), None)
            if raw is None and spec.header_column in self.header.dates:
                self.metadata[spec.name] = self.header.dates[spec.header_column]
                continue
            if raw is None:
                if spec.required:
                    ok = False
                    self.problem(None, spec.name, None, "metadata_missing", field=spec.name)
                continue
            try:
                self.metadata[spec.name] = self.parse_metadata(spec, raw.strip())
            except ValueParseError as error:
                ok = False
                self.rejection(None, spec.name, raw, error)
        return ok

    def parse_metadata(self, spec: MetadataSpec, raw: str) -> Any:
        if spec.type == "date":
            return parse_date(raw)
        if spec.type == "month":
            return parse_month(raw)
        if spec.type == "integer":
            return int(raw)
        if spec.type == "text":
            return raw
        return self.match_agency(raw)

    def match_agency(self, name: str) -> str:
        """One agency named in a cell, as of the report's date; unknown names suggest others."""
        ref = self.directory.match(name, self.metadata.get("as_of_date"))
        if ref.agency_id is None:
            raise ValueParseError.of("agency_unknown", name=name,
                                     hint=_suggested(ref.suggestions), role="")
        return ref.agency_id

    # --- data rows ---------------------------------------------------------------------
    def parse_rows(self) -> None:
        header = self.header
        key_index = next((i for i, c in header.columns.items() if c.name == self.contract.key),
                         None)
        group: str | None = None
        for index in range(header.first_data_row, len(self.sheet.rows)):
            row = self.sheet.rows[index]
            filled = [(i, cell) for i, cell in enumerate(row) if not is_blank(cell)]
            if not filled:
                continue
            has_key = key_index is not None and key_index < len(row) and not is_blank(
                row[key_index]) and self.looks_like_key(row[key_index])
            first_key = match_key(_text(filled[0][1]))
            if not has_key and len(filled) <= 2 and any(
                    first_key.startswith(k) for k in FOOTER_KEYS):
                break  # signature block or footnotes: the table has ended
            if not has_key and self.is_group_row(filled):
                group = _text(filled[-1][1])
                continue
            if self.is_repeated_header(row):
                continue
            self.submission.rows_read += 1
            self.parse_row(row, index + 1, group)

    def looks_like_key(self, value: Any) -> bool:
        """Whether a cell in the key column holds a key rather than a group heading."""
        pattern = self.contract.column(self.contract.key).pattern
        return pattern is None or re.fullmatch(pattern, _text(value).upper()) is not None

    def is_repeated_header(self, row: Sequence[Any]) -> bool:
        """A header row repeated further down (a new table section, a page break)."""
        labels = {match_key(label) for label in self.header.labels.values()}
        cells = {match_key(_text(cell)) for cell in row if not is_blank(cell)}
        return len(cells) >= 2 and len(cells & labels) >= max(2, len(cells) - 1)

    @staticmethod
    def is_group_row(filled: list[tuple[int, Any]]) -> bool:
        """Whether a row is a group heading ("I. ...", "NHIỆM VỤ CHUNG").

        A heading stands alone on its row, optionally after a Roman numeral.
        """
        first = _text(filled[0][1])
        return len(filled) == 1 or (len(filled) == 2 and ROMAN_NUMERAL.match(first) is not None)

    def parse_row(self, row: Sequence[Any], excel_row: int, group: str | None) -> None:
        record: dict[str, Any] = {}
        originals: dict[str, str] = {}
        agency_cells: list[tuple[ColumnSpec, str]] = []
        errors_before = len(self.submission.errors)
        for index, spec in sorted(self.header.columns.items(), key=lambda item: item[0]):
            value = row[index] if index < len(row) else None
            label = self.header.labels[index]
            original = self.originals.get((excel_row - 1, index)) or _original_text(value)
            if original is not None:
                originals[spec.name] = original
            formula = self.uncached.get((excel_row - 1, index))
            if formula is not None:
                self.formula_problem(excel_row, label, formula)
                continue
            if is_blank(value):
                if spec.type == "deadline" and spec.unparseable == "warn":
                    self.problem(excel_row, label, None, "deadline_missing",
                                 variant="task_kept")
                if spec.required and not spec.blank_allowed:
                    self.problem(excel_row, label, None, "required_value_missing",
                                 column=label)
                self.set_empty(record, spec)
                continue
            if spec.date_cells == "month" and isinstance(value, date):
                # Excel turned "8/2025" into the date 1/8/2025: the month is what was meant;
                # the date as the cell showed it is kept with the row.
                originals[spec.name] = _text(value)
                value = f"{value.month}/{value.year}"
            try:
                self.set_value(record, spec, value, agency_cells)
            except ValueParseError as error:
                self.rejection(excel_row, label, value, error)
        group_column = self.contract.group_column
        if group_column and record.get(group_column) is None:
            record[group_column] = group  # the heading the row stands under
        # Nothing submitted is silently changed: text that normalisation or a legacy-encoding
        # conversion rewrote is kept as written, per column.
        record["original_values"] = json.dumps(originals, ensure_ascii=False) if originals else None
        if len(self.submission.errors) == errors_before:
            self.finish_row(record, excel_row, agency_cells)

    @staticmethod
    def set_empty(record: dict[str, Any], spec: ColumnSpec) -> None:
        """A blank cell lands as nulls in every column the contract column lands in."""
        if spec.type == "deadline":
            record.update({spec.text_column: None, "due_date": None, "recurrence": None})
        elif spec.type == "agency_list":
            record[spec.text_column] = None
        elif spec.type == "status":
            record.update({spec.name: None, spec.text_column: None})
        else:
            record[spec.name] = None

    def set_value(self, record: dict[str, Any], spec: ColumnSpec, value: Any,
                  agency_cells: list[tuple[ColumnSpec, str]]) -> None:
        if spec.type == "date":
            record[spec.name] = parse_date(value)
        elif spec.type == "month":
            record[spec.name] = parse_month(value)
        elif spec.type == "code":
            code = _text(value).upper()
            if spec.pattern and not re.fullmatch(spec.pattern, code):
                example = (part("code_format", "example", example=spec.example)
                           if spec.example else "")
                # A code typed as a number loses what Excel drops ("11.10" becomes 11.1):
                # guessing would silently name another code, so the agency is told why.
                typed = (part("code_format", "typed_as_number") if isinstance(value, float)
                         else "")
                raise ValueParseError.of("code_format", code=code, column=spec.label_vi,
                                         example=example, typed=typed)
            record[spec.name] = code
        elif spec.type == "status":
            text = _text(value)
            record.update({spec.name: self.word_code(spec, text), spec.text_column: text})
        elif spec.type == "agency_list":
            text = _text(value)
            record[spec.text_column] = text
            agency_cells.append((spec, text))
        elif spec.type == "deadline":
            record[spec.text_column] = _text(value)  # parsed in finish_row: needs the plan year
        elif spec.type in {"number", "integer", "percent", "boolean", "agency"}:
            record[spec.name] = self.parse_scalar(spec, value)
        else:
            record[spec.name] = _text(value)

    def word_code(self, spec: ColumnSpec, text: str) -> str:
        """The code of a word-list cell ("KH&CN" is KHCN); unknown words name the column.

        The message speaks of what the column holds (its Vietnamese label, its English
        meaning), so a wrong budget pillar is reported as a pillar, not as a status.
        """
        code = self.contract.status_code(text)
        if code is None:
            allowed = "; ".join(words[0] for words in self.contract.statuses.values())
            raise ValueParseError.of("status_unknown", column=(spec.label_vi, spec.label_en),
                                     text=text, allowed=allowed)
        return code

    def parse_scalar(self, spec: ColumnSpec, value: Any) -> Any:
        """Numbers in Vietnamese notation, yes/no cells and single agency names."""
        if spec.type == "number":
            return parse_number(value)
        if spec.type == "percent":
            return parse_percent(value)
        if spec.type == "integer":
            number = parse_number(value)
            if not number.is_integer():
                raise ValueParseError.of("integer_expected", column=spec.label_vi,
                                         text=_text(value))
            return int(number)
        if spec.type == "boolean":
            answer = BOOLEAN_WORDS.get(match_key(_text(value)))
            if answer is None:
                raise ValueParseError.of("boolean_unparseable", text=_text(value))
            return answer
        return self.match_agency(_text(value))

    def row_key(self, record: dict[str, Any], excel_row: int) -> str:
        """The row's key: its key column, or "<sheet>!<row>" for sources without codes."""
        if self.contract.key is None:
            return f"{self.sheet.name}!{excel_row}"
        return str(record.get(self.contract.key))

    def check_unique_key(self, key: str, excel_row: int, label: str | None) -> bool:
        """A key may appear once per file: a repeated task would be counted twice."""
        first = self.submission.key_rows.setdefault(key, (self.sheet.name, excel_row))
        if first == (self.sheet.name, excel_row):
            return True
        self.problem(excel_row, label, key, "duplicate_key", key=key, first_sheet=first[0],
                     first_row=first[1])
        return False

    def resolve_deadlines(self, record: dict[str, Any], excel_row: int,
                          labels: dict[str, str]) -> bool:
        """Parse deadlines with the plan year; undatable ones per the column's rule."""
        ok = True
        for spec in self.contract.columns:
            text = record.get(spec.text_column)
            if spec.type != "deadline" or not text:
                continue
            plan_date = record.get(spec.plan_year_from or "")
            plan_year = plan_date.year if isinstance(plan_date, date) else self.metadata.get(
                "plan_year")
            try:
                deadline = parse_deadline(text, plan_year)
            except ValueParseError as error:
                keep = spec.unparseable == "warn"
                ok &= keep
                self.rejection(excel_row, labels.get(spec.name), text, error,
                               "warning" if keep else "error")
                continue
            record.update({spec.text_column: deadline.original, "due_date": deadline.due_date,
                           "recurrence": deadline.recurrence})
            if deadline.recurrence == "roadmap":
                self.problem(excel_row, labels.get(spec.name), deadline.original,
                             "deadline_without_date")
        return ok

    def resolve_agencies(self, key: str, cells: list[tuple[ColumnSpec, str]], on_date: Any,
                         excel_row: int, labels: dict[str, str]) -> tuple[bool, list[dict]]:
        """Split agency cells into bodies.

        An unknown lead rejects the row (someone must answer for the task); an unknown
        coordinating body is flagged and left out.
        """
        ok, children = True, []
        for spec, text in cells:
            # Remarks in brackets ("(của Bộ GTVT chuyển sang)") explain, they do not name.
            names = REMARK.sub(" ", text)
            for position, ref in enumerate(self.directory.split(names, on_date), start=1):
                if ref.agency_id is not None:
                    children.append({"task_code": key, "role": spec.role, "position": position,
                                     "agency_text": ref.text, "agency_id": ref.agency_id})
                    continue
                is_lead = spec.role == "lead"
                ok &= not is_lead
                self.problem(
                    excel_row, labels.get(spec.name), ref.text, "agency_unknown",
                    severity="error" if is_lead else "warning", name=ref.text,
                    hint=_suggested(ref.suggestions),
                    role="" if is_lead else part("agency_unknown", "coordinating"))
        return ok, children

    def apply_row_rules(self, record: dict[str, Any], excel_row: int,
                        labels: dict[str, str]) -> bool:
        """The contract's cross-column rules (e.g. done needs a completion date).

        Each rule states its own message ("{label}" is the required column's header as
        written), so the agency reads why the cell is needed in the terms of its source.
        """
        ok = True
        for rule in self.contract.row_rules:
            applies = all(record.get(k) == v for k, v in rule.get("when", {}).items())
            if applies and is_blank(record.get(rule["require"])):
                ok = False
                label = labels.get(rule["require"], rule["require"])
                message_vi = rule.get("message_vi", "Dòng này phải có '{label}'.")
                message_en = rule.get("message_en", "This row must have '{label}'.")
                self.submission.problems.append(Problem(
                    self.submission.path.name, self.sheet.name, excel_row, label, None,
                    rule["id"], message_vi.format(label=label), message_en.format(label=label)))
        return ok

    def finish_row(self, record: dict[str, Any], excel_row: int,
                   agency_cells: list[tuple[ColumnSpec, str]]) -> None:
        """Checks that need several columns, then the row is accepted or quarantined."""
        labels = self.header.names
        key = self.row_key(record, excel_row)
        ok = self.check_unique_key(key, excel_row, labels.get(self.contract.key or ""))
        ok &= self.resolve_deadlines(record, excel_row, labels)
        on_date = record.get(self.contract.agency_date_from or "") or self.metadata.get(
            "as_of_date")
        agencies_ok, children = self.resolve_agencies(key, agency_cells, on_date, excel_row,
                                                      labels)
        ok &= agencies_ok
        ok &= self.apply_row_rules(record, excel_row, labels)
        if not ok:
            return
        record.update({
            "item_key": key,
            "file_sha256": self.submission.sha256,
            "file_name": self.submission.path.name,
            "sheet_name": self.sheet.name,
            "row_number": excel_row,
        })
        for spec in self.contract.metadata:
            if spec.name in self.metadata:
                record[spec.landed_name] = self.metadata[spec.name]
        self.submission.rows.append(record)
        for child in children:
            child["file_sha256"] = self.submission.sha256
        if agency_cells:
            self.submission.child_rows.setdefault(f"{self.contract.table}_agencies",
                                                  []).extend(children)


@dataclass(frozen=True)
class _Located:
    """A visible sheet after legacy decoding, with the contract and header it matched."""

    decoded: _DecodedSheet
    contract: Contract
    header: Header

    @property
    def complete(self) -> bool:
        """Every required column was found."""
        return not self.header.missing

    @property
    def is_auxiliary(self) -> bool:
        """A partial match without the key column: a drop-down list or a list of units.

        Such a sheet beside a complete table is not a table of its own; a sheet that has the
        key column but lacks another required one is a table with an error. Keyless
        contracts count a sheet with under half of the required columns as auxiliary.
        """
        if self.complete:
            return False
        found = set(self.header.columns.values())
        if self.contract.key is not None:
            return self.contract.column(self.contract.key) not in found
        required = self.contract.required_columns
        return len(found & set(required)) * 2 < len(required)


def _file_problem(submission: ParsedSubmission, sheet: str | None, rule: str, /, *,
                  variant: str | None = None, **fields: object) -> None:
    """Record a problem of the file, or of one of its sheets as a whole."""
    submission.problems.append(Problem.of(rule, submission.path.name, sheet, variant=variant,
                                          **fields))


def _locate(submission: ParsedSubmission, sheets: list[Sheet],
            contracts: dict[str, Contract]) -> list[_Located]:
    """Decode each visible sheet and find its header; hidden sheets are reported, not read."""
    located = []
    for sheet in sheets:
        if sheet.hidden:
            _file_problem(submission, sheet.name, "sheet_hidden")
            continue
        decoded = _decode_legacy(sheet)
        found = find_header(decoded.sheet.rows, contracts.values())
        if found is not None:
            located.append(_Located(decoded, *found))
    return located


def _report_legacy_encoding(submission: ParsedSubmission, decoded: _DecodedSheet) -> None:
    """Tell the sender their text was converted (and keep which encoding it was)."""
    if decoded.encoding is None:
        return
    name, cells = LEGACY_ENCODING_NAMES[decoded.encoding], len(decoded.originals)
    submission.legacy_encodings[decoded.sheet.name] = decoded.encoding
    _file_problem(submission, decoded.sheet.name, "legacy_encoding_converted", encoding=name,
                  cells=cells)


def _report_header(parser: _SheetParser, header: Header) -> None:
    """Missing required columns reject the sheet; unknown extra columns are flagged."""
    for spec in header.missing:
        parser.problem(header.excel_row, spec.label_vi, None, "required_column_missing",
                       column=spec.label_vi, aliases=", ".join(spec.aliases))
    for label in header.unknown.values():
        parser.problem(header.excel_row, label, None, "column_unknown", column=label)


def not_regular_problem(path: Path, kind: str) -> Problem:
    """The rejection of a path that is not a regular file (link, folder, pipe, device…)."""
    return Problem.of("not_a_regular_file", path.name, path=path,
                      kind=KIND_LABELS.get(kind, KIND_LABELS["other"]))


def not_regular_submission(path: Path, kind: str) -> ParsedSubmission:
    """A rejected submission for a non-regular path; it has no hash since nothing was read."""
    return ParsedSubmission(path=path, sha256="", problems=[not_regular_problem(path, kind)])


def unopened_submission(path: Path, error: OSError) -> ParsedSubmission:
    """A rejected submission for a file that cannot be opened (missing, no permission…)."""
    if isinstance(error, FileNotFoundError):
        problem = Problem.of("file_not_found", path.name, path=path)
    else:
        problem = Problem.of("file_unreadable", path.name, path=path,
                             reason=error.strerror or type(error).__name__)
    return ParsedSubmission(path=path, sha256="", problems=[problem])


def _report_duplicate_sheets(submission: ParsedSubmission, scan: WorkbookScan) -> None:
    """Two sheets with one name or one worksheet part: every row would be read twice."""
    for duplicate in scan.duplicate_sheets:
        name, first = duplicate.name, duplicate.first
        where = (part("duplicate_sheet", "same_name", first=first) if duplicate.part is None
                 else part("duplicate_sheet", "same_part", part=duplicate.part, first=first))
        submission.problems.append(Problem.of(
            "duplicate_sheet", submission.path.name, name, None, None, name, name=name,
            where=where))


# Long formulas are cut in messages: the cell reference says where the whole one is.
_FORMULA_SHOWN = 200


def _external_column(cell: ExternalFormula, headers: dict[str, Header]) -> str:
    """The header label of a table cell's column, as other problems name it; else its letter."""
    header = headers.get(cell.sheet)
    if header is not None and cell.row >= header.first_data_row:
        label = header.labels.get(cell.column) or header.unknown.get(cell.column)
        if label:
            return label
    return column_letters(cell.column)


def _report_external(submission: ParsedSubmission, scan: WorkbookScan,
                     headers: dict[str, Header]) -> None:
    """Links and formulas that fetch data from outside: only their cached values were read.

    Such values are as old as the sender's last recalculation and can come from anywhere
    (another file, a program started through DDE, a web address); the file still loads.
    """
    for link in scan.external_links:
        target = link.target[:_FORMULA_SHOWN]
        submission.problems.append(Problem.of(
            "external_link", submission.path.name, None, None, None, target or None,
            kind=LINK_KIND_LABELS[link.kind], part=link.part,
            target=part("external_link", "target", target=target) if target else ""))
    for cell in scan.external_formulas:
        submission.problems.append(Problem.of(
            "external_formula", submission.path.name, cell.sheet, cell.row + 1,
            _external_column(cell, headers), f"={cell.formula[:_FORMULA_SHOWN]}",
            cell=cell.cell, sheet=cell.sheet, kind=LINK_KIND_LABELS[cell.kind]))


def _read_file(submission: ParsedSubmission) -> tuple[list[Sheet], WorkbookScan] | None:
    """Hash, scan and read the file; None, with the reason recorded, when it is rejected."""
    path = submission.path
    try:
        submission.sha256 = file_sha256(path)
        scan = scan_workbook(path)
        if scan.duplicate_sheets:
            _report_duplicate_sheets(submission, scan)
            return None
        return read_sheets(path), scan
    except UnreadableFileError as error:
        submission.problems.append(Problem.rejecting(error, path.name))
        return None
    except NotRegularFileError as error:
        submission.problems.append(not_regular_problem(path, error.kind))
    except OSError as error:  # vanished or unreadable since it was listed
        submission.problems.extend(unopened_submission(path, error).problems)
    # The bytes hashed may not be what is there now: nothing of this path may be archived.
    submission.sha256 = ""
    return None


def parse_submission(path: Path, contracts: dict[str, Contract],
                     directory: AgencyDirectory) -> ParsedSubmission:
    """Read ``path``, match it to a contract and validate every row.

    A sheet that matches no contract is ignored (cover sheets, instructions) unless no sheet
    matches, in which case the file is rejected as unrecognised. A sheet that matches only
    part of a contract, without its key column, is ignored with a warning when another sheet
    of the file matches a contract in full (a list of status words beside the report). A
    path that is not a regular file is rejected unread, with an empty ``sha256``.
    """
    submission = ParsedSubmission(path=path, sha256="")
    read = _read_file(submission)
    if read is None:
        return submission
    sheets, scan = read
    uncached = scan.uncached
    located = _locate(submission, sheets, contracts)
    complete_sources = {item.contract.source for item in located if item.complete}
    for item in located:
        sheet, contract, header = item.decoded.sheet, item.contract, item.header
        # Beside a complete table, a partial match is a helper sheet: of another source (a
        # file holds one kind of submission), or of the same source without its key column.
        if complete_sources and not item.complete and (
                contract.source not in complete_sources or item.is_auxiliary):
            _file_problem(submission, sheet.name, "sheet_ignored")
            continue
        _report_legacy_encoding(submission, item.decoded)
        if submission.source not in (None, contract.source):
            _file_problem(submission, sheet.name, "mixed_sources")
            continue
        submission.source, submission.family, submission.table = (
            contract.source, contract.family, contract.table)
        cells = {(row, column): formula
                 for row, column, formula in uncached.get(sheet.name, [])}
        parser = _SheetParser(submission, sheet, contract, header, directory,
                              item.decoded.originals, cells)
        _report_header(parser, header)
        submission.column_labels[sheet.name] = header.names
        submission.header_dates[sheet.name] = header.dates
        parser.check_title_formulas()
        if header.missing or not parser.read_metadata():
            continue
        submission.metadata.update(parser.metadata)
        parser.parse_rows()
    if submission.source is None and not submission.errors:
        names = "; ".join(f"{c.label_vi} ({c.label_en})" for c in contracts.values())
        _file_problem(submission, None, "source_unrecognised", templates=names)
    _report_external(submission, scan, {item.decoded.sheet.name: item.header for item in located})
    return submission
