"""Faults said plainly: a run that fills the disk exits 4 in one line and changes nothing seen."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dagster_project.lib.home.faults import describe_fault
from dagster_project.lib.home.paths import DBT_PROJECT_DIR
from tests.conftest import copy_home

PERIOD = "2026-Q2"


@pytest.mark.parametrize(("error", "says"), [
    (OSError(errno.ENOSPC, "No space left on device", "/data/nq57/landing/x.parquet"),
     "no space left on device: /data/nq57/landing/x.parquet"),
    (RuntimeError('IO Error: Could not write file "/data/nq57/staging/r/warehouse.duckdb": '
                  "No space left on device"), "no space left on device: /data/nq57/staging"),
    (PermissionError(errno.EACCES, "Permission denied", "/data/nq57/releases"),
     "permission denied: /data/nq57/releases"),
    (RuntimeError('IO Error: Could not set lock on file "/data/nq57/warehouse.duckdb": '
                  "Conflicting lock is held in /usr/bin/dbeaver (PID 4242)"),
     "held by another program: /data/nq57/warehouse.duckdb"),
])
def test_machine_faults_are_named_with_their_path_and_what_to_do(error: Exception,
                                                                 says: str) -> None:
    line = describe_fault(error)
    assert says in line and "\n" not in line
    assert " — " in line  # followed by what to do


def test_a_data_error_is_not_a_machine_fault() -> None:
    assert describe_fault(ValueError("Kỳ không hợp lệ '2026-Q5'")) is None


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


# Runs inside a private mount namespace: a small tmpfs holds the home, nearly full.
SCRIPT = textwrap.dedent("""
    import hashlib, json, os, subprocess, sys
    from pathlib import Path
    source, mount, inbox = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % int(sys.argv[4]), "tmpfs",
                    str(mount)], check=True)
    home = mount / "home"
    subprocess.run(["cp", "-a", str(source), str(home)], check=True)
    free = os.statvfs(mount)
    filler = free.f_bavail * free.f_frsize - 6 * 1024 * 1024   # leave 6 MB
    with open(mount / "filler", "wb") as handle:
        handle.truncate(0)
        chunk = b"\\0" * (1 << 20)
        for _ in range(max(0, filler) >> 20):
            handle.write(chunk)
    def seen():
        out = {}
        for top in ("published", "releases"):
            for folder, dirs, files in os.walk(home / top, followlinks=True):
                for name in files:
                    path = Path(folder) / name
                    out[str(path.relative_to(home))] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out
    before = seen()
    run = subprocess.run([sys.executable, "-m", "dagster_project.cli", "run", "--period",
                          sys.argv[5], "--auto-approve", "--rebuild", "--inbox", inbox],
                         env={**os.environ, "NQ57_HOME": str(home)}, capture_output=True,
                         text=True)
    verify = subprocess.run([sys.executable, "-m", "dagster_project.cli", "verify"],
                            env={**os.environ, "NQ57_HOME": str(home)}, capture_output=True,
                            text=True)
    print(json.dumps({"code": run.returncode, "out": run.stdout, "err": run.stderr,
                      "same": seen() == before, "verify": verify.returncode,
                      "verify_out": verify.stdout,
                      "staging": sorted(os.listdir(home / "staging"))}))
""")


@pytest.mark.skipif(not _unshare_works(), reason="needs unprivileged user namespaces to mount "
                                                  "a small tmpfs")
def test_a_full_disk_exits_4_in_one_line_and_changes_nothing_readers_see(
        published_home: Path, demo_inbox: Path, tmp_path: Path) -> None:
    home = copy_home(published_home, tmp_path / "home")
    # Room for the copy (blocks, not bytes: the landing zone is many small files); a filler
    # file then takes all but a few MB of what is left.
    size_mb = 2 * sum(p.lstat().st_blocks * 512 for p in home.rglob("*")) // 2**20 + 64
    inbox = tmp_path / "inbox"
    (inbox / "2026-06").mkdir(parents=True)
    report = demo_inbox / "reports" / "2026-06" / "BC_BKHCN_2026-06.xlsx"
    shutil.copy(report, inbox / "2026-06" / "BC_BKHCN_2026-06_bo_sung.xlsx")
    mount = tmp_path / "mnt"
    mount.mkdir()
    targets = DBT_PROJECT_DIR / "target"
    before = set(targets.glob("nq57_dbt_models-*"))

    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", sys.executable,
                           "-c", SCRIPT, str(home), str(mount), str(inbox), str(size_mb),
                           PERIOD], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])

    assert result["code"] == 4, result
    messages = [line for line in result["out"].splitlines() if line.startswith("nq57: ")]
    assert len(messages) == 1 and "no space left on device" in messages[0], result["out"]
    assert "Traceback" not in result["out"] + result["err"]
    assert result["same"] is True          # published/ and releases/ byte for byte
    assert result["verify"] == 0, result["verify_out"]
    assert result["staging"] == []         # the crashed build was pruned
    # dbt was stopped and its target folder removed, not left building after nq57 exited
    # (other tests' builds may be running beside this one: only folders built for this
    # test's home count)
    assert _targets_building(targets, before, mount) == [], result["out"]


def _targets_building(targets: Path, before: set[Path], home_root: Path) -> list[Path]:
    """dbt target folders made since ``before`` that name ``home_root`` (SQL, manifest, logs)."""
    found = []
    for folder in set(targets.glob("nq57_dbt_models-*")) - before:
        try:
            if any(str(home_root) in path.read_text(encoding="utf-8", errors="ignore")
                   for path in folder.rglob("*")
                   if path.is_file() and path.stat().st_size < 64 * 2**20):
                found.append(folder)
        except OSError:
            continue  # another test's build removed its folder meanwhile
    return found
