"""What the benchmarks share: a command timed as a whole process, with its peak memory.

Each measured step runs as its own process so that its peak resident memory is its own
(``os.wait4`` gives a child's ``ru_maxrss``); Python's own start-up is part of each figure,
as it is of every command a user runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.home.paths import REPO_ROOT

PYTHON = sys.executable


@dataclass(frozen=True)
class Timed:
    """A finished process: wall seconds, peak resident memory (MB), exit code, output."""

    seconds: float
    peak_mb: float
    returncode: int
    output: str


def timed(command: Sequence[str], env: Mapping[str, str] | None = None,
          cwd: Path = REPO_ROOT) -> Timed:
    """Run ``command`` to its end; its wall time and the peak memory of its process tree's root.

    Children the command starts (dbt, parse workers) are waited for by it, so their time is
    in the wall time; their memory is not in ``peak_mb`` (each is smaller than the root's).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(list(command), cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so its own rusage is known
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Timed(time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode, output)


def python(code: str, env: Mapping[str, str] | None = None) -> Timed:
    """Run a Python snippet in a fresh interpreter of the project's environment."""
    result = timed([PYTHON, "-c", code], env)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{result.output[-3000:]}")
    return result


def say(line: str) -> None:
    """One line of the benchmark's report, shown as it is measured."""
    print(line, flush=True)  # noqa: T201
