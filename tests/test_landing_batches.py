"""Landing in batches: a few Parquet files per ingest, each file landed exactly once.

What an operator relies on: every accepted row of every received file is in the landing zone
once — not twice after an ingest was cut short and run again, not twice for the same bytes
under two names — and the zone grows by a few files per run, not four per received file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest import landing
from dagster_project.lib.ingest.inbox import ingest_inbox
from dagster_project.lib.ingest.landing import (
    EMPTY_STEMS,
    ParquetWriter,
    committed_batches,
    landed_files,
)

MONTHS = ("2026-05", "2026-06")
PER_MONTH = 6


@pytest.fixture
def inbox(demo_inbox: Path, tmp_path: Path) -> Path:
    """Six bodies' progress reports for May and June, as the demo sends them."""
    target = tmp_path / "inbox"
    for month in MONTHS:
        reports = sorted((demo_inbox / "reports" / month).glob("BC_*.xlsx"))[:PER_MONTH]
        (target / month).mkdir(parents=True)
        for report in reports:
            shutil.copy(report, target / month / report.name)
    return target


def _home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home")
    home.root.mkdir(parents=True)
    return home


def _rows_per_file(home: Home) -> dict[str, int]:
    pattern = home.landing / "tasks" / "progress_report" / "**" / "*.parquet"
    with duckdb.connect() as con:
        return dict(con.execute(
            f"select file_sha256, count(*) from read_parquet('{pattern}', union_by_name = true)"
            " group by file_sha256").fetchall())


def _loaded_per_file(home: Home) -> dict[str, int]:
    """What the submission records say was loaded from each accepted file."""
    with duckdb.connect() as con:
        return dict(con.execute(
            f"select file_sha256, rows_loaded from read_parquet('{home.landing}/submission/"
            "*.parquet', union_by_name = true) where rows_loaded > 0").fetchall())


def _batch_files(home: Home, table: str = "progress_report") -> list[Path]:
    folder = home.landing / "tasks" / table
    return sorted(path for path in folder.rglob("*.parquet") if path.stem not in EMPTY_STEMS)


def test_one_file_per_table_and_month_holds_every_row(inbox: Path, tmp_path: Path) -> None:
    home = _home(tmp_path)
    summary = ingest_inbox(home, inbox)

    assert summary.files_new == len(MONTHS) * PER_MONTH
    files = _batch_files(home)
    assert [path.parent.name for path in files] == list(MONTHS)
    assert len(committed_batches(home)) == 1
    rows = _rows_per_file(home)
    assert len(rows) == len(MONTHS) * PER_MONTH
    assert rows == _loaded_per_file(home)
    assert sum(rows.values()) == summary.rows_landed["progress_report"]


def test_a_cut_short_ingest_lands_its_files_once_on_the_next(
        inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed before the batch's commit mark: the next ingest removes the rows and relands."""
    home = _home(tmp_path)
    real_write = ParquetWriter.write

    def fail_at_the_mark(self, rows, schema, path):
        if path.parent.name == "quarantine" and path.stem not in EMPTY_STEMS:
            raise OSError("cut short")
        return real_write(self, rows, schema, path)

    monkeypatch.setattr(ParquetWriter, "write", fail_at_the_mark)
    with pytest.raises(OSError, match="cut short"):
        ingest_inbox(home, inbox)
    assert _batch_files(home), "the table files were written before the mark"
    assert landed_files(home) == set()
    monkeypatch.setattr(ParquetWriter, "write", real_write)

    messages: list[str] = []
    summary = ingest_inbox(home, inbox, log=messages.append)

    assert summary.files_already_landed == 0
    assert any("cut short removed" in message for message in messages)
    rows = _rows_per_file(home)
    assert rows == _loaded_per_file(home)
    assert len(rows) == len(MONTHS) * PER_MONTH
    assert len(_batch_files(home)) == len(MONTHS)


def test_the_same_bytes_under_two_names_land_once(inbox: Path, tmp_path: Path) -> None:
    home = _home(tmp_path)
    first = sorted((inbox / MONTHS[0]).glob("*.xlsx"))[0]
    shutil.copy(first, first.with_name("ban_sao_" + first.name))

    ingest_inbox(home, inbox)

    assert len(_rows_per_file(home)) == len(MONTHS) * PER_MONTH
    with duckdb.connect() as con:
        (records,) = con.execute(
            f"select count(*) from read_parquet('{home.landing}/submission/*.parquet')"
            " where file_sha256 is not null").fetchone()
    assert records == len(MONTHS) * PER_MONTH


def test_a_later_ingest_adds_a_batch_and_skips_what_is_landed(
        inbox: Path, tmp_path: Path) -> None:
    home = _home(tmp_path)
    june = inbox / MONTHS[1]
    held_back = tmp_path / "held_back"
    shutil.move(june, held_back)
    ingest_inbox(home, inbox)
    shutil.move(held_back, june)

    summary = ingest_inbox(home, inbox)

    assert summary.files_already_landed == PER_MONTH
    assert summary.files_new == PER_MONTH
    assert len(committed_batches(home)) == 2
    assert _rows_per_file(home) == _loaded_per_file(home)


def test_batches_are_written_as_they_fill(inbox: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded: a batch is written every BATCH_ROWS rows, each committed."""
    home = _home(tmp_path)
    monkeypatch.setattr(landing, "BATCH_ROWS", 40)

    ingest_inbox(home, inbox)

    assert len(committed_batches(home)) > 2
    assert _rows_per_file(home) == _loaded_per_file(home)
    assert landed_files(home) == set(_loaded_per_file(home))
