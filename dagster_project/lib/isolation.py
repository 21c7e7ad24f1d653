"""Parse untrusted files in worker processes with memory and CPU limits.

The Rust readers (calamine) have aborted whole processes on crafted workbooks with giant
allocations, which Python cannot catch. Each file is therefore parsed in a worker process
that has an address-space limit and a CPU-time budget per file; a worker that dies takes
only its own file down, which is then rejected with a reason instead of the run. Two
workers also use both cores of the machine.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster_project.lib.submission import ParsedSubmission, Problem, file_sha256

DEFAULT_MEMORY_LIMIT_BYTES = 4 * 1024**3  # a demo report needs ~150 MB of address space
DEFAULT_CPU_SECONDS_PER_FILE = 120  # the largest demo file (the register) takes ~1 s

_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker."""

    memory_bytes: int = DEFAULT_MEMORY_LIMIT_BYTES
    cpu_seconds_per_file: int = DEFAULT_CPU_SECONDS_PER_FILE
    workers: int = max(1, min(2, os.cpu_count() or 1))


def _init_worker(memory_bytes: int) -> None:
    """Load the contracts and agency directory once per worker, then cap its memory."""
    from dagster_project.lib.agencies import AgencyDirectory
    from dagster_project.lib.contracts import load_contracts

    _WORKER["contracts"] = load_contracts()
    _WORKER["directory"] = AgencyDirectory.from_seeds()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _parse_in_worker(path: str, cpu_seconds: int) -> ParsedSubmission:
    """Parse one file under a CPU budget counted from what the worker has used so far."""
    from dagster_project.lib.families import read_submission

    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    budget = used + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU,
                       (budget if hard == resource.RLIM_INFINITY else min(budget, hard), hard))
    try:
        return read_submission(Path(path), _WORKER["contracts"], _WORKER["directory"])
    except MemoryError:
        return _rejected(Path(path), "file_too_complex",
                         "Tệp cần quá nhiều bộ nhớ để đọc; kiểm tra lại tệp.",
                         "Reading the file needs too much memory; check the file.")


def _ping() -> bool:
    return "directory" in _WORKER


class WorkersUnavailableError(RuntimeError):
    """Worker processes cannot start: a machine problem, never a verdict on a file."""


def _check_workers(limits: Limits) -> None:
    """Start one worker and run nothing in it before parsing anything.

    A broken environment must fail the run, not be recorded as every file 'crashing' the
    reader (a verdict that would stay in the archive).
    """
    try:
        with _pool(1, limits) as pool:
            if pool.submit(_ping).result(timeout=120):
                return
    except Exception as error:  # any failure to start is the machine's, not the file's
        raise WorkersUnavailableError(f"reader worker processes cannot start: {error}") from error
    raise WorkersUnavailableError("reader worker processes start without their reference data")


def _rejected(path: Path, rule: str, message_vi: str, message_en: str) -> ParsedSubmission:
    submission = ParsedSubmission(path=path, sha256=file_sha256(path))
    submission.problems.append(Problem(path.name, None, None, None, None, rule, message_vi,
                                       message_en))
    return submission


def _crashed(path: Path) -> ParsedSubmission:
    return _rejected(
        path, "file_reader_crashed",
        "Không đọc được tệp: trình đọc bị dừng (tệp hỏng, quá phức tạp hoặc vượt giới hạn "
        "thời gian/bộ nhớ). Hãy mở và lưu lại tệp bằng Excel rồi gửi lại.",
        "The file could not be read: the reader was stopped (damaged, too complex, or over "
        "the time/memory limit). Open and save it again in Excel, then resend.",
    )


def _pool(workers: int, limits: Limits) -> futures.ProcessPoolExecutor:
    return futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),  # no forked DuckDB/thread state
        initializer=_init_worker,
        initargs=(limits.memory_bytes,),
    )


def _run_batch(paths: Sequence[Path], workers: int,
               limits: Limits) -> tuple[dict[Path, ParsedSubmission], list[Path]]:
    """Parse a batch; return what finished and the files caught in a broken pool."""
    done: dict[Path, ParsedSubmission] = {}
    broken: list[Path] = []
    with _pool(workers, limits) as pool:
        jobs = {pool.submit(_parse_in_worker, str(path), limits.cpu_seconds_per_file): path
                for path in paths}
        for job in futures.as_completed(jobs):
            try:
                done[jobs[job]] = job.result()
            except futures.process.BrokenProcessPool:
                broken.append(jobs[job])
    return done, broken


def parse_files(paths: Sequence[Path], limits: Limits | None = None) -> list[ParsedSubmission]:
    """Parse files in isolated workers; results in the order of ``paths``.

    When a worker dies, every file still queued in that pool fails with it; those files are
    retried one at a time in fresh single-worker pools, so only the culprit is rejected.
    """
    limits = limits or Limits()
    if not paths:
        return []
    _check_workers(limits)
    done, broken = _run_batch(paths, limits.workers, limits)
    for path in broken:
        retried, still_broken = _run_batch([path], 1, limits)
        done.update(retried)
        if still_broken:
            done[path] = _crashed(path)
    return [done[path] for path in paths]
