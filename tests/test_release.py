"""Immutable releases: versions, manifest, change summary, and safety against a killed process."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import (
    ReleaseInputs,
    latest_release,
    publish_release,
    verify_release,
)

PERIOD = "2026-Q2"
WHEN = datetime(2026, 7, 2, 9, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.fixture
def home(published_home: Path, tmp_path: Path) -> Home:
    """A fresh home holding a copy of the demo warehouse and its published scorecard."""
    fresh = Home(tmp_path / "home").ensure()
    shutil.copyfile(published_home / "warehouse.duckdb", fresh.warehouse)
    shutil.copytree(published_home / "published" / PERIOD, tmp_path / "scorecard")
    return fresh


def _inputs(home: Home, run_id: str = "run-1") -> ReleaseInputs:
    return ReleaseInputs(PERIOD, home.root.parent / "scorecard", None, run_id, WHEN)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_first_release_is_complete_and_verifiable(home: Home) -> None:
    release = publish_release(home, home.warehouse, _inputs(home))
    assert release.version == 1 and release.path == home.releases / PERIOD / "v1"
    assert verify_release(release.path) == []
    manifest = json.loads((release.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["headline"] == {"tasks_assigned": 1937, "tasks_recurring": 468,
                                    "tasks_with_deadline": 1469, "tasks_done": 1245,
                                    "tasks_in_progress": 168, "tasks_overdue": 56}
    assert manifest["marts"]["fct_task"]["rows"] == 1937
    assert (release.path / "marts" / "agg_public_service_rates.parquet").exists()
    assert "scorecard/index.html" in manifest["files"]
    # Readers reach it through links that follow the one pointer that moves.
    assert (home.releases / PERIOD / "latest").readlink() == Path("v1")
    assert json.loads((home.releases / PERIOD / "latest.json").read_text())["version"] == 1
    assert (home.published / PERIOD / "index.html").read_bytes() == (
        release.path / "scorecard" / "index.html").read_bytes()
    assert len(manifest["rule_catalogue_sha256"]) == 64
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        (received,) = con.execute("select count(*) from marts.fct_submission").fetchone()
    assert len(manifest["inputs"]) == received > 1500
    assert latest_release(home, PERIOD).version == 1
    with duckdb.connect() as con:  # the snapshot reads without the warehouse
        (tasks,) = con.execute("select count(*) from read_parquet(?)", [
            str(release.path / "marts" / "fct_task.parquet")]).fetchone()
    assert tasks == 1937


def test_republication_is_v2_with_a_change_summary_and_leaves_v1_untouched(home: Home) -> None:
    first = publish_release(home, home.warehouse, _inputs(home))
    before = _bytes(first.path)
    with duckdb.connect(str(home.warehouse)) as con:  # a correction changes one figure
        con.execute("""update marts.agg_task_completion set tasks_done = tasks_done - 1,
                       tasks_in_progress = tasks_in_progress + 1
                       where scope = 'national' and period_key = ?""", [PERIOD])
    second = publish_release(home, home.warehouse, _inputs(home, "run-2"))
    assert second.version == 2 and latest_release(home, PERIOD).version == 2
    changes = json.loads((second.path / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous_version"] == 1
    assert changes["headline"] == {"tasks_done": {"before": 1245, "after": 1244},
                                   "tasks_in_progress": {"before": 168, "after": 169}}
    assert list(changes["marts"]) == ["agg_task_completion"]
    assert "1 marts changed" in second.manifest["changes_summary"]
    assert _bytes(first.path) == before and verify_release(first.path) == []


def test_a_changed_file_is_caught_by_verification(home: Home) -> None:
    release = publish_release(home, home.warehouse, _inputs(home))
    page = release.path / "scorecard" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    (release.path / "marts" / "extra.parquet").write_bytes(b"x")
    assert verify_release(release.path) == ["extra: marts/extra.parquet",
                                            "changed: scorecard/index.html"]


PUBLISH = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import ReleaseInputs, publish_release
home = Home(Path(sys.argv[1]))
while True:
    publish_release(home, home.warehouse, ReleaseInputs(
        "2026-Q2", Path(sys.argv[2]), None, "loop", datetime.now(timezone.utc)))
    print("published", flush=True)
    if sys.argv[3] == "once":
        break
"""


def _start(home: Home, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", PUBLISH, str(home.root),
                             str(home.root.parent / "scorecard"), mode],
                            stdout=subprocess.PIPE, text=True)


def _assert_consistent(home: Home) -> int | None:
    """Every named version verifies; latest names one of them. Returns latest's version."""
    period_dir = home.releases / PERIOD
    for version in period_dir.glob("v*"):
        assert verify_release(version) == [], version
    latest = latest_release(home, PERIOD)
    if latest is not None:
        assert latest.path.is_dir() and verify_release(latest.path) == []
        # What readers open is that release: the pointer file and the published scorecard.
        assert (period_dir / "latest").resolve() == latest.path.resolve()
        assert (home.published / PERIOD).resolve() == (latest.path / "scorecard").resolve()
        assert _bytes(home.published / PERIOD) == _bytes(latest.path / "scorecard")
    return None if latest is None else latest.version


def test_killing_publication_leaves_the_old_or_the_new_release_complete(home: Home) -> None:
    started = time.monotonic()
    process = _start(home, "once")
    assert process.wait(timeout=300) == 0
    duration = time.monotonic() - started
    assert _assert_consistent(home) == 1
    seen = {1}
    # Kill at points spread over a whole publication (start-up included), several times.
    for fraction in (0.2, 0.4, 0.55, 0.7, 0.8, 0.9, 0.95, 1.1, 1.3, 1.6):
        process = _start(home, "loop")
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        latest = _assert_consistent(home)
        assert latest is not None and latest >= max(seen)
        seen.add(latest)
    assert max(seen) > 1  # some publications completed between the kills
    final = publish_release(home, home.warehouse, _inputs(home, "after"))
    assert not list((home.releases / PERIOD).glob(".building-*"))  # partial work swept
    assert _assert_consistent(home) == final.version
