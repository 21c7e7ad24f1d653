"""One writer at a time: the home's lock, as a second operator meets it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from dagster_project.cli import main
from dagster_project.lib.home.home_lock import read_holder, writer_lock
from dagster_project.lib.home.paths import Home

HOLD = """
import sys, time
from pathlib import Path
from dagster_project.lib.home.home_lock import writer_lock
from dagster_project.lib.home.paths import Home
with writer_lock(Home(Path(sys.argv[1])).ensure(), "nq57 run --period 2026-Q2"):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    home = Home(tmp_path / "home").ensure()
    monkeypatch.setenv("NQ57_HOME", str(home.root))
    return home


@pytest.fixture
def holder(home: Home):
    """Another process that holds the lock as a run would."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(home.root)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()


def _nq57(home: Home, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dagster_project.cli", *args],
                            env={**os.environ, "NQ57_HOME": str(home.root)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_second_writer_with_no_wait_exits_3_naming_the_holder(home: Home, holder, capsys
                                                                  ) -> None:
    code = main(["waive", "BUD-002", "--period", "2026-Q2", "--by", "Trần Thị B",
                 "--reason", "Bộ Tài chính đã gửi giải trình số 123/BTC", "--no-wait"])
    out = capsys.readouterr().out
    assert code == 3
    assert f"process {holder.pid} (nq57 run --period 2026-Q2)" in out
    assert not (home.root / "reviews" / "2026-Q2.jsonl").exists()  # nothing was written


def test_readers_never_wait_for_the_writer(home: Home, holder, capsys) -> None:
    started = time.monotonic()
    assert main(["verify"]) == 0
    assert main(["review", "--period", "2026-Q2"]) == 1  # no audit yet: said, not waited
    assert time.monotonic() - started < 30
    assert "waiting" not in capsys.readouterr().out


def test_a_waiting_writer_goes_on_when_the_holder_is_killed(home: Home, holder,
                                                            tmp_path: Path) -> None:
    waiter = _nq57(home, "backup", str(tmp_path / "backup"))
    first = waiter.stdout.readline()
    assert "waiting" in first and f"process {holder.pid}" in first
    time.sleep(1)
    assert waiter.poll() is None  # still waiting
    holder.send_signal(signal.SIGKILL)  # the kernel releases the lock of a dead process
    out, _ = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, out
    assert "backed up" in out
    assert read_holder(home).pid == waiter.pid


def test_the_lock_is_reentrant_within_a_process(home: Home) -> None:
    with writer_lock(home, "outer"), writer_lock(home, "inner", wait=False):
        assert read_holder(home).command == "outer"


def test_ui_runs_queue_one_at_a_time_and_hold_the_lock(home: Home) -> None:
    from dagster import build_init_resource_context

    from dagster_project.definitions import MONTHLY_JOB
    from dagster_project.defs.resources import Nq57Settings

    config = yaml.safe_load((home.dagster / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["run_queue"]["max_concurrent_runs"] == 1
    assert config["telemetry"]["enabled"] is False
    assert MONTHLY_JOB.executor_def.name == "in_process"
    settings = Nq57Settings(home=str(home.root))
    with settings.yield_for_execution(build_init_resource_context()):
        other = _nq57(home, "approve", "--period", "2026-Q2", "--by", "A", "--no-wait")
        out, _ = other.communicate(timeout=120)
        assert other.returncode == 3 and "dagster run" in out
