"""Workers die with the run that started them, however the run ends.

A run killed while its PDF, reader or feedback workers were alive used to leave them
waiting for ever, holding memory and the run's stdout (a `make test-slow` kill during PDF
rendering hung on exactly that). Here a child process starts a pool, reports its workers'
pids and is killed with SIGKILL: the workers must be gone within seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

CHILD = """
import multiprocessing, time
from dagster_project.lib.home.workers import worker_pool
pool = worker_pool(2)
for job in [pool.submit(time.sleep, 1) for _ in range(2)]:
    job.result()
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_pool_workers_die_when_the_run_is_killed() -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in child.stdout.readline().split()]
    assert workers and all(_alive(pid) for pid in workers)

    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # do not leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)

    assert left == []
    assert child.stdout.read() == ""  # nothing holds the pipe: end of file, not a hang
