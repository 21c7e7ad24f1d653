"""Backup and restore: a home copied whole, refused when damaged, and publishing again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import latest_release
from tests.conftest import copy_home

PERIOD = "2026-Q2"


@pytest.fixture
def home(published_home: Path, tmp_path: Path) -> Path:
    return copy_home(published_home, tmp_path / "home")


def test_backup_then_restore_verifies_and_publishes_the_same_figures(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["backup", str(tmp_path / "backup")]) == 0
    listing = json.loads((tmp_path / "backup" / "backup.json").read_text(encoding="utf-8"))
    assert "warehouse.duckdb" in listing["files"]
    assert listing["links"][f"releases/{PERIOD}/latest"] == "v1"
    assert any(name.startswith("archive/") for name in listing["files"])

    restored = tmp_path / "restored"
    monkeypatch.setenv("NQ57_HOME", str(restored))
    assert main(["restore", str(tmp_path / "backup")]) == 0
    assert "nq57 verify: OK" in capsys.readouterr().out
    assert main(["verify"]) == 0

    assert main(["run", "--period", PERIOD, "--auto-approve"]) == 0
    out = capsys.readouterr().out
    original = latest_release(Home(home), PERIOD).manifest
    after = latest_release(Home(restored), PERIOD).manifest
    assert after["headline"] == original["headline"]
    assert after["headline"]["tasks_done"] == 1245
    assert after["notes"]["data_fingerprint"] == original["notes"]["data_fingerprint"]
    assert "Unchanged" in out  # the same data: v1 stands, no copy of it as v2
    assert main(["verify"]) == 0


def test_a_damaged_backup_is_refused_before_anything_is_copied(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["backup", str(tmp_path / "backup")]) == 0
    page = tmp_path / "backup" / "releases" / PERIOD / "v1" / "scorecard" / "index.html"
    page.write_bytes(page.read_bytes() + b" ")
    monkeypatch.setenv("NQ57_HOME", str(tmp_path / "restored"))

    assert main(["restore", str(tmp_path / "backup")]) == 2

    assert f"releases/{PERIOD}/v1/scorecard/index.html: changed" in capsys.readouterr().out
    assert not (tmp_path / "restored" / "releases").exists()


def test_restore_only_into_an_empty_home(home: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(home))
    assert main(["backup", str(tmp_path / "backup")]) == 0
    assert main(["restore", str(tmp_path / "backup")]) == 2
    assert "empty" in capsys.readouterr().out
