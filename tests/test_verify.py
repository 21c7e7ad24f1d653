"""`nq57 verify` and the check `nq57 run` makes first: a home that is not what its records say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dagster_project.cli import main
from tests.conftest import copy_home

PERIOD = "2026-Q2"


@pytest.fixture
def home(published_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = copy_home(published_home, tmp_path / "home")
    monkeypatch.setenv("NQ57_HOME", str(home))
    return home


def _flip_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _verify(capsys) -> tuple[int, dict]:
    code = main(["verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_published_home_verifies(home: Path, capsys) -> None:
    code, report = _verify(capsys)
    assert (code, report["ok"], report["findings"]) == (0, True, [])
    # Readers see the latest release through the links: the same bytes.
    release = home / "releases" / PERIOD / "v1" / "scorecard" / "index.html"
    assert (home / "published" / PERIOD / "index.html").read_bytes() == release.read_bytes()
    assert json.loads((home / "releases" / PERIOD / "latest.json").read_text())["version"] == 1


@pytest.mark.parametrize("part", ["scorecard/index.html", "marts/fct_task.parquet",
                                  "manifest.json", "release.json"])
def test_one_changed_byte_in_a_release_is_named(home: Path, part: str, capsys) -> None:
    _flip_byte(home / "releases" / PERIOD / "v1" / part, offset=20)
    code, report = _verify(capsys)
    assert code == 1
    assert {"area": "release", "path": f"releases/{PERIOD}/v1/{part}",
            "problem": "changed"} in report["findings"]


def test_a_changed_archived_file_is_named(home: Path, capsys) -> None:
    receipt = sorted((home / "archive").glob("*/*/receipt.json"))[7]
    stored = receipt.parent / json.loads(receipt.read_text())["original_name"]
    _flip_byte(stored)
    code, report = _verify(capsys)
    assert code == 1
    (finding,) = report["findings"]
    assert finding["area"] == "archive" and finding["path"] == str(stored.relative_to(home))
    assert "content changed" in finding["problem"]


def test_a_damaged_warehouse_is_named(home: Path, capsys) -> None:
    warehouse = home / "warehouse.duckdb"
    with warehouse.open("r+b") as handle:
        handle.truncate(warehouse.stat().st_size // 3)
    code, report = _verify(capsys)
    assert code == 1
    assert [f["path"] for f in report["findings"]] == ["warehouse.duckdb"]


def test_a_pointer_to_a_missing_version_is_named(home: Path, capsys) -> None:
    link = home / "releases" / PERIOD / "latest"
    link.unlink()
    link.symlink_to("v7")
    code, report = _verify(capsys)
    assert code == 1
    assert report["findings"][0]["path"] == f"releases/{PERIOD}/latest.json"


def test_run_refuses_to_publish_from_a_corrupted_home(home: Path, capsys) -> None:
    _flip_byte(home / "releases" / PERIOD / "v1" / "scorecard" / "index.html")
    before = sorted(p.name for p in (home / "releases" / PERIOD).iterdir())
    runs = sorted(p.name for p in (home / "runs").iterdir())

    code = main(["run", "--period", PERIOD, "--auto-approve", "--inbox", str(home / "none")])

    out = capsys.readouterr().out
    assert code == 1
    assert f"releases/{PERIOD}/v1/scorecard/index.html: changed" in out
    assert "fails verification" in out
    assert sorted(p.name for p in (home / "releases" / PERIOD).iterdir()) == before
    assert sorted(p.name for p in (home / "runs").iterdir()) == runs  # nothing ran


def test_run_refuses_when_the_review_log_was_rewritten(home: Path, capsys) -> None:
    log = home / "reviews" / f"{PERIOD}.jsonl"
    log.parent.mkdir(exist_ok=True)
    log.write_text('{"action": "approve", "by": "Ai đó", "sha256": "x"}\n', encoding="utf-8")

    code = main(["run", "--period", PERIOD, "--auto-approve", "--inbox", str(home / "none")])

    out = capsys.readouterr().out
    assert code == 1
    assert f"reviews/{PERIOD}.jsonl: dòng 1" in out and "line 1: content changed" in out
