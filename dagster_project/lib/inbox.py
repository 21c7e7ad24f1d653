"""Take in a folder of submissions: parse each new file once, archive it, land its rows.

Every file is read once, whatever its family; the contract it matches decides where its
rows land. Reading it again for each family would multiply the slowest step of a run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.lib.families import FAMILY_TABLES
from dagster_project.lib.isolation import Limits, parse_files
from dagster_project.lib.landing import (
    ParquetWriter,
    archive_file,
    ensure_empty_tables,
    ensure_ingest_tables,
    land_submission,
)
from dagster_project.lib.paths import Home
from dagster_project.lib.submission import ParsedSubmission, file_sha256
from dagster_project.lib.workbook import SUPPORTED_SUFFIXES


@dataclass
class IngestSummary:
    """What one pass over the inbox did, for asset metadata and the CLI."""

    files_seen: int = 0
    files_new: int = 0
    files_already_landed: int = 0
    files_accepted: int = 0
    files_rejected: int = 0
    rows_landed: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    rejected: list[ParsedSubmission] = field(default_factory=list)

    def add_rows(self, written: dict[str, int]) -> None:
        """Accumulate rows written per table."""
        for table, count in written.items():
            self.rows_landed[table] = self.rows_landed.get(table, 0) + count


def inbox_files(inbox: Path) -> list[Path]:
    """Spreadsheet files under the inbox, in a stable order (sub-folders included)."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"Inbox not found / Không tìm thấy thư mục: {inbox}")
    return sorted(
        path for path in inbox.rglob("*")
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


def _already_landed(home: Home, sha256: str) -> bool:
    """Landing writes the quarantine file last, so its presence means the file is done."""
    receipt = home.archive / sha256[:2] / sha256 / "receipt.json"
    return receipt.exists() and (home.landing / "quarantine" / f"{sha256}.parquet").exists()


def ingest_inbox(
    home: Home,
    inbox: Path,
    *,
    log: Callable[[str], None] = lambda _message: None,
    limits: Limits | None = None,
) -> IngestSummary:
    """Archive and land every new file found in the inbox, whatever its family.

    Files already archived (same SHA-256) are skipped, so re-running on the same inbox is a
    no-op. New files are parsed in isolated worker processes (see ``isolation``); files that
    match no contract are archived and reported as rejected.
    """
    for family, tables in FAMILY_TABLES.items():
        ensure_empty_tables(home, family, list(tables))
    ensure_ingest_tables(home)
    summary = IngestSummary()
    files = inbox_files(inbox)
    summary.files_seen = len(files)
    new_files = [path for path in files if not _already_landed(home, file_sha256(path))]
    summary.files_already_landed = len(files) - len(new_files)
    log(f"{len(files)} files in the inbox, {len(new_files)} new")
    with ParquetWriter() as writer:
        for number, submission in enumerate(parse_files(new_files, limits), start=1):
            _land(home, submission, writer, summary)
            if number % 250 == 0:
                log(f"{number}/{len(new_files)} files landed")
    return summary


def _land(home: Home, submission: ParsedSubmission, writer: ParquetWriter,
          summary: IngestSummary) -> None:
    """Archive one parsed file and land its rows and problems."""
    receipt, is_new = archive_file(home, submission)
    summary.files_new += int(is_new)
    summary.add_rows(land_submission(home, submission, receipt, writer))
    summary.rows_quarantined += submission.rows_quarantined
    if submission.accepted:
        summary.files_accepted += 1
    else:
        summary.files_rejected += 1
        summary.rejected.append(submission)
