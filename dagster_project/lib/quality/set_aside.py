"""Setting one received file aside, so the body's previous file for that month stands again.

A resubmission that breaks a blocking rule blocks the whole quarter. Rather than waive the
rule (and publish the bad rows) or wait for the body, a reviewer may set the file aside:
``nq57 reject FILE|SHA --period P --by NAME --reason TEXT``. The decision is an entry of the
period's review log like an approval or a waiver (who, when, why, chained and verified); the
file stays archived and landed, untouched. ``nq57 reject --undo`` restores it.

The warehouse reads the decisions in force from ``NQ57_HOME/reviews/set_aside.parquet``,
rewritten from the logs after every decision and before every build, so the log stays the
one record: ``int_submissions_current`` then leaves the file out, and the body's previous
accepted file for the month is current again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.landing import TABLE_SCHEMAS, write_parquet
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.quality.review import MIN_REASON, ReviewError, append_decision, read_log
from dagster_project.lib.reference.periods import quarter_bounds

__all__ = ["LandedFile", "find_landed_file", "restore", "set_aside", "set_aside_table",
           "write_set_aside_table"]

SHA256_PREFIX = re.compile(r"\A[0-9a-f]{8,64}\Z")


@dataclass(frozen=True)
class LandedFile:
    """A received file as its submission record describes it."""

    sha256: str
    file_name: str
    source: str | None
    reporting_agency_id: str | None
    reporting_month: Any
    rows_loaded: int


def _records(home: Home) -> list[LandedFile]:
    records = home.landing / "submission"
    if not any(records.glob("*.parquet")):
        return []
    with duckdb.connect() as con:
        rows = con.execute(
            "select file_sha256, file_name, source, reporting_agency_id, reporting_month,"
            " rows_loaded from read_parquet(?, union_by_name = true)"
            " where file_sha256 is not null", [str(records / "*.parquet")]).fetchall()
    return [LandedFile(*row) for row in rows]


def find_landed_file(home: Home, target: str) -> LandedFile:
    """The received file ``target`` names: a path (by its content) or a SHA-256 (or prefix).

    Raises:
        ReviewError: Nothing received matches, or a prefix matches several files.
    """
    path = Path(target)
    if path.is_file():
        wanted, how = file_sha256(path), "content"
    elif SHA256_PREFIX.match(target.lower()):
        wanted, how = target.lower(), "sha"
    else:
        raise ReviewError(f"Không tìm thấy tệp hay mã SHA-256 '{target}' / no file or SHA-256 "
                          f"'{target}'")
    found = [record for record in _records(home)
             if record.sha256 == wanted or (how == "sha" and record.sha256.startswith(wanted))]
    if not found:
        raise ReviewError(f"'{target}' chưa từng được tiếp nhận vào {home.root} / '{target}' "
                          "was never received into this home")
    if len(found) > 1:
        raise ReviewError(f"'{target}' khớp {len(found)} tệp, cần thêm ký tự / '{target}' "
                          f"matches {len(found)} files: give more of the SHA-256")
    return found[0]


def set_aside_table(home: Home) -> dict[str, dict[str, Any]]:
    """The files set aside now, by SHA-256: every period's latest decision per file."""
    decided: dict[str, dict[str, Any]] = {}
    for log_path in sorted((home.root / "reviews").glob("*.jsonl")):
        for entry in read_log(home, log_path.stem).entries:
            if entry["action"] in ("set_aside", "restore"):
                decided[entry["file_sha256"]] = entry
    return {sha: entry for sha, entry in decided.items() if entry["action"] == "set_aside"}


def write_set_aside_table(home: Home) -> Path:
    """Rewrite the warehouse's list of files set aside from the review logs."""
    rows = [{"file_sha256": sha, "period_key": entry["period"], "set_aside_by": entry["by"],
             "reason": entry["reason"], "set_aside_at": datetime.fromisoformat(entry["at"])}
            for sha, entry in sorted(set_aside_table(home).items())]
    write_parquet(rows, TABLE_SCHEMAS["set_aside"], home.set_aside_list)
    return home.set_aside_list


def _decision(home: Home, period_key: str, action: str, landed: LandedFile, by: str,
              reason: str, at: datetime) -> dict[str, Any]:
    if not by.strip():
        raise ReviewError("Cần ghi tên người quyết định (--by) / the decider's name is needed")
    if len(reason.strip()) < MIN_REASON:
        raise ReviewError(f"Lý do cần cụ thể (ít nhất {MIN_REASON} ký tự) / the reason must be "
                          f"specific (at least {MIN_REASON} characters)")
    entry = append_decision(home, period_key, {
        "action": action, "file_sha256": landed.sha256, "file_name": landed.file_name,
        "source": landed.source, "reporting_agency_id": landed.reporting_agency_id,
        "reporting_month": str(landed.reporting_month) if landed.reporting_month else None,
        "by": by.strip(), "reason": reason.strip(), "at": at.isoformat()})
    write_set_aside_table(home)
    return entry


def _in_period(landed: LandedFile, period_key: str) -> None:
    """Refuse a decision recorded under a quarter the file does not report on."""
    if landed.reporting_month is None:
        return  # a list without a month (a register) belongs to no quarter of its own
    start, end = quarter_bounds(period_key)
    if not start <= landed.reporting_month <= end:
        raise ReviewError(f"{landed.file_name} báo cáo tháng {landed.reporting_month:%m/%Y}, "
                          f"không thuộc {period_key} / reports on {landed.reporting_month:%Y-%m},"
                          f" not a month of {period_key}")


def set_aside(home: Home, period_key: str, target: str, by: str, reason: str,
              at: datetime) -> tuple[dict[str, Any], LandedFile]:
    """Set one received file aside (see the module's docstring)."""
    landed = find_landed_file(home, target)
    _in_period(landed, period_key)
    if landed.sha256 in set_aside_table(home):
        raise ReviewError(f"{landed.file_name} ({landed.sha256[:12]}) đã được để riêng / is "
                          "already set aside")
    return _decision(home, period_key, "set_aside", landed, by, reason, at), landed


def restore(home: Home, period_key: str, target: str, by: str, reason: str,
            at: datetime) -> tuple[dict[str, Any], LandedFile]:
    """Undo setting a file aside: it takes part again from the next run."""
    landed = find_landed_file(home, target)
    if landed.sha256 not in set_aside_table(home):
        raise ReviewError(f"{landed.file_name} ({landed.sha256[:12]}) không bị để riêng / is "
                          "not set aside")
    return _decision(home, period_key, "restore", landed, by, reason, at), landed
