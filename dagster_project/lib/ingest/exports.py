"""System exports too large to read row by row: recognised by their header, landed by DuckDB.

A dossier-level export of the public-service portal holds one row per dossier, tens of
millions a year. Reading it cell by cell in Python as a spreadsheet is read would take hours
and hold every row in memory, so an export (``sources/exports/<source>.yaml``) is landed by
DuckDB in a few passes over the file, in bounded memory:

1. the file (CSV or Parquet) is copied once into a staging Parquet file of text columns, in
   file order, so every later pass reads only the columns it needs and a row's position is
   its line in the file;
2. every distinct value of a typed column (dates, yes/no flags, the channel, the agency) is
   read by the same parsers a spreadsheet's cells go through: a year of dossiers has a few
   hundred distinct dates and a few dozen agency spellings, so this costs nothing while the
   rules stay exactly those of ``nq57 check`` and the spreadsheet path;
3. one SQL pass finds the rows that break a rule (a required value missing, a value the
   parsers rejected, a dossier code given twice, a flag set without its base) and writes
   them to the quarantine with line, column, value, rule and both messages;
4. one SQL pass writes the other rows, typed, as the landed Parquet file.

The export's contract is a source contract like any other (same columns, types, aliases and
landed table); only the reading differs.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib.home.bounded_duckdb import bounded_connection
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.contracts import (
    ColumnSpec,
    Contract,
    ExportContract,
    export_contracts,
)
from dagster_project.lib.ingest.regular_files import file_sha256, open_regular
from dagster_project.lib.ingest.submission import BOOLEAN_WORDS, ParsedSubmission, Problem
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.intake_rules import intake_rule, messages, part
from dagster_project.lib.text.values import ValueParseError, parse_date
from dagster_project.lib.text.vntext import match_key, normalize_text

__all__ = ["EXPORT_SUFFIXES", "ExportOutcome", "check_export", "land_export", "match_export"]

EXPORT_SUFFIXES = frozenset({".csv", ".parquet"})
# How many of a file's problems are kept in memory for the run log; all are quarantined.
SAMPLE_PROBLEMS = 20


def _csv_header(path: Path) -> list[str]:
    """The first line of a CSV file as column names (a UTF-8 byte-order mark is dropped)."""
    with open_regular(path) as handle:
        first = handle.readline(1 << 16).decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return next(csv.reader(io.StringIO(first), dialect), [])


def _parquet_header(path: Path) -> list[str]:
    with duckdb.connect() as con:
        rows = con.execute("select name from parquet_schema(?) where num_children is null",
                           [str(path)]).fetchall()
    return [name for (name,) in rows]


def file_header(path: Path) -> list[str]:
    """The column names a CSV or Parquet file starts with; empty when it has none."""
    try:
        if path.suffix.lower() == ".parquet":
            return _parquet_header(path)
        return _csv_header(path)
    except (OSError, duckdb.Error, UnicodeError, csv.Error):
        # A file whose first line is not a readable header is not an export; the workbook
        # path reads it and rejects it with its reason.
        return []


def header_mapping(contract: Contract, header: list[str]) -> dict[str, str] | None:
    """The file's column for each contract column, when every required column is there."""
    mapping: dict[str, str] = {}
    for name in header:
        for column in contract.columns_by_key.get(match_key(name), ()):
            mapping.setdefault(column.name, name)
    if any(column.name not in mapping for column in contract.required_columns):
        return None
    return mapping


def match_export(path: Path) -> tuple[ExportContract, dict[str, str]] | None:
    """The export contract a CSV or Parquet file's header matches, with its column mapping."""
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        return None
    header = file_header(path)
    for export in export_contracts().values():
        mapping = header_mapping(export.contract, header)
        if mapping is not None:
            return export, mapping
    return None


@dataclass
class ExportOutcome:
    """What landing one export did: counts for the submission record, and a sample of problems."""

    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: int = 0
    warnings: int = 0
    sample: list[Problem] = field(default_factory=list)
    first_month: date | None = None
    last_month: date | None = None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connection(home: Home) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    return bounded_connection(None, spill_under=home.root / "tmp",
                              preserve_insertion_order=True)


def _stage(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping[str, str],
           staged: Path) -> None:
    """Copy the mapped columns, as text and in file order, into a staging Parquet file."""
    columns = ", ".join(f"nullif(trim(cast({_quote(source)} as varchar)), '') as {_quote(name)}"
                        for name, source in mapping.items())
    if path.suffix.lower() == ".parquet":
        reader = f"read_parquet({_literal(str(path))})"
    else:
        reader = (f"read_csv({_literal(str(path))}, header = true, all_varchar = true, "
                  "encoding = 'utf-8')")
    con.execute(f"copy (select {columns} from {reader}) to {_literal(str(staged))} "
                "(format parquet)")


# --- lookups: every distinct value of a typed column, read by the spreadsheet's parsers ------

@dataclass(frozen=True)
class _Read:
    """A value read from a distinct text: the value, or the rule and messages rejecting it."""

    value: Any = None
    rule: str | None = None
    message_vi: str | None = None
    message_en: str | None = None

    @classmethod
    def rejected(cls, error: ValueParseError) -> _Read:
        return cls(None, error.rule, error.message_vi, error.message_en)


def _read_date(text: str) -> _Read:
    try:
        return _Read(parse_date(text))
    except ValueParseError as error:
        return _Read.rejected(error)


def _read_boolean(text: str) -> _Read:
    answer = BOOLEAN_WORDS.get(match_key(text))
    if answer is None:
        return _Read(None, "boolean_unparseable", *messages("boolean_unparseable", text=text))
    return _Read(answer)


def _reader(contract: Contract, spec: ColumnSpec,
            directory: AgencyDirectory) -> Callable[[str], _Read]:
    """How one distinct text of a column is read, as the spreadsheet path reads a cell."""
    if spec.type == "date":
        return _read_date
    if spec.type == "boolean":
        return _read_boolean
    if spec.type == "status":
        allowed = "; ".join(words[0] for words in contract.statuses.values())

        def read_status(text: str) -> _Read:
            code = contract.status_code(normalize_text(text))
            if code is None:
                return _Read(None, "status_unknown", *messages(
                    "status_unknown", column=(spec.label_vi, spec.label_en), text=text,
                    allowed=allowed))
            return _Read(code)
        return read_status
    if spec.type == "agency":
        def read_agency(text: str) -> _Read:
            ref = directory.match(normalize_text(text))
            if ref.agency_id is None:
                names = ", ".join(ref.suggestions)
                hint = part("agency_unknown", "hint", names=names) if names else ("", "")
                return _Read(None, "agency_unknown", *messages(
                    "agency_unknown", name=text, hint=hint, role=""))
            return _Read(ref.agency_id)
        return read_agency
    raise ValueError(f"{contract.source}: column {spec.name} of type {spec.type} has no reader")


LOOKUP_TYPES = {"date": "DATE", "boolean": "BOOLEAN", "status": "VARCHAR", "agency": "VARCHAR"}


def _lookup(con: duckdb.DuckDBPyConnection, export: ExportContract, spec: ColumnSpec,
            staged: Path, directory: AgencyDirectory) -> str:
    """Register the column's distinct texts with what each reads as; return the table name."""
    read = _reader(export.contract, spec, directory)
    texts = [text for (text,) in con.execute(
        f"select distinct {_quote(spec.name)} from read_parquet({_literal(str(staged))}) "
        f"where {_quote(spec.name)} is not null").fetchall()]
    results = [read(text) for text in texts]
    frame = pd.DataFrame({
        "raw": pd.Series(texts, dtype="object"),
        "value": pd.Series([r.value for r in results], dtype="object"),
        "rule": pd.Series([r.rule for r in results], dtype="object"),
        "message_vi": pd.Series([r.message_vi for r in results], dtype="object"),
        "message_en": pd.Series([r.message_en for r in results], dtype="object"),
    })
    name = f"lookup_{spec.name}"
    con.register(f"{name}_frame", frame)
    con.execute(f"create or replace temp table {name} as select raw, "
                f"cast(value as {LOOKUP_TYPES[spec.type]}) as value, rule, message_vi, "
                f"message_en from {name}_frame")
    con.unregister(f"{name}_frame")
    return name


# --- problems: one row per broken rule, in SQL ----------------------------------------------

def _select(label: str, raw: str, rule: str, vi: str, en: str, rest: str) -> str:
    """One rule's problems as (line, column_label, raw_value, rule, message_vi, message_en)."""
    return (f"select line, {_literal(label)} as column_label, {raw} as raw_value, "
            f"{_literal(rule)} as rule, {vi} as message_vi, {en} as message_en from src {rest}")


def _column_problems(spec: ColumnSpec, label: str, lookup: str | None) -> Iterator[str]:
    """A required value missing, and every value its parser rejected."""
    column = f"src.{_quote(spec.name)}"
    if spec.required:
        rule = "date_missing" if spec.type == "date" else "required_value_missing"
        vi, en = messages(rule) if rule == "date_missing" else messages(
            rule, column=spec.label_vi)
        yield _select(label, "null", rule, _literal(vi), _literal(en), f"where {column} is null")
    if lookup is not None:
        yield (f"select line, {_literal(label)} as column_label, {column} as raw_value, "
               f"l.rule, l.message_vi, l.message_en from src join {lookup} as l "
               f"on {column} = l.raw where l.rule is not null")


def _flag_problems(export: ExportContract, mapping: Mapping[str, str],
                   lookups: Mapping[str, str]) -> Iterator[str]:
    """A flag set where its base flag is not (digitised, but not due to be digitised)."""
    contract = export.contract
    for flag, base in export.flag_bases.items():
        if flag not in mapping:
            continue
        flag_spec, base_spec = contract.column(flag), contract.column(base)
        vi, en = messages("flag_without_base", flag=(flag_spec.label_vi, flag_spec.label_en),
                          base=(base_spec.label_vi, base_spec.label_en))
        base_value, base_join = "false", ""
        if base in lookups:
            base_value = "coalesce(b.value, false)"
            base_join = f"left join {lookups[base]} as b on src.{_quote(base)} = b.raw"
        yield _select(mapping[flag], f"src.{_quote(flag)}", "flag_without_base",
                      _literal(vi), _literal(en),
                      f"join {lookups[flag]} as f on src.{_quote(flag)} = f.raw {base_join} "
                      f"where f.value and not {base_value}")


def _duplicate_problems(contract: Contract, mapping: Mapping[str, str]) -> Iterator[str]:
    """A key given again after its first line (the first stays, as in a spreadsheet)."""
    if not contract.key or contract.key not in mapping:
        return
    key = _quote(contract.key)
    # The message is worded once, with control characters standing for the row's values.
    vi, en = messages("duplicate_key", key=chr(1), first_sheet=chr(2), first_row=chr(3))

    def fill(template: str) -> str:
        sql = _literal(template)
        for value, code in ((f"src.{key}", 1), ("repeated.sheet", 2),
                            ("cast(repeated.first_line as varchar)", 3)):
            sql = f"replace({sql}, chr({code}), {value})"
        return sql
    yield _select(mapping[contract.key], f"src.{key}", "duplicate_key", fill(vi), fill(en),
                  f"join repeated using ({key}) where line > repeated.first_line")


def _problem_selects(export: ExportContract, mapping: Mapping[str, str],
                     lookups: Mapping[str, str]) -> list[str]:
    """Every rule's SELECT of problems, in the contract's column order."""
    selects = []
    for spec in export.contract.columns:
        if spec.name in mapping:
            selects += _column_problems(spec, mapping[spec.name], lookups.get(spec.name))
    selects += _flag_problems(export, mapping, lookups)
    selects += _duplicate_problems(export.contract, mapping)
    return selects


def _land_rows(con: duckdb.DuckDBPyConnection, export: ExportContract,
               lookups: Mapping[str, str], mapping: Mapping[str, str], target: Path,
               lineage: Mapping[str, str], schema: Mapping[str, str]) -> None:
    """Write the rows that broke no rule, typed as the landed table declares."""
    contract = export.contract
    values: dict[str, str] = dict(lineage)
    joins = []
    for spec in contract.columns:
        if spec.name not in mapping:
            continue
        column = f"src.{_quote(spec.name)}"
        if spec.name in lookups:
            alias = f"l_{spec.name}"
            joins.append(f"left join {lookups[spec.name]} as {alias} "
                         f"on {column} = {alias}.raw")
            values[spec.name] = f"{alias}.value"
            if spec.type == "status":
                values[spec.text_column] = column
        else:
            values[spec.name] = column
    if contract.key:
        values["item_key"] = f"src.{_quote(contract.key)}"
    selected = ", ".join(
        f"cast({values.get(name, 'null')} as {kind}) as {_quote(name)}"
        for name, kind in schema.items())
    tmp = target.with_suffix(".parquet.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy (select {selected} from src {' '.join(joins)} "
        f"anti join problems using (line)) "
        f"to {_literal(str(tmp))} (format parquet)")
    tmp.replace(target)


def _write_quarantine(con: duckdb.DuckDBPyConnection, target: Path, sha256: str,
                      received_at: str, source: str, file_name: str, sheet: str) -> None:
    """Every problem found, located by line and column, with both messages."""
    rules = [row[0] for row in con.execute("select distinct rule from problems").fetchall()]
    severity = " ".join(f"when {_literal(rule)} then {_literal(intake_rule(rule).severity)}"
                        for rule in rules)
    tmp = target.with_suffix(".parquet.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy (select {_literal(sha256)} as file_sha256, "
        f"cast({_literal(received_at)} as timestamp) as received_at, "
        f"{_literal(source)} as source, {_literal(file_name)} as file_name, "
        f"{_literal(sheet)} as sheet_name, cast(line as integer) as row_number, "
        f"column_label, raw_value, rule, "
        # VARCHAR as the quarantine's schema says: an integer here breaks engines that
        # merge batch schemas strictly (Spark), where DuckDB's union_by_name widens it
        f"cast({f'case rule {severity} end' if rules else 'null'} as varchar) as severity, "
        f"message_vi, message_en from problems order by line, column_label) "
        f"to {_literal(str(tmp))} (format parquet)")
    tmp.replace(target)


def _outcome(con: duckdb.DuckDBPyConnection, contract: Contract, mapping: Mapping[str, str],
             file_name: str, sheet: str) -> ExportOutcome:
    """Counts for the submission record, the months the file covers, and the first problems."""
    (rows_read,) = con.execute("select count(*) from src").fetchone() or (0,)
    (bad,) = con.execute("select count(distinct line) from problems").fetchone() or (0,)
    (errors,) = con.execute("select count(*) from problems").fetchone() or (0,)
    outcome = ExportOutcome(rows_read=rows_read, rows_loaded=rows_read - bad,
                            rows_quarantined=bad, errors=errors)
    dated = next((spec for spec in contract.columns if spec.type == "date" and spec.required),
                 None)
    if dated is not None and dated.name in mapping:
        months = con.execute(
            f"select min(l.value), max(l.value) from src join lookup_{dated.name} as l "
            f"on src.{_quote(dated.name)} = l.raw where line not in (select line from problems)"
        ).fetchone()
        if months and months[0] is not None:
            outcome.first_month = months[0].replace(day=1)
            outcome.last_month = months[1].replace(day=1)
    sample = con.execute("select line, column_label, raw_value, rule, message_vi, message_en "
                         f"from problems order by line limit {SAMPLE_PROBLEMS}").fetchall()
    outcome.sample = [Problem(file_name, sheet, line, label, raw, rule, vi, en,
                              intake_rule(rule).severity)
                      for line, label, raw, rule, vi, en in sample]
    return outcome


def land_export(home: Home, path: Path, export: ExportContract, mapping: Mapping[str, str], *,
                sha256: str, received_at: datetime, directory: AgencyDirectory,
                schema: Mapping[str, str], before_quarantine: Any = None) -> ExportOutcome:
    """Land one export file: typed rows to its table, broken rows to the quarantine.

    The quarantine file is written last: its presence marks the file as landed (see
    ``inbox._already_landed``), so ``before_quarantine(outcome)`` writes the submission
    record in between.

    Args:
        home: The home whose landing zone receives the file.
        path: The file to read: its archived copy, never the inbox entry itself.
        export: The export contract the file's header matched.
        mapping: The file's column for each contract column (``match_export``).
        sha256: The file's identity in the archive.
        received_at: When ingestion archived it (UTC, naive).
        directory: Agencies, to read the agency column as the spreadsheet path does.
        schema: The landed table's schema (``landing.TABLE_SCHEMAS``).
        before_quarantine: Called with the outcome once the rows have landed.

    Raises:
        duckdb.Error: The file cannot be read as the CSV or Parquet file it claims to be.
    """
    contract = export.contract
    work = home.root / "tmp" / f"export-{sha256}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    staged = work / "staged.parquet"
    sheet = path.stem
    received = received_at.isoformat(sep=" ")
    try:
        with _connection(home) as con:
            _stage(con, path, mapping, staged)
            # A row's line in the file: the header is line 1 (Parquet row groups keep order).
            con.execute("create temp view src as select file_row_number + 2 as line, "
                        f"* from read_parquet({_literal(str(staged))}, file_row_number = true)")
            lookups = {spec.name: _lookup(con, export, spec, staged, directory)
                       for spec in contract.columns
                       if spec.name in mapping and spec.type in LOOKUP_TYPES}
            if contract.key and contract.key in mapping:
                key = _quote(contract.key)
                con.execute(f"create temp table repeated as select {key}, min(line) as "
                            f"first_line, {_literal(sheet)} as sheet from src where {key} is "
                            f"not null group by {key} having count(*) > 1")
            con.execute("create temp table problems as "
                        + " union all ".join(_problem_selects(export, mapping, lookups)))
            lineage = {"file_sha256": _literal(sha256), "file_name": _literal(path.name),
                       "sheet_name": _literal(sheet), "row_number": "line",
                       "received_at": f"cast({_literal(received)} as timestamp)"}
            _land_rows(con, export, lookups, mapping,
                       home.landing / contract.family / contract.table / f"{sha256}.parquet",
                       lineage, schema)
            outcome = _outcome(con, contract, mapping, path.name, sheet)
            if before_quarantine is not None:
                before_quarantine(outcome)
            _write_quarantine(con, home.landing / "quarantine" / f"{sha256}.parquet", sha256,
                              received, contract.source, path.name, sheet)
            return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_export(path: Path, export: ExportContract, mapping: Mapping[str, str],
                 directory: AgencyDirectory) -> ParsedSubmission:
    """Read an export as ingestion would, into a scratch home, and return every problem.

    This is what ``nq57 check`` says of an export: the same passes and rules as landing,
    with nothing kept. The submission's rows stay empty (they may be millions); its
    ``rows_read`` and problems are those landing would record.
    """
    from dagster_project.lib.ingest.landed import landed_tables

    contract = export.contract
    submission = ParsedSubmission(path, file_sha256(path), contract.source, contract.family,
                                  contract.table)
    with tempfile.TemporaryDirectory(prefix="nq57-check-") as scratch:
        home = Home(Path(scratch))
        try:
            outcome = land_export(home, path, export, mapping, sha256=submission.sha256,
                                  received_at=datetime.now(UTC).replace(tzinfo=None),
                                  directory=directory,
                                  schema=landed_tables()[contract.table].schema)
        except duckdb.Error as error:
            submission.problems = [Problem.of("file_unreadable", path.name,
                                              variant="reader_error", error=str(error)[:300])]
            return submission
        submission.rows_read = outcome.rows_read
        with duckdb.connect() as con:
            found = con.execute(
                "select sheet_name, row_number, column_label, raw_value, rule, message_vi, "
                "message_en, severity from read_parquet(?) order by row_number",
                [str(home.landing / "quarantine" / f"{submission.sha256}.parquet")]).fetchall()
    submission.problems = [Problem(path.name, sheet, row, label, raw, rule, vi, en, severity)
                           for sheet, row, label, raw, rule, vi, en, severity in found]
    return submission
