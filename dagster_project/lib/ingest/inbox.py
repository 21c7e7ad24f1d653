"""Take in a folder of submissions: parse each new file once, archive it, land its rows.

Every file is read once, whatever its family; the contract it matches decides where its
rows land. Reading it again for each family would multiply the slowest step of a run.

Only regular files are taken in. Links, pipes, devices and sockets in the inbox are never
opened or followed (a link to a system file would otherwise be archived as a submission);
they are reported as rejected with the rule ``not_a_regular_file``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.contracts import ExportContract
from dagster_project.lib.ingest.exports import (
    EXPORT_SUFFIXES,
    ExportOutcome,
    land_export,
    match_export,
)
from dagster_project.lib.ingest.families import FAMILY_TABLES
from dagster_project.lib.ingest.isolation import Limits, parse_files
from dagster_project.lib.ingest.landing import (
    TABLE_SCHEMAS,
    LandingBatch,
    ParquetWriter,
    archive_file,
    discard_unfinished_batches,
    ensure_empty_tables,
    ensure_ingest_tables,
    land_submission,
    landed_files,
    submission_record,
    table_folder,
)
from dagster_project.lib.ingest.regular_files import NotRegularFileError, kind_of_mode
from dagster_project.lib.ingest.submission import (
    ParsedSubmission,
    Problem,
    file_sha256,
    not_regular_submission,
)
from dagster_project.lib.ingest.workbook import SUPPORTED_SUFFIXES
from dagster_project.lib.reference.agencies import AgencyDirectory
from dagster_project.lib.text.progress import progress


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
    # Links, pipes, devices…: rejected unread, neither archived nor landed (counted in
    # files_seen and files_rejected).
    not_regular: list[ParsedSubmission] = field(default_factory=list)

    def add_rows(self, written: dict[str, int]) -> None:
        """Accumulate rows written per table."""
        for table, count in written.items():
            self.rows_landed[table] = self.rows_landed.get(table, 0) + count

    def reject_not_regular(self, submission: ParsedSubmission) -> None:
        """Record a path that is not a regular file; nothing of it is archived or landed."""
        self.not_regular.append(submission)
        self.files_rejected += 1


@dataclass(frozen=True)
class InboxListing:
    """What the inbox holds: spreadsheet files to read, and entries never to open."""

    files: list[Path]
    not_regular: list[tuple[Path, str]]  # (path, kind: "symlink", "fifo", …)


def _entry_kind(entry: os.DirEntry[str]) -> str | None:
    """What an inbox entry is (None for a regular file), from lstat: links are not followed."""
    return kind_of_mode(entry.stat(follow_symlinks=False).st_mode)


def list_inbox(inbox: Path) -> InboxListing:
    """Walk the inbox without following links, in a stable order (sub-folders included).

    Regular files with a spreadsheet or export suffix (CSV, Parquet) are to be read. Every
    other entry that is not a folder (a link to anything, a pipe, a device, a socket) is
    listed to be reported, whatever its name: it cannot be a submission, and a link to a
    folder would hide what it holds.
    Names starting with "~$" (Excel lock files) or "." are skipped.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"Inbox not found / Không tìm thấy thư mục: {inbox}")
    files: list[Path] = []
    not_regular: list[tuple[Path, str]] = []
    folders = [inbox]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                try:
                    kind = _entry_kind(entry)
                except FileNotFoundError:  # removed while the folder was being read
                    continue
                if kind == "directory":
                    folders.append(Path(entry.path))
                elif entry.name.startswith(("~$", ".")):
                    continue
                elif kind is not None:
                    not_regular.append((Path(entry.path), kind))
                elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES | EXPORT_SUFFIXES:
                    files.append(Path(entry.path))
    return InboxListing(sorted(files), sorted(not_regular))


def inbox_files(inbox: Path) -> list[Path]:
    """Regular spreadsheet files under the inbox, in a stable order (sub-folders included)."""
    return list_inbox(inbox).files


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
    match no contract are archived and reported as rejected. Entries that are not regular
    files (links, pipes, devices) are reported in ``summary.not_regular`` and never read.
    """
    removed = discard_unfinished_batches(home)
    if removed:
        log(f"{len(removed)} landed file(s) of an ingest cut short removed; "
            "their files are landed again")
    for family, tables in FAMILY_TABLES.items():
        ensure_empty_tables(home, family, list(tables))
    ensure_ingest_tables(home)
    summary = IngestSummary()
    listing = list_inbox(inbox)
    files = listing.files
    summary.files_seen = len(files) + len(listing.not_regular)
    for path, kind in listing.not_regular:
        summary.reject_not_regular(not_regular_submission(path, kind))
    new_files = _new_files(home, files, summary)
    log(f"{len(files)} files in the inbox, {len(new_files)} new"
        + (f", {len(listing.not_regular)} not regular files (rejected unread)"
           if listing.not_regular else ""))
    exports = {path: found for path in new_files if (found := match_export(path)) is not None}
    sheets = [path for path in new_files if path not in exports]
    with ParquetWriter() as writer:
        for path, (export, mapping) in exports.items():
            log(f"{path.name}: {export.contract.label_en}, read by DuckDB")
            _land_export(home, path, new_files[path], export, mapping, writer, summary)
        with progress("Reading files / Đọc tệp", total=len(sheets)) as bar:
            parsed = parse_files(sheets, limits, parsed=bar.advance)
        with (progress("Landing files / Tiếp nhận tệp", total=len(sheets)) as bar,
              LandingBatch(home, writer) as batch):
            for number, submission in enumerate(parsed, start=1):
                _land(home, submission, batch, summary)
                bar.advance()
                if number % 250 == 0:
                    log(f"{number}/{len(sheets)} files landed")
    return summary


def _new_files(home: Home, files: list[Path], summary: IngestSummary) -> dict[Path, str]:
    """The files not landed yet, with their SHA-256; one replaced by a link is rejected unread.

    A file whose size, modification time and inode are those it had when it was last found
    landed is not hashed again (``landed_hashes.json`` in the home, as git's index does):
    an inbox that keeps a year of multi-gigabyte exports would otherwise be read whole on
    every run. A file not known to be landed is always hashed afresh.
    """
    known = _load_landed_hashes(home)
    landed_before = landed_files(home)
    seen: dict[str, list[object]] = {}
    new_files: dict[Path, str] = {}
    for path in files:
        try:
            info = path.lstat()
            stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
            cached = known.get(str(path))
            if cached is not None and cached[:3] == stamp and cached[3] in landed_before:
                seen[str(path)] = cached
                summary.files_already_landed += 1
                continue
            sha256 = file_sha256(path)
            landed = sha256 in landed_before
        except NotRegularFileError as error:
            summary.reject_not_regular(not_regular_submission(path, error.kind))
            continue
        except OSError:
            # vanished or unreadable: parsing records why, nothing is archived
            new_files[path] = ""
            continue
        if landed:
            seen[str(path)] = [*stamp, sha256]
            summary.files_already_landed += 1
        else:
            new_files[path] = sha256
    _save_landed_hashes(home, seen)
    return new_files


def _landed_hashes_path(home: Home) -> Path:
    return home.root / "landed_hashes.json"


def pending_files(home: Home, inbox: Path) -> dict[Path, str | None]:
    """Inbox files not landed yet, with their SHA-256 (None if unreadable): changes nothing.

    For ``nq57 status`` and the inbox sensor. Like a run, it trusts ``landed_hashes.json``
    for a file whose size, time and inode are unchanged and hashes any other file; unlike
    a run, it records nothing.
    """
    known = _load_landed_hashes(home)
    landed = landed_files(home)
    pending: dict[Path, str | None] = {}
    for path in list_inbox(inbox).files:
        try:
            info = path.lstat()
            cached = known.get(str(path))
            stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
            sha256 = (str(cached[3]) if cached is not None and cached[:3] == stamp
                      else file_sha256(path))
        except OSError:
            pending[path] = None  # unreadable now: the run will reject it with its reason
            continue
        if sha256 not in landed:
            pending[path] = sha256
    return pending


def _load_landed_hashes(home: Home) -> dict[str, list[object]]:
    try:
        loaded = json.loads(_landed_hashes_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _save_landed_hashes(home: Home, seen: dict[str, list[object]]) -> None:
    """Remember the landed files found this time (written atomically; a cache only)."""
    path = _landed_hashes_path(home)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(seen), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only or full home: the next run hashes again


def waiting_files(home: Home, inbox: Path) -> list[Path]:
    """What a run would read or report: files not landed yet, and non-regular entries.

    Entries that are not regular files count because every run reports them as rejected.
    """
    listing = list_inbox(inbox)
    summary = IngestSummary()
    new_files = _new_files(home, listing.files, summary)
    return [*new_files, *(path for path, _ in listing.not_regular),
            *(item.path for item in summary.not_regular)]


def _not_archivable(submission: ParsedSubmission, summary: IngestSummary) -> bool:
    """Record a file nothing can be archived of: not a regular file, or not readable."""
    if submission.sha256:
        return False
    if any(problem.rule == "not_a_regular_file" for problem in submission.problems):
        summary.reject_not_regular(submission)
    else:
        summary.files_rejected += 1
        summary.rejected.append(submission)
    return True


def _land(home: Home, submission: ParsedSubmission, batch: LandingBatch,
          summary: IngestSummary) -> None:
    """Archive one parsed file and add its rows and problems to the landing batch."""
    if _not_archivable(submission, summary):
        return
    try:
        receipt, is_new = archive_file(home, submission)
    except NotRegularFileError as error:  # replaced by a link after it was parsed
        summary.reject_not_regular(not_regular_submission(submission.path, error.kind))
        return
    summary.files_new += int(is_new)
    summary.add_rows(batch.add(submission, receipt))
    summary.rows_quarantined += submission.rows_quarantined
    if submission.accepted:
        summary.files_accepted += 1
    else:
        summary.files_rejected += 1
        summary.rejected.append(submission)


def _land_export(home: Home, path: Path, sha256: str, export: ExportContract,
                 mapping: dict[str, str], writer: ParquetWriter, summary: IngestSummary) -> None:
    """Archive one system export, then land it from the archived copy with DuckDB.

    DuckDB reads the archive's copy, never the inbox entry: the copy was taken without
    following links (``landing.archive_file``), so what lands is what was archived.
    """
    contract = export.contract
    try:
        submission = ParsedSubmission(path, sha256 or file_sha256(path), contract.source,
                                      contract.family, contract.table)
        receipt, is_new = archive_file(home, submission)
    except NotRegularFileError as error:
        summary.reject_not_regular(not_regular_submission(path, error.kind))
        return
    summary.files_new += int(is_new)
    archived = home.archive / receipt.sha256[:2] / receipt.sha256 / receipt.original_name

    def record(outcome: ExportOutcome) -> None:
        submission.metadata["reporting_month"] = outcome.last_month
        submission.problems = outcome.sample
        writer.write([{**submission_record(submission, receipt, outcome.rows_loaded),
                       "rows_read": outcome.rows_read,
                       "rows_quarantined": outcome.rows_quarantined,
                       "errors": outcome.errors, "warnings": outcome.warnings,
                       "accepted": outcome.errors == 0}],
                     TABLE_SCHEMAS["submission"],
                     home.landing / "submission" / f"{receipt.sha256}.parquet")

    try:
        outcome = land_export(home, archived, export, mapping, sha256=receipt.sha256,
                              received_at=receipt.received_at_dt, directory=_directory(),
                              schema=TABLE_SCHEMAS[contract.table], before_quarantine=record)
    except duckdb.Error as error:  # not the CSV or Parquet file its header promised
        submission.problems = [Problem.of("file_unreadable", path.name, variant="reader_error",
                                          error=_first_line(str(error)))]
        # rows of the failed read, if it got that far, do not stand: the file is rejected
        (table_folder(home, contract.family, contract.table)
         / f"{receipt.sha256}.parquet").unlink(missing_ok=True)
        land_submission(home, submission, receipt, writer)
        summary.files_rejected += 1
        summary.rejected.append(submission)
        return
    summary.add_rows({contract.table: outcome.rows_loaded, "quarantine": outcome.errors})
    summary.rows_quarantined += outcome.rows_quarantined
    if outcome.errors:
        summary.files_rejected += 1
        summary.rejected.append(submission)
    else:
        summary.files_accepted += 1


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else "?"


@cache
def _directory() -> AgencyDirectory:
    """The agency directory, read once per process (exports are landed in this one)."""
    return AgencyDirectory.from_seeds()
