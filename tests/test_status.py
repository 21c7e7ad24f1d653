"""``nq57 status``: the home's state in one screen, read without changing anything."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from dagster_project.cli import main
from demo.timing import MISSING_REPORTS


def _status(monkeypatch: pytest.MonkeyPatch, capsys, home: Path, *args: str) -> dict:
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["status", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _tree(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_mtime_ns
            for path in root.rglob("*") if path.is_file()}


def test_a_published_quarter_and_an_empty_inbox(published_home: Path, demo_inbox: Path,
                                                monkeypatch, capsys) -> None:
    before = _tree(published_home)
    status = _status(monkeypatch, capsys, published_home, "--inbox", str(demo_inbox))

    (quarter,) = status["quarters"]
    assert quarter["period"] == "2026-Q2"
    assert quarter["release_version"] == 1
    assert quarter["last_run_publishable"] is True
    assert quarter["blocking_failures"] == [] and quarter["awaiting_approval"] is False
    assert quarter["state"].endswith(f"published v1 on {quarter['published_at'][:10]}")
    assert status["pending_files"] == []
    assert _tree(published_home) == before  # nothing written, not even a cache


def test_bodies_without_this_months_report_are_named(published_home: Path, demo_inbox: Path,
                                                     monkeypatch, capsys) -> None:
    status = _status(monkeypatch, capsys, published_home, "--inbox", str(demo_inbox))

    assert status["latest_month"] == "2026-06"
    expected = sorted(agency for agency, month in MISSING_REPORTS if month == date(2026, 6, 1))
    assert [body["agency_id"] for body in status["bodies_missing"]] == expected


def test_new_files_are_pending_and_a_renamed_copy_is_not(published_home: Path,
                                                         demo_inbox: Path, tmp_path: Path,
                                                         monkeypatch, capsys) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx"
    shutil.copy(report, inbox / "ban_sao_cung_noi_dung.xlsx")  # same bytes: landed already
    changed = inbox / "BC_BKHCN_2026-06_bo_sung.xlsx"
    changed.write_bytes(report.read_bytes() + b"\0")  # new bytes: waits for a run

    status = _status(monkeypatch, capsys, published_home, "--inbox", str(inbox))

    assert status["pending_files"] == [changed.name]


def test_the_table_names_the_quarter_and_the_waiting_files(published_home: Path,
                                                           tmp_path: Path, monkeypatch,
                                                           capsys) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "BC_BKHCN_2026-07.xlsx").write_bytes(b"not yet read")
    monkeypatch.setenv("NQ57_HOME", str(published_home))
    monkeypatch.setenv("COLUMNS", "120")

    assert main(["status", "--inbox", str(inbox)]) == 0
    out = capsys.readouterr().out

    assert "2026-Q2" in out and "publishable" in out and "v1" in out
    assert "files waiting in the inbox: 1" in out and "BC_BKHCN_2026-07.xlsx" in out


def test_an_empty_home_says_nothing_has_run(tmp_path: Path, monkeypatch, capsys) -> None:
    status = _status(monkeypatch, capsys, tmp_path / "home")

    assert status["quarters"] == [] and status["pending_files"] == []
    assert status["latest_month"] is None
