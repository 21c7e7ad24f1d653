"""Worker processes that end with the run that started them.

nq57 parses untrusted files, writes feedback workbooks and renders PDFs in spawned worker
processes (``ProcessPoolExecutor`` with the ``spawn`` context). A worker waits for its next
task on a pipe whose writing end it holds itself, so when the run is killed (SIGKILL, the
machine's out-of-memory killer, an operator's ``kill -9``) the workers never see the end of
it: they wait for ever, keep their memory and hold the run's stdout open, so whatever reads
that output waits with them. Every pool starts its workers through :func:`worker_pool`,
whose workers ask the kernel to kill them when their parent dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent import futures
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """Arrange for this process to be killed when ``parent_pid`` ends (Linux).

    The signal is armed first and the parent checked after, so a parent that died in
    between is noticed too. Elsewhere the worker only checks once.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _start_worker(parent_pid: int, initializer: Callable[..., None] | None,
                  initargs: tuple[Any, ...]) -> None:
    die_with_parent(parent_pid)
    if initializer is not None:
        initializer(*initargs)


def worker_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> futures.ProcessPoolExecutor:
    """A pool of spawned workers that die with this process.

    Spawned, not forked: no DuckDB or thread state is copied. Each worker runs
    ``initializer(*initargs)`` after arming its death signal.
    """
    return futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))
