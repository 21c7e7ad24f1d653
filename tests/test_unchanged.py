"""A run with nothing new stops at once and says which release stands.

The demo home published 2026-Q2 from the demo inbox; a second run on a copy of it, with the
same inbox, must not build, check or render anything. Anything a run reads that changes —
a new file in the inbox, the landed data, the review log, the project files — means a full
run again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dagster_project.cli import main
from dagster_project.lib.home.paths import Home
from dagster_project.lib.ingest.inbox import waiting_files
from dagster_project.lib.publish.release import latest_release
from dagster_project.lib.publish.unchanged import (
    inputs_fingerprint,
    project_digest,
    record_inputs,
    unchanged_release,
)
from tests.conftest import copy_home

pytestmark = pytest.mark.e2e

PERIOD = "2026-Q2"


@pytest.fixture
def home(published_home: Path, tmp_path: Path) -> Path:
    return copy_home(published_home, tmp_path / "home")


def test_a_run_with_nothing_new_stops_at_once_and_names_the_release(
        home: Path, demo_inbox: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("NQ57_HOME", str(home))
    runs_before = sorted(p.name for p in (home / "runs").iterdir())

    code = main(["run", "--inbox", str(demo_inbox), "--period", PERIOD, "--auto-approve"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Unchanged / Không đổi 2026-Q2: v1 stands, nothing new since it" in out
    assert sorted(p.name for p in (home / "runs").iterdir()) == runs_before  # no run at all
    assert latest_release(Home(home), PERIOD).version == 1


def test_a_new_file_in_the_inbox_is_waiting(home: Path, demo_inbox: Path,
                                            tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(demo_inbox, inbox)
    assert waiting_files(Home(home), inbox) == []
    (inbox / "reports" / "thu-moi.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (inbox / "link.xlsx").symlink_to(inbox / "reports" / "thu-moi.xlsx")
    assert sorted(p.name for p in waiting_files(Home(home), inbox)) == ["link.xlsx",
                                                                        "thu-moi.xlsx"]


def test_any_change_to_what_a_run_reads_means_a_full_run(home: Path) -> None:
    nq57 = Home(home)
    fingerprint = inputs_fingerprint(nq57, PERIOD, auto_approve=True)
    assert unchanged_release(nq57, PERIOD, fingerprint) is not None

    assert inputs_fingerprint(nq57, PERIOD, auto_approve=False) != fingerprint
    log = home / "reviews" / f"{PERIOD}.jsonl"  # the demo approves without a log line
    log.parent.mkdir(exist_ok=True)
    log.write_text('{"decision": "approve"}\n', encoding="utf-8")
    assert inputs_fingerprint(nq57, PERIOD, auto_approve=True) != fingerprint
    log.unlink()
    assert inputs_fingerprint(nq57, PERIOD, auto_approve=True) == fingerprint
    landed = next((home / "landing" / "tasks").rglob("*.parquet"))
    landed.with_name("0" * 64 + ".parquet").write_bytes(landed.read_bytes())
    assert inputs_fingerprint(nq57, PERIOD, auto_approve=True) != fingerprint


def test_a_record_for_another_version_or_altered_is_ignored(home: Path) -> None:
    nq57 = Home(home)
    fingerprint = inputs_fingerprint(nq57, PERIOD, auto_approve=True)
    record = home / "run_inputs" / f"{PERIOD}.json"
    record.write_text(json.dumps({"inputs": fingerprint, "version": 2}), encoding="utf-8")
    assert unchanged_release(nq57, PERIOD, fingerprint) is None
    record.write_text("not json", encoding="utf-8")
    assert unchanged_release(nq57, PERIOD, fingerprint) is None
    record_inputs(nq57, PERIOD, fingerprint, latest_release(nq57, PERIOD))
    assert unchanged_release(nq57, PERIOD, fingerprint) is not None


def test_the_project_digest_follows_the_files_a_run_reads(tmp_path: Path) -> None:
    for folder in ("dagster_project", "dbt/models", "dbt/target", "expectations", "reports",
                   "sources"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "dbt" / "models" / "m.sql").write_text("select 1", encoding="utf-8")
    before = project_digest(tmp_path)
    (tmp_path / "dbt" / "target" / "manifest.json").write_text("{}", encoding="utf-8")
    assert project_digest(tmp_path) == before  # build output follows from the rest
    (tmp_path / "dbt" / "models" / "m.sql").write_text("select 2", encoding="utf-8")
    assert project_digest(tmp_path) != before
