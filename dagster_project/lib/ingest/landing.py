"""The landing zone: an immutable archive of received files and their parsed rows as Parquet.

Every received file is copied once into ``archive/<sha[:2]>/<sha256>/`` with a
``receipt.json`` (who, when, what); re-ingesting the same bytes is a no-op. A receipt keeps
two times: ``received_at``, when ingestion archived the file, and ``submitted_at``, the inbox
file's modification time then (when it arrived in the inbox), which deadlines are judged by.
Parsed rows land as ``landing/<family>/<table>/<sha256>.parquet`` and rejected rows as
``landing/quarantine/<sha256>.parquet``, with the file's record and verdict in
``landing/submission/<sha256>.parquet``, so the warehouse can always be rebuilt from here.
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


def table_path(home: Home, family: str, table: str, sha256: str) -> Path:
    """Where one file's rows of one table land."""
    return home.landing / family / table / f"{sha256}.parquet"


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
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame.from_records(rows, columns=list(schema)) if rows else pd.DataFrame(
            {column: pd.Series([], dtype="object") for column in schema})
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


def ensure_empty_tables(home: Home, family: str, tables: list[str]) -> None:
    """A zero-row file per table so the warehouse builds even before the first submission.

    Rewritten every time (it holds no data), so a column added to a table's schema is known
    to the warehouse even when every landed file predates it.
    """
    for table in tables:
        write_parquet([], TABLE_SCHEMAS[table], home.landing / family / table / "_empty.parquet")


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
        write_parquet([], TABLE_SCHEMAS[table], home.landing / table / "_empty.parquet")
    if not home.set_aside_list.exists():
        write_parquet([], TABLE_SCHEMAS["set_aside"], home.set_aside_list)


def land_submission(home: Home, submission: ParsedSubmission, receipt: Receipt,
                    writer: ParquetWriter) -> dict[str, int]:
    """Write a parsed submission's rows and quarantine; return rows written per table."""
    written: dict[str, int] = {}
    received_at = receipt.received_at_dt
    if submission.family and submission.table:
        rows = [{**row, "received_at": received_at} for row in submission.rows]
        writer.write(rows, TABLE_SCHEMAS[submission.table],
                      table_path(home, submission.family, submission.table, submission.sha256))
        written[submission.table] = len(rows)
        for table, child_rows in submission.child_rows.items():
            writer.write(child_rows, TABLE_SCHEMAS[table],
                          table_path(home, submission.family, table, submission.sha256))
            written[table] = len(child_rows)
    record = submission_record(submission, receipt, written.get(submission.table or "", 0))
    writer.write([record], TABLE_SCHEMAS["submission"],
                 home.landing / "submission" / f"{submission.sha256}.parquet")
    problems = [_quarantine_row(problem, submission.sha256, received_at, submission.source)
                for problem in submission.problems]
    writer.write(problems, TABLE_SCHEMAS["quarantine"],
                  home.landing / "quarantine" / f"{submission.sha256}.parquet")
    written["quarantine"] = len(problems)
    return written
