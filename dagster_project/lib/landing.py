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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dagster_project.lib.paths import Home
from dagster_project.lib.regular_files import open_regular
from dagster_project.lib.submission import ParsedSubmission, Problem

LINEAGE_COLUMNS = {
    "file_sha256": "VARCHAR",
    "file_name": "VARCHAR",
    "sheet_name": "VARCHAR",
    "row_number": "INTEGER",
    "received_at": "TIMESTAMP",
    # JSON object: column -> the cell text as submitted, where normalisation or a
    # legacy-encoding conversion changed it; null when the row was stored as written.
    "original_values": "VARCHAR",
}

# One row per agency named in a row's lead or coordinating column ("<table>_agencies").
AGENCY_LINK_COLUMNS = {
    "file_sha256": "VARCHAR",
    "task_code": "VARCHAR",
    "role": "VARCHAR",
    "position": "INTEGER",
    "agency_text": "VARCHAR",
    "agency_id": "VARCHAR",
}

# Landed column types per table. Parsing has already happened, so these are exact types.
TABLE_SCHEMAS: dict[str, dict[str, str]] = {
    "register": {
        **LINEAGE_COLUMNS,
        "task_code": "VARCHAR",
        "source_document": "VARCHAR",
        "assigned_date": "DATE",
        "task_group": "VARCHAR",
        "task_name": "VARCHAR",
        "lead_agencies_text": "VARCHAR",
        "coordinating_agencies_text": "VARCHAR",
        "expected_product": "VARCHAR",
        "deadline_text": "VARCHAR",
        "due_date": "DATE",
        "recurrence": "VARCHAR",
        "note": "VARCHAR",
    },
    "register_agencies": AGENCY_LINK_COLUMNS,
    "progress_report": {
        **LINEAGE_COLUMNS,
        "reporting_agency_id": "VARCHAR",
        "reporting_month": "DATE",
        "as_of_date": "DATE",
        "task_group": "VARCHAR",
        "task_code": "VARCHAR",
        "task_name": "VARCHAR",
        "status": "VARCHAR",
        "status_text": "VARCHAR",
        "completion_date": "DATE",
        "product": "VARCHAR",
        "evidence": "VARCHAR",
        "difficulties": "VARCHAR",
    },
    "plan_item": {
        **LINEAGE_COLUMNS,
        "item_key": "VARCHAR",
        "document_title": "VARCHAR",
        "plan_year": "INTEGER",
        "task_group": "VARCHAR",
        "seq": "VARCHAR",
        "task_name": "VARCHAR",
        "lead_agencies_text": "VARCHAR",
        "coordinating_agencies_text": "VARCHAR",
        "expected_product": "VARCHAR",
        "deadline_text": "VARCHAR",
        "due_date": "DATE",
        "recurrence": "VARCHAR",
        "note": "VARCHAR",
    },
    "plan_item_agencies": AGENCY_LINK_COLUMNS,
    # National databases: the programme lands as the contract's word-list code ("status") and
    # the text as written; criteria met as the text the pattern accepted ("17" or "17/19").
    "csdl_registry": {
        **LINEAGE_COLUMNS,
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "database_code": "VARCHAR",
        "database_name": "VARCHAR",
        "status": "VARCHAR",
        "status_text": "VARCHAR",
        "owner_agency": "VARCHAR",
        "legal_basis": "VARCHAR",
        "note": "VARCHAR",
    },
    "csdl_status": {
        **LINEAGE_COLUMNS,
        "reporting_agency_id": "VARCHAR",
        "reporting_month": "DATE",
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "database_code": "VARCHAR",
        "database_name": "VARCHAR",
        "criteria_met": "VARCHAR",
        "is_reconciled": "BOOLEAN",
        "is_synced": "BOOLEAN",
        "note": "VARCHAR",
    },
    # Indicators: the register and results reports, plus what lib.targets reads from their
    # text (the target parts as a child table, each actual's period and figure).
    "indicator": {
        **LINEAGE_COLUMNS,
        "item_key": "VARCHAR",
        "document_title": "VARCHAR",
        "seq": "VARCHAR",
        "indicator_id": "VARCHAR",
        "indicator_name": "VARCHAR",
        "target_text": "VARCHAR",
        "target_year": "INTEGER",
        "responsible_agency_id": "VARCHAR",
        "source_document": "VARCHAR",
        "note": "VARCHAR",
        # False for a qualitative target (no figure): kept, assessed only by override.
        "is_quantitative": "BOOLEAN",
        "target_parts": "INTEGER",
    },
    # One row per measurable part of a target ("top 3 Đông Nam Á, top 50 thế giới" is two).
    "indicator_target": {
        "file_sha256": "VARCHAR",
        "indicator_id": "VARCHAR",
        "target_part": "INTEGER",
        "comparator": "VARCHAR",
        "target_value": "DOUBLE",
        "target_value_high": "DOUBLE",
        "unit": "VARCHAR",
        "scope": "VARCHAR",
        "qualifier": "VARCHAR",
        "target_year": "INTEGER",
        "target_text": "VARCHAR",
    },
    "indicator_actual": {
        **LINEAGE_COLUMNS,
        "item_key": "VARCHAR",
        "reporting_agency_id": "VARCHAR",
        "reporting_month": "DATE",
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "indicator_id": "VARCHAR",
        "indicator_name": "VARCHAR",
        "period_text": "VARCHAR",
        "period_grain": "VARCHAR",
        "period_start": "DATE",
        "period_end": "DATE",
        "period_label": "VARCHAR",
        "actual_text": "VARCHAR",
        # False for "Chưa có số liệu": no data, which is not zero.
        "has_data": "BOOLEAN",
        "actual_value": "DOUBLE",
        "actual_unit": "VARCHAR",
        "actual_scope": "VARCHAR",
        "actual_numerator": "DOUBLE",
        "actual_denominator": "DOUBLE",
        "is_approximate": "BOOLEAN",
        "data_source": "VARCHAR",
        "note": "VARCHAR",
    },
    # Budget: amounts in tỷ đồng as the exports write them; a blank disbursement cell lands as
    # null ("no figure"), never as 0.
    "budget_allocation": {
        **LINEAGE_COLUMNS,
        "item_key": "VARCHAR",
        "reporting_agency_id": "VARCHAR",
        "fiscal_year": "INTEGER",
        "as_of_date": "DATE",
        # The cover line's national totals as written ("103.430,00"); read in dbt.
        "national_total_text": "VARCHAR",
        "national_allocated_text": "VARCHAR",
        "national_estimate_text": "VARCHAR",
        "seq": "VARCHAR",
        "agency": "VARCHAR",
        # The pillar lands through the contract's word list: code and text as written.
        "status": "VARCHAR",
        "status_text": "VARCHAR",
        "total_budget": "DOUBLE",
        "allocated_budget": "DOUBLE",
        "assigned_estimate": "DOUBLE",
        "note": "VARCHAR",
    },
    "budget_disbursement": {
        **LINEAGE_COLUMNS,
        "item_key": "VARCHAR",
        "reporting_agency_id": "VARCHAR",
        "fiscal_year": "INTEGER",
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "agency": "VARCHAR",
        "commune_code": "VARCHAR",
        "commune_name": "VARCHAR",
        "status": "VARCHAR",
        "status_text": "VARCHAR",
        "disbursed": "DOUBLE",
        "note": "VARCHAR",
    },
    # Public services: the portal's monthly dossier counts per body (each rate's numerator
    # beside its own base; a blank pair lands as nulls, "no figure"), and the feedback
    # system's items with the body handling each.
    "public_service": {
        **LINEAGE_COLUMNS,
        "reporting_agency_id": "VARCHAR",
        "reporting_month": "DATE",
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "agency": "VARCHAR",
        "dossiers_received": "BIGINT",
        "dossiers_online": "BIGINT",
        "digitisation_base": "BIGINT",
        "dossiers_digitised": "BIGINT",
        "reuse_base": "BIGINT",
        "dossiers_reused": "BIGINT",
        "dossiers_resolved": "BIGINT",
        "results_electronic": "BIGINT",
        "payment_base": "BIGINT",
        "dossiers_paid_online": "BIGINT",
        "note": "VARCHAR",
    },
    "feedback_item": {
        **LINEAGE_COLUMNS,
        "reporting_agency_id": "VARCHAR",
        "as_of_date": "DATE",
        "seq": "VARCHAR",
        "item_code": "VARCHAR",
        "received_date": "DATE",
        "item_kind": "VARCHAR",
        "topic": "VARCHAR",
        "summary": "VARCHAR",
        "handling_agency": "VARCHAR",
        "status": "VARCHAR",
        "status_text": "VARCHAR",
        "handled_date": "DATE",
    },
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
        """Write rows with exact column types (atomically: tmp file, then rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame.from_records(rows, columns=list(schema)) if rows else pd.DataFrame(
            {column: pd.Series([], dtype="object") for column in schema})
        tmp = path.with_suffix(".parquet.tmp")
        casts = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in schema.items())
        self._con.register("landed_rows", frame)
        try:
            self._con.execute(f"copy (select {casts} from landed_rows) to '{tmp}' (format parquet)")
        finally:
            self._con.unregister("landed_rows")
        tmp.replace(path)


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


def _submission_row(submission: ParsedSubmission, receipt: Receipt,
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


def ensure_ingest_tables(home: Home) -> None:
    """Zero-row files for the tables every family writes to: submissions and quarantine."""
    for table in ("submission", "quarantine"):
        write_parquet([], TABLE_SCHEMAS[table], home.landing / table / "_empty.parquet")


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
    record = _submission_row(submission, receipt, written.get(submission.table or "", 0))
    writer.write([record], TABLE_SCHEMAS["submission"],
                 home.landing / "submission" / f"{submission.sha256}.parquet")
    problems = [_quarantine_row(problem, submission.sha256, received_at, submission.source)
                for problem in submission.problems]
    writer.write(problems, TABLE_SCHEMAS["quarantine"],
                  home.landing / "quarantine" / f"{submission.sha256}.parquet")
    written["quarantine"] = len(problems)
    return written
