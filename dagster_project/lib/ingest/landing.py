"""The landing zone: an immutable archive of received files and their parsed rows as Parquet.

Every received file is copied once into ``archive/<sha[:2]>/<sha256>/`` with a
``receipt.json`` (who, when, what); re-ingesting the same bytes is a no-op. A receipt keeps
two times: ``received_at``, when ingestion archived the file, and ``submitted_at``, the inbox
file's modification time then (when it arrived in the inbox), which deadlines are judged by.

Parsed rows land in *batches*: the files one ingest lands together are written as one
Parquet file per table and reporting month, ``landing/<family>/<table>/<yyyy-mm>/<batch>.parquet``
(``undated/`` for files without a month), with the files' records in
``landing/submission/<batch>.parquet`` and their problems in
``landing/quarantine/<batch>.parquet``. Four small files per received file made a year of
commune reports ~160k Parquet files for the warehouse to rescan; a batch makes it a few per
run. The quarantine file is written last and is the batch's commit mark: a batch without one
was cut short (a crash, a kill) and is removed before the next ingest lands its files again
(:func:`discard_unfinished_batches`). A system export is a batch of its own, named by its
SHA-256, as were the files of homes landed before batches. The warehouse can always be
rebuilt from here.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.landed import landed_tables
from dagster_project.lib.ingest.regular_files import open_regular
from dagster_project.lib.ingest.submission import ParsedSubmission, Problem

# Landed column types per table. Parsing has already happened, so these are exact types.
# The contracts declare their own tables (lib.ingest.landed); the two every family writes to,
# one record per received file and the quarantine of its problems, are declared here.
INGEST_SCHEMAS: dict[str, dict[str, str]] = {
    # One row per received file: what it was, who sent it for which month, and its verdict.
    "submission": {
        "file_sha256": "VARCHAR",
        "file_name": "VARCHAR",
        "original_path": "VARCHAR",
        "size_bytes": "BIGINT",
        "received_at": "TIMESTAMP",
        # The inbox file's modification time when ingested (UTC): when it arrived. Null in
        # files landed before it was recorded.
        "submitted_at": "TIMESTAMP",
        "source": "VARCHAR",
        "family": "VARCHAR",
        "reporting_agency_id": "VARCHAR",
        "reporting_month": "DATE",
        "as_of_date": "DATE",
        "rows_read": "INTEGER",
        "rows_loaded": "INTEGER",
        "rows_quarantined": "INTEGER",
        "errors": "INTEGER",
        "warnings": "INTEGER",
        "accepted": "BOOLEAN",
        "legacy_encoding": "VARCHAR",
    },
    # Column names avoid SQL keywords (row, column, file) so every engine reads them as-is.
    "quarantine": {
        "file_sha256": "VARCHAR",
        "received_at": "TIMESTAMP",
        "source": "VARCHAR",
        "file_name": "VARCHAR",
        "sheet_name": "VARCHAR",
        "row_number": "INTEGER",
        "column_label": "VARCHAR",
        "raw_value": "VARCHAR",
        "rule": "VARCHAR",
        "severity": "VARCHAR",
        "message_vi": "VARCHAR",
        "message_en": "VARCHAR",
    },
}

# Received files a reviewer set aside (``nq57 reject``), as the review logs decide; read by
# the warehouse from NQ57_HOME/reviews/ (see lib.quality.set_aside).
DECISION_SCHEMAS: dict[str, dict[str, str]] = {
    "set_aside": {
        "file_sha256": "VARCHAR",
        "period_key": "VARCHAR",
        "set_aside_by": "VARCHAR",
        "reason": "VARCHAR",
        "set_aside_at": "TIMESTAMP",
    },
}

TABLE_SCHEMAS: dict[str, dict[str, str]] = {
    **{name: table.schema for name, table in landed_tables().items()},
    **INGEST_SCHEMAS,
    **DECISION_SCHEMAS,
}


@dataclass(frozen=True)
class Receipt:
    """Archive record of one received file."""

    sha256: str
    original_name: str
    original_path: str
    size_bytes: int
    received_at: str
    source: str | None
    metadata: dict[str, Any]
    # Receipts written before submission times were kept have none.
    submitted_at: str | None = None

    @property
    def received_at_dt(self) -> datetime:
        """``received_at`` as a naive UTC datetime (Parquet TIMESTAMP)."""
        return datetime.fromisoformat(self.received_at).replace(tzinfo=None)

    @property
    def submitted_at_dt(self) -> datetime | None:
        """``submitted_at`` as a naive UTC datetime, or None when it was not recorded."""
        if self.submitted_at is None:
            return None
        return datetime.fromisoformat(self.submitted_at).astimezone(UTC).replace(tzinfo=None)


def inbox_arrival(path: Path) -> str:
    """When the file arrived in the inbox: its modification time, as ISO 8601 UTC.

    Copying into the inbox (mail client, shared folder, ``cp -p``) sets or keeps the time
    the office received it, while ingestion may run days later; see docs/decisions.md.
    """
    return _utc_iso(path.lstat().st_mtime)


def _utc_iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="microseconds")


def _copy_regular(source: Path, target: Path) -> os.stat_result:
    """Copy a regular file's bytes and times, never through a link; returns its stat.

    The source is opened with ``O_NOFOLLOW`` (see :mod:`.regular_files`): a file replaced by a
    link since it was parsed is refused instead of archiving what the link points at.
    """
    with open_regular(source) as reader:
        info = os.fstat(reader.fileno())
        with target.open("wb") as writer:
            shutil.copyfileobj(reader, writer)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    return info


def archive_file(home: Home, submission: ParsedSubmission) -> tuple[Receipt, bool]:
    """Store the file's bytes once; return its receipt and whether it was new.

    Raises:
        NotRegularFileError: The path is no longer a regular file; nothing is archived.
    """
    folder = home.archive / submission.sha256[:2] / submission.sha256
    receipt_path = folder / "receipt.json"
    if receipt_path.exists():
        return Receipt(**json.loads(receipt_path.read_text(encoding="utf-8"))), False
    folder.mkdir(parents=True, exist_ok=True)
    info = _copy_regular(submission.path, folder / submission.path.name)
    receipt = Receipt(
        sha256=submission.sha256,
        original_name=submission.path.name,
        original_path=str(submission.path),
        size_bytes=info.st_size,
        received_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        source=submission.source,
        metadata={key: str(value) for key, value in submission.metadata.items()},
        submitted_at=_utc_iso(info.st_mtime),
    )
    tmp = receipt_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(receipt.__dict__, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(receipt_path)  # the receipt appears last: a half-archived file has none
    return receipt, True


UNDATED = "undated"


def month_folder(month: object) -> str:
    """The folder of a reporting month in a landed table: ``2026-06``, or ``undated``."""
    return f"{month:%Y-%m}" if isinstance(month, date) else UNDATED


def table_folder(home: Home, family: str, table: str) -> Path:
    """Where a landed table's batches are (in month folders, or at the top for exports)."""
    return home.landing / family / table


def table_glob(home: Home, family: str, table: str) -> Path:
    """Every landed file of one table, whatever its batch or month."""
    return table_folder(home, family, table) / "**" / "*.parquet"


class UndeclaredColumnError(ValueError):
    """A parsed row holds a column its landed table does not declare (a developer error)."""


def _check_declared(rows: list[dict[str, Any]], schema: dict[str, str], path: Path) -> None:
    """Refuse rows with columns outside the schema: what is parsed must land or be refused."""
    undeclared = {name for row in rows for name in row} - schema.keys()
    if undeclared:
        raise UndeclaredColumnError(
            f"{path.parent.name}: columns {sorted(undeclared)} are parsed but not declared; "
            "declare them in the source's contract (sources/contracts/).")


class ParquetWriter:
    """Writes row lists as typed Parquet files through one in-memory DuckDB connection.

    Opening a connection per file cost 18 ms of the 23 ms per write on the demo inbox
    (3,000 writes); sharing one brings a write to a few milliseconds.
    """

    def __init__(self) -> None:
        self._con = duckdb.connect()

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._con.close()

    def write(self, rows: list[dict[str, Any]], schema: dict[str, str], path: Path) -> None:
        """Write rows with exact column types (atomically: tmp file, then rename).

        Raises:
            UndeclaredColumnError: A row holds a column the schema does not declare; it
                would otherwise be parsed and then silently dropped.
        """
        _check_declared(rows, schema, path)
        self.write_columns({name: [row.get(name) for row in rows] for name in schema},
                           schema, path)

    def write_columns(self, columns: dict[str, list[Any]], schema: dict[str, str],
                      path: Path) -> None:
        """Write column lists (one per schema column, equal lengths) as typed Parquet."""
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame({name: pd.Series(columns[name], dtype="object")
                              for name in schema})
        tmp = path.with_suffix(".parquet.tmp")
        self._con.register("landed_rows", frame)
        try:
            self._con.execute(f"copy ({typed_select(schema, 'landed_rows')}) to '{tmp}' "
                              "(format parquet)")
        finally:
            self._con.unregister("landed_rows")
        tmp.replace(path)


def typed_select(schema: dict[str, str], relation: str) -> str:
    """``select`` of ``relation``'s columns cast to the landed types, in landed order."""
    casts = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in schema.items())
    return f"select {casts} from {relation}"


def write_parquet(rows: list[dict[str, Any]], schema: dict[str, str], path: Path) -> None:
    """Write one Parquet file (opens its own connection; use ParquetWriter for many)."""
    with ParquetWriter() as writer:
        writer.write(rows, schema, path)


# The zero-row file that gives each table its schema. Its name must not start with "_" or
# ".": Spark skips such files as hidden, and would then find no schema for a table with no
# batch yet. Homes landed before keep "_empty.parquet", replaced on the next ingest.
EMPTY_FILE = "empty.parquet"
LEGACY_EMPTY_FILE = "_empty.parquet"
EMPTY_STEMS = frozenset({"empty", "_empty"})


def write_empty_table(folder: Path, schema: dict[str, str]) -> None:
    """Write the table's zero-row file (and drop the one of the older name)."""
    write_parquet([], schema, folder / EMPTY_FILE)
    (folder / LEGACY_EMPTY_FILE).unlink(missing_ok=True)


def ensure_empty_tables(home: Home, family: str, tables: list[str]) -> None:
    """A zero-row file per table so the warehouse builds even before the first submission.

    Rewritten every time (it holds no data), so a column added to a table's schema is known
    to the warehouse even when every landed file predates it.
    """
    for table in tables:
        write_empty_table(home.landing / family / table, TABLE_SCHEMAS[table])


def submission_record(submission: ParsedSubmission, receipt: Receipt,
                      rows_loaded: int) -> dict[str, Any]:
    """The file-level record: identity, sender and period from the title block, verdict."""
    metadata = submission.metadata
    return {
        "file_sha256": submission.sha256,
        "file_name": receipt.original_name,
        "original_path": receipt.original_path,
        "size_bytes": receipt.size_bytes,
        "received_at": receipt.received_at_dt,
        "submitted_at": receipt.submitted_at_dt,
        "source": submission.source,
        "family": submission.family,
        "reporting_agency_id": metadata.get("reporting_agency"),
        "reporting_month": metadata.get("reporting_month"),
        "as_of_date": metadata.get("as_of_date"),
        "rows_read": submission.rows_read,
        "rows_loaded": rows_loaded,
        "rows_quarantined": submission.rows_quarantined,
        "errors": len(submission.errors),
        "warnings": len(submission.warnings),
        "accepted": submission.accepted,
        "legacy_encoding": ", ".join(sorted(set(submission.legacy_encodings.values()))) or None,
    }


def _quarantine_row(problem: Problem, sha256: str, received_at: datetime,
                    source: str | None) -> dict[str, Any]:
    return {
        "file_sha256": sha256,
        "received_at": received_at,
        "source": source,
        "file_name": problem.file,
        "sheet_name": problem.sheet,
        "row_number": problem.row,
        "column_label": problem.column,
        "raw_value": problem.value,
        "rule": problem.rule,
        "severity": problem.severity,
        "message_vi": problem.message_vi,
        "message_en": problem.message_en,
    }


def latest_received_month(home: Home, source: str | None = None) -> date | None:
    """The latest month a received file reported on (of ``source`` only, when given).

    Read from the submission records, which every ingest brings up to date, rejected files
    included; None before anything with a month has been received.
    """
    records = home.landing / "submission"
    if not any(records.glob("*.parquet")):
        return None
    with duckdb.connect() as con:
        (month,) = con.execute(
            "select max(reporting_month) from read_parquet(?, union_by_name = true) "
            "where ? is null or source = ?", [str(records / "*.parquet"), source, source],
        ).fetchone()
    return month


def ensure_ingest_tables(home: Home) -> None:
    """Zero-row files for the tables every family writes to: submissions and quarantine.

    Also the list of files set aside, when no decision has written it yet: the warehouse
    reads it on every build (``lib.quality.set_aside`` rewrites it from the review logs).
    """
    for table in ("submission", "quarantine"):
        write_empty_table(home.landing / table, TABLE_SCHEMAS[table])
    if not home.set_aside_list.exists():
        write_parquet([], TABLE_SCHEMAS["set_aside"], home.set_aside_list)


# Rows a landing batch buffers before it is written: ~100 MB of Python values at most.
BATCH_ROWS = 200_000


class _Columns:
    """Rows of one landed table buffered column by column until their batch is written.

    A list per column holds the values only; a dict per row would also hold every key.
    """

    def __init__(self, schema: dict[str, str], folder: Path) -> None:
        self.schema = schema
        self.folder = folder
        self.columns: dict[str, list[Any]] = {name: [] for name in schema}
        self.count = 0

    def extend(self, rows: list[dict[str, Any]], **extra: Any) -> None:
        _check_declared(rows, self.schema, self.folder)
        for name, values in self.columns.items():
            if name in extra:
                values.extend([extra[name]] * len(rows))
            else:
                values.extend(row.get(name) for row in rows)
        self.count += len(rows)


class LandingBatch:
    """Lands many parsed files together: one Parquet file per table and month, then commits.

    ``add`` buffers a file's rows, record and problems; the batch is written when it holds
    ``max_rows`` rows (so memory stays bounded whatever the inbox holds) and when the batch
    closes. Every write is its own batch with its own id, committed by its quarantine file.
    A file added twice (the same bytes under two names) lands once.
    """

    def __init__(self, home: Home, writer: ParquetWriter, *, max_rows: int | None = None,
                 batch_id: str | None = None) -> None:
        self.home = home
        self.writer = writer
        self.max_rows = max_rows or BATCH_ROWS
        self._fixed_id = batch_id
        self._tables: dict[tuple[str, str, str], _Columns] = {}
        self._records: list[dict[str, Any]] = []
        self._problems: list[dict[str, Any]] = []
        self._shas: set[str] = set()
        self._rows = 0
        self.batches: list[str] = []

    def __enter__(self) -> LandingBatch:
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        if exc_type is None:
            self.flush()

    def __contains__(self, sha256: str) -> bool:
        return sha256 in self._shas

    def add(self, submission: ParsedSubmission, receipt: Receipt) -> dict[str, int]:
        """Buffer one parsed file; return rows it adds per table (nothing if already added)."""
        if submission.sha256 in self._shas:
            return {}
        self._shas.add(submission.sha256)
        written: dict[str, int] = {}
        received_at = receipt.received_at_dt
        month = month_folder(submission.metadata.get("reporting_month"))
        if submission.family and submission.table:
            tables = {submission.table: submission.rows, **submission.child_rows}
            for table, rows in tables.items():
                self._buffer(submission.family, table, month).extend(
                    rows, **({"received_at": received_at} if table == submission.table
                             else {}))
                written[table] = len(rows)
        self._records.append(
            submission_record(submission, receipt, written.get(submission.table or "", 0)))
        self._problems.extend(_quarantine_row(problem, submission.sha256, received_at,
                                              submission.source)
                              for problem in submission.problems)
        written["quarantine"] = len(submission.problems)
        self._rows += sum(written.values())
        if self._rows >= self.max_rows:
            self.flush()
        return written

    def _buffer(self, family: str, table: str, month: str) -> _Columns:
        key = (family, table, month)
        if key not in self._tables:
            self._tables[key] = _Columns(TABLE_SCHEMAS[table],
                                         table_folder(self.home, family, table) / month)
        return self._tables[key]

    def flush(self) -> str | None:
        """Write what is buffered as one committed batch; its id, or None if it was empty.

        Tables first, then the files' records, then the quarantine: the commit mark.
        """
        if not self._records:
            return None
        batch_id = self._fixed_id or new_batch_id()
        for buffered in self._tables.values():
            self.writer.write_columns(buffered.columns, buffered.schema,
                                      buffered.folder / f"{batch_id}.parquet")
        self.writer.write(self._records, TABLE_SCHEMAS["submission"],
                          self.home.landing / "submission" / f"{batch_id}.parquet")
        self.writer.write(self._problems, TABLE_SCHEMAS["quarantine"],
                          quarantine_path(self.home, batch_id))
        self._tables, self._records, self._problems, self._rows = {}, [], [], 0
        self.batches.append(batch_id)
        return batch_id


def new_batch_id() -> str:
    """A batch's name: when it was written (sortable) and a random part (unique)."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}"


def quarantine_path(home: Home, batch_id: str) -> Path:
    """A batch's quarantine file, written last: its presence commits the batch."""
    return home.landing / "quarantine" / f"{batch_id}.parquet"


def committed_batches(home: Home) -> set[str]:
    """The ids of every committed batch (their quarantine files are written)."""
    folder = home.landing / "quarantine"
    return {path.stem for path in folder.glob("*.parquet")} - EMPTY_STEMS \
        if folder.is_dir() else set()


def discard_unfinished_batches(home: Home) -> list[Path]:
    """Remove the files of batches cut short before their commit; return what was removed.

    Run by ingestion before it lands anything (it holds the home's writer lock): the files
    of such a batch are not landed, so the next ingest lands them again, and rows left from
    the cut-short attempt would be counted twice.
    """
    committed = committed_batches(home)
    removed: list[Path] = []
    if not home.landing.is_dir():
        return removed
    for path in sorted(home.landing.rglob("*.parquet*")):
        stem = path.name.split(".", 1)[0]
        if path.parent.name == "quarantine" or stem in EMPTY_STEMS:
            if path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
                removed.append(path)
            continue
        if path.name.endswith(".tmp") or stem not in committed:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def landed_files(home: Home) -> set[str]:
    """SHA-256 of every received file whose rows are landed (in a committed batch)."""
    committed = committed_batches(home)
    records = home.landing / "submission"
    if not committed or not records.is_dir():
        return set()
    with duckdb.connect() as con:
        rows = con.execute(
            "select distinct file_sha256, filename from read_parquet(?, filename = true, "
            "union_by_name = true)", [str(records / "*.parquet")]).fetchall()
    return {sha for sha, name in rows if Path(name).stem in committed}


def land_submission(home: Home, submission: ParsedSubmission, receipt: Receipt,
                    writer: ParquetWriter) -> dict[str, int]:
    """Land one parsed file as a batch of its own, named by its SHA-256."""
    with LandingBatch(home, writer, batch_id=submission.sha256) as batch:
        return batch.add(submission, receipt)
