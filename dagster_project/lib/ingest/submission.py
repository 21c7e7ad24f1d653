"""Parse one submitted file against the source contracts: rows to load, problems to report.

This is the single code path behind both ``nq57 check`` (validate without loading) and the
Dagster ingest assets (load what is valid, quarantine the rest). Every problem names the
file, sheet, row, column, raw value and rule, in Vietnamese and English.
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

    def row_problem(self, row: dict[str, Any], column: str, value: Any, rule: str,
                    message_vi: str, message_en: str, severity: str = "error") -> Problem:
        """A problem with a parsed row, found by a family's completion step.

        It is located like the contract's own problems: the row's sheet and Excel row, and
        the column's header as the file wrote it.
        """
        sheet = row.get("sheet_name")
        label = self.column_labels.get(sheet or "", {}).get(column, column)
        return Problem(self.path.name, sheet, row.get("row_number"), label,
                       None if value is None else str(value), rule, message_vi, message_en,
                       severity)

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

    def problem(self, row: int | None, column: str | None, value: Any, rule: str,
                message_vi: str, message_en: str, severity: str = "error") -> None:
        self.submission.problems.append(Problem(
            self.submission.path.name, self.sheet.name, row, column,
            None if value is None else _text(value) or None, rule, message_vi, message_en,
            severity,
        ))

    def formula_problem(self, excel_row: int, column: str | None, formula: str) -> None:
        """A formula whose result was never saved reads as empty: the value would vanish."""
        self.problem(excel_row, column, f"={formula}", "formula_without_value",
                     "Ô có công thức nhưng chưa có giá trị tính sẵn (tệp chưa được mở và lưu bằng "
                     "Excel); hãy mở tệp trong Excel, lưu lại rồi gửi.",
                     "The cell holds a formula with no saved result (the file was never opened "
                     "and saved in Excel); open it in Excel, save it and resend.")

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
                        if (m := re.search(spec.pattern, line))), None)
            if raw is None:
                if spec.required:
                    ok = False
                    self.problem(None, spec.name, None, "metadata_missing",
                                 f"Không tìm thấy thông tin bắt buộc '{spec.name}' ở phần đầu "
                                 "trang (trên dòng tiêu đề bảng).",
                                 f"Required title-block field '{spec.name}' not found above "
                                 "the header row.")
                continue
            try:
                self.metadata[spec.name] = self.parse_metadata(spec, raw.strip())
            except ValueParseError as error:
                ok = False
                self.problem(None, spec.name, raw, error.rule, error.message_vi, error.message_en)
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
            hint = ", ".join(ref.suggestions)
            raise ValueParseError(
                "agency_unknown",
                f"Không nhận ra cơ quan '{name}'." + (f" Có phải: {hint}?" if hint else ""),
                f"Unknown agency '{name}'." + (f" Did you mean: {hint}?" if hint else ""),
            )
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
                                 "Chưa có thời hạn hoàn thành: giữ nhiệm vụ, cần bổ sung thời hạn.",
                                 "No deadline given: the task is kept; a deadline is needed.",
                                 "warning")
                if spec.required:
                    self.problem(excel_row, label, None, "required_value_missing",
                                 f"Cột '{label}' bắt buộc nhưng để trống.",
                                 f"Column '{label}' is required but empty.")
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
                self.problem(excel_row, label, value, error.rule, error.message_vi,
                             error.message_en)
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
                example_vi = f" (ví dụ đúng: {spec.example})" if spec.example else ""
                example_en = f" (e.g. {spec.example})" if spec.example else ""
                # A code typed as a number loses what Excel drops ("11.10" becomes 11.1):
                # guessing would silently name another code, so the agency is told why.
                typed_vi = (" Ô được nhập dạng số nên có thể đã mất chữ số 0 ở cuối; hãy "
                            "nhập mã dạng văn bản." if isinstance(value, float) else "")
                typed_en = (" The cell holds a number, which may have lost trailing zeros; "
                            "type the code as text." if isinstance(value, float) else "")
                raise ValueParseError(
                    "code_format",
                    f"Giá trị '{code}' của cột '{spec.label_vi}' không đúng định dạng"
                    f"{example_vi}.{typed_vi}",
                    f"Value '{code}' in column '{spec.label_vi}' does not have the expected "
                    f"form{example_en}.{typed_en}",
                )
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
            raise ValueParseError(
                "status_unknown",
                f"{spec.label_vi} '{text}' không hợp lệ; dùng một trong: {allowed}.",
                f"Unknown {spec.label_en} '{text}'; use one of: {allowed}.",
            )
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
                raise ValueParseError(
                    "integer_expected",
                    f"Cột '{spec.label_vi}' cần số nguyên, nhận được '{_text(value)}'.",
                    f"Column '{spec.label_vi}' needs a whole number, got '{_text(value)}'.")
            return int(number)
        if spec.type == "boolean":
            answer = BOOLEAN_WORDS.get(match_key(_text(value)))
            if answer is None:
                raise ValueParseError(
                    "boolean_unparseable",
                    f"'{_text(value)}' không phải Có/Không.",
                    f"'{_text(value)}' is not yes/no (Có/Không).")
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
        self.problem(excel_row, label, key, "duplicate_key",
                     f"Mã '{key}' đã có ở trang '{first[0]}' dòng {first[1]}; mỗi mã chỉ được "
                     "báo cáo một lần trong một tệp.",
                     f"Code '{key}' already appears on sheet '{first[0]}' row {first[1]}; each "
                     "code may appear once per file.")
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
                self.problem(excel_row, labels.get(spec.name), text, error.rule,
                             error.message_vi, error.message_en, "warning" if keep else "error")
                continue
            record.update({spec.text_column: deadline.original, "due_date": deadline.due_date,
                           "recurrence": deadline.recurrence})
            if deadline.recurrence == "roadmap":
                self.problem(excel_row, labels.get(spec.name), deadline.original,
                             "deadline_without_date",
                             "Thời hạn theo lộ trình, không có ngày cụ thể: giữ nguyên văn bản, "
                             "cần xác định mốc thời gian.",
                             "Deadline follows a roadmap with no date: kept as written; a "
                             "milestone date is needed.", "warning")
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
                hint = ", ".join(ref.suggestions)
                self.problem(
                    excel_row, labels.get(spec.name), ref.text, "agency_unknown",
                    f"Không nhận ra cơ quan '{ref.text}'." + (f" Có phải: {hint}?" if hint else "")
                    + ("" if is_lead else " (cơ quan phối hợp: dòng vẫn được nhận)"),
                    f"Unknown agency '{ref.text}'." + (f" Did you mean: {hint}?" if hint else "")
                    + ("" if is_lead else " (coordinating body: the row is still accepted)"),
                    "error" if is_lead else "warning",
                )
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
                self.problem(excel_row, label, None, rule["id"],
                             rule.get("message_vi", "Dòng này phải có '{label}'.").format(
                                 label=label),
                             rule.get("message_en", "This row must have '{label}'.").format(
                                 label=label))
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


def _file_problem(submission: ParsedSubmission, sheet: str | None, rule: str, message_vi: str,
                  message_en: str, severity: str = "error") -> None:
    submission.problems.append(Problem(submission.path.name, sheet, None, None, None, rule,
                                       message_vi, message_en, severity))


def _locate(submission: ParsedSubmission, sheets: list[Sheet],
            contracts: dict[str, Contract]) -> list[_Located]:
    """Decode each visible sheet and find its header; hidden sheets are reported, not read."""
    located = []
    for sheet in sheets:
        if sheet.hidden:
            _file_problem(
                submission, sheet.name, "sheet_hidden",
                "Trang tính bị ẩn nên không được đọc; nếu có số liệu, hãy bỏ ẩn và gửi lại.",
                "Hidden sheet not read; if it holds data, unhide it and resend.", "warning")
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
    _file_problem(
        submission, decoded.sheet.name, "legacy_encoding_converted",
        f"Văn bản được gõ bằng bảng mã cũ {name} ({cells} ô) và đã được chuyển sang Unicode; "
        "giá trị gốc được lưu kèm. Lần sau hãy dùng phông Unicode (ví dụ Times New Roman).",
        f"Text typed in the legacy {name} encoding ({cells} cells) was converted to Unicode; "
        "the original values are kept. Please use a Unicode font (e.g. Times New Roman) next "
        "time.", "warning")


def _report_header(parser: _SheetParser, header: Header) -> None:
    """Missing required columns reject the sheet; unknown extra columns are flagged."""
    for spec in header.missing:
        parser.problem(header.excel_row, spec.label_vi, None, "required_column_missing",
                       f"Thiếu cột bắt buộc '{spec.label_vi}' (tên cột chấp nhận: "
                       f"{', '.join(spec.aliases)}).",
                       f"Required column '{spec.label_vi}' is missing (accepted headers: "
                       f"{', '.join(spec.aliases)}).")
    for label in header.unknown.values():
        parser.problem(header.excel_row, label, None, "column_unknown",
                       f"Cột '{label}' không có trong mẫu báo cáo; bỏ qua.",
                       f"Column '{label}' is not in the template; ignored.", "warning")


def not_regular_problem(path: Path, kind: str) -> Problem:
    """The rejection of a path that is not a regular file (link, folder, pipe, device…)."""
    kind_vi, kind_en = KIND_LABELS.get(kind, KIND_LABELS["other"])
    return Problem(
        path.name, None, None, None, None, "not_a_regular_file",
        f"'{path}' không phải tệp thông thường mà là {kind_vi}: không được mở, không được lưu "
        "trữ hay nạp. Hãy gửi chính tệp bảng tính, không gửi liên kết hay tệp đặc biệt.",
        f"'{path}' is not a regular file but a {kind_en}: it was not opened, archived or "
        "loaded. Send the spreadsheet file itself, not a link or special file.")


def not_regular_submission(path: Path, kind: str) -> ParsedSubmission:
    """A rejected submission for a non-regular path; it has no hash since nothing was read."""
    return ParsedSubmission(path=path, sha256="", problems=[not_regular_problem(path, kind)])


def unopened_submission(path: Path, error: OSError) -> ParsedSubmission:
    """A rejected submission for a file that cannot be opened (missing, no permission…)."""
    reason = error.strerror or type(error).__name__
    missing = isinstance(error, FileNotFoundError)
    rule = "file_not_found" if missing else "file_unreadable"
    message_vi = (f"Không tìm thấy tệp '{path}'." if missing
                  else f"Không mở được tệp '{path}' ({reason}).")
    message_en = (f"File '{path}' not found." if missing
                  else f"File '{path}' cannot be opened ({reason}).")
    return ParsedSubmission(path=path, sha256="", problems=[
        Problem(path.name, None, None, None, None, rule, message_vi, message_en)])


def _report_duplicate_sheets(submission: ParsedSubmission, scan: WorkbookScan) -> None:
    """Two sheets with one name or one worksheet part: every row would be read twice."""
    for duplicate in scan.duplicate_sheets:
        name, first = duplicate.name, duplicate.first
        if duplicate.part is None:
            where_vi = f"trùng tên với trang '{first}' (Excel không phân biệt hoa thường)"
            where_en = f"has the same name as sheet '{first}' (Excel ignores case)"
        else:
            where_vi = f"trỏ tới cùng phần dữ liệu {duplicate.part} với trang '{first}'"
            where_en = f"points at the same worksheet part {duplicate.part} as sheet '{first}'"
        submission.problems.append(Problem(
            submission.path.name, name, None, None, name, "duplicate_sheet",
            f"Trang tính '{name}' {where_vi}: tệp đã bị sửa ngoài Excel và mọi dòng sẽ bị đọc "
            "hai lần. Hãy mở tệp bằng Excel, xóa hoặc đổi tên trang trùng, lưu lại rồi gửi lại.",
            f"Sheet '{name}' {where_en}: the file was altered outside Excel and every row "
            "would be read twice. Open it in Excel, delete or rename the duplicate sheet, save "
            "it and resend."))


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
        kind_vi, kind_en = LINK_KIND_LABELS[link.kind]
        target = link.target[:_FORMULA_SHOWN]
        submission.problems.append(Problem(
            submission.path.name, None, None, None, target or None, "external_link",
            f"Tệp có {kind_vi} ({link.part}{': ' + target if target else ''}); liên kết không "
            "được mở hay cập nhật, chỉ giá trị lưu sẵn trong tệp được dùng và giá trị đó không "
            "được coi là đáng tin cậy. Hãy bỏ liên kết (Data > Edit Links > Break Link).",
            f"The workbook has a {kind_en} ({link.part}{': ' + target if target else ''}); "
            "the link was neither opened nor updated, only the value saved in the file was "
            "used and it is not trusted. Remove the link (Data > Edit Links > Break Link).",
            "warning"))
    for cell in scan.external_formulas:
        kind_vi, kind_en = LINK_KIND_LABELS[cell.kind]
        submission.problems.append(Problem(
            submission.path.name, cell.sheet, cell.row + 1, _external_column(cell, headers),
            f"={cell.formula[:_FORMULA_SHOWN]}", "external_formula",
            f"Ô {cell.cell} của trang '{cell.sheet}' có công thức dùng {kind_vi}; chỉ giá trị "
            "lưu sẵn trong tệp được dùng, giá trị đó không được cập nhật và không được coi là "
            "đáng tin cậy. Hãy thay công thức bằng giá trị (Paste Special > Values) rồi gửi lại.",
            f"Cell {cell.cell} of sheet '{cell.sheet}' has a formula using a {kind_en}; only "
            "the value saved in the file was used, it was not updated and is not trusted. "
            "Replace the formula with its value (Paste Special > Values) and resend.",
            "warning"))


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
        _file_problem(submission, None, "file_unreadable", error.message_vi, error.message_en)
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
            _file_problem(
                submission, sheet.name, "sheet_ignored",
                "Trang tính chỉ khớp một phần mẫu báo cáo nên không được đọc (tệp đã có trang "
                "báo cáo đầy đủ); nếu có số liệu, hãy chép vào trang báo cáo.",
                "Sheet matches only part of a template, so it was not read (the file already "
                "has a complete report sheet); if it holds data, copy it into the report sheet.",
                "warning")
            continue
        _report_legacy_encoding(submission, item.decoded)
        if submission.source not in (None, contract.source):
            _file_problem(submission, sheet.name, "mixed_sources",
                          "Một tệp chỉ được chứa một loại báo cáo.",
                          "A file may contain only one kind of submission.")
            continue
        submission.source, submission.family, submission.table = (
            contract.source, contract.family, contract.table)
        cells = {(row, column): formula
                 for row, column, formula in uncached.get(sheet.name, [])}
        parser = _SheetParser(submission, sheet, contract, header, directory,
                              item.decoded.originals, cells)
        _report_header(parser, header)
        submission.column_labels[sheet.name] = header.names
        parser.check_title_formulas()
        if header.missing or not parser.read_metadata():
            continue
        submission.metadata.update(parser.metadata)
        parser.parse_rows()
    if submission.source is None and not submission.errors:
        names = "; ".join(f"{c.label_vi} ({c.label_en})" for c in contracts.values())
        _file_problem(
            submission, None, "source_unrecognised",
            f"Không nhận ra loại báo cáo: không tìm thấy dòng tiêu đề cột của mẫu nào ({names}).",
            f"Unrecognised submission: no sheet has the header row of a known template ({names}).")
    _report_external(submission, scan, {item.decoded.sheet.name: item.header for item in located})
    return submission
