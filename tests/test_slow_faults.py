"""Long fault runs (`make test-slow`): SIGKILL all over a run, and two runs started together.

Each kill lands at a point spread over a whole run — landing, the dbt build, the gate's
checks, the release gate and every stage of publication — timed from the step the run says
it has started. After every kill `nq57 verify` must pass and what readers see must be the
latest release, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import copy_home

pytestmark = pytest.mark.slow
PERIOD = "2026-Q2"
# (step whose start the delay counts from, seconds after it starts)
KILL_POINTS = [
    ("inbox_submissions", 0.0), ("inbox_submissions", 0.3), ("inbox_submissions", 1.0),
    ("nq57_dbt_models", 0.5), ("nq57_dbt_models", 3), ("nq57_dbt_models", 8),
    ("nq57_dbt_models", 15), ("nq57_dbt_models", 25), ("nq57_dbt_models", 40),
    ("release_gate", 0.0), ("release_gate", 0.3),
    ("scorecard", 0.2), ("scorecard", 2), ("scorecard", 5), ("scorecard", 10),
    ("scorecard", 15), ("scorecard", 20), ("scorecard", 25), ("scorecard", 28),
    ("scorecard", 31), ("scorecard", 34), ("scorecard", 38),
]


@pytest.fixture(scope="module")
def corrected_inbox(demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One corrected June report: a run on it has something new to land and publish."""
    inbox = tmp_path_factory.mktemp("corrected") / "inbox"
    (inbox / "2026-06").mkdir(parents=True)
    report = demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx"
    shutil.copy(report, inbox / "2026-06" / "BC_BKHCN_2026-06_bo_sung.xlsx")
    with (inbox / "2026-06" / "BC_BKHCN_2026-06_bo_sung.xlsx").open("ab") as handle:
        handle.write(b"\0")  # another SHA-256, the same rows
    return inbox


def _run(home: Path, inbox: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "run", "--period", PERIOD,
         "--auto-approve", "--inbox", str(inbox), *extra],
        env={**os.environ, "NQ57_HOME": str(home)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


def _kill_at(process: subprocess.Popen, step: str, delay: float) -> tuple[bool, str]:
    """Kill the run ``delay`` s after it starts ``step``; whether it was still running."""
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.strip() == f"→ {step}":
            break
    time.sleep(delay)
    alive = process.poll() is None
    if alive:
        process.send_signal(signal.SIGKILL)
    rest, _ = process.communicate()
    return alive, "".join(lines) + rest


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _assert_readers_see_the_latest_release(home: Path) -> None:
    verify = subprocess.run([sys.executable, "-m", "dagster_project.cli", "verify"],
                            env={**os.environ, "NQ57_HOME": str(home)},
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout
    period = home / "releases" / PERIOD
    version = json.loads((period / "latest.json").read_text(encoding="utf-8"))["version"]
    assert os.readlink(period / "latest") == f"v{version}"
    assert _digests(home / "published" / PERIOD) == _digests(period / f"v{version}" /
                                                             "scorecard")


def test_sigkill_anywhere_in_a_run_leaves_a_home_that_verifies(
        published_home: Path, corrected_inbox: Path, tmp_path: Path) -> None:
    landed = []
    for number, (step, delay) in enumerate(KILL_POINTS):
        home = copy_home(published_home, tmp_path / f"home-{number}")
        alive, out = _kill_at(_run(home, corrected_inbox), step, delay)
        landed.append(alive)
        _assert_readers_see_the_latest_release(home)
        if number in (len(KILL_POINTS) // 2, len(KILL_POINTS) - 1):  # and the next run works
            rerun = _run(home, corrected_inbox)
            out, _ = rerun.communicate(timeout=1800)
            assert rerun.returncode == 0, out
            _assert_readers_see_the_latest_release(home)
        shutil.rmtree(home)
    print(f"{sum(landed)} of {len(KILL_POINTS)} kills landed while the run was alive")
    assert sum(landed) >= 20


def _received_aside(marts: dict[str, dict]) -> dict[str, dict]:
    """Mart fingerprints, fct_submission by row count only: it records when each file was
    received, and the two homes received the corrected report at different times."""
    return {name: ({"rows": mart["rows"]} if name == "fct_submission" else mart)
            for name, mart in marts.items()}


def test_two_runs_started_together_publish_once(
        published_home: Path, corrected_inbox: Path, tmp_path: Path) -> None:
    sequential = copy_home(published_home, tmp_path / "sequential")
    alone = _run(sequential, corrected_inbox)
    out, _ = alone.communicate(timeout=1800)
    assert alone.returncode == 0, out

    home = copy_home(published_home, tmp_path / "together")
    first, second = _run(home, corrected_inbox), _run(home, corrected_inbox)
    outputs: dict[int, str] = {}

    def collect(process: subprocess.Popen) -> None:
        outputs[process.pid] = process.communicate(timeout=1800)[0]

    threads = [threading.Thread(target=collect, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    busy = _run(home, corrected_inbox, "--no-wait")  # a third, told not to wait
    busy_out, _ = busy.communicate(timeout=600)
    for thread in threads:
        thread.join()

    assert busy.returncode == 3 and "nq57 run --period" in busy_out, busy_out
    assert (first.returncode, second.returncode) == (0, 0), outputs
    texts = sorted(outputs.values(), key=lambda text: "waiting" in text)
    assert "Published" in texts[0] and "v2" in texts[0]
    assert "waiting" in texts[1] and "Unchanged" in texts[1] and "v2 stands" in texts[1]
    releases = sorted(p.name for p in (home / "releases" / PERIOD).glob("v*"))
    assert releases == ["v1", "v2"]
    together = json.loads((home / "releases" / PERIOD / "v2" / "manifest.json").read_text())
    alone_manifest = json.loads(
        (sequential / "releases" / PERIOD / "v2" / "manifest.json").read_text())
    assert _received_aside(together["marts"]) == _received_aside(alone_manifest["marts"])
    assert together["headline"] == alone_manifest["headline"]
    _assert_readers_see_the_latest_release(home)
