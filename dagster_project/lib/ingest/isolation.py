"""Parse untrusted files in worker processes with memory and CPU limits.

The Rust readers (calamine) have aborted whole processes on crafted workbooks with giant
allocations, which Python cannot catch. Each file is therefore parsed in a worker process
that has an address-space limit and a CPU-time budget per file; a worker that dies takes
only its own file down, which is then rejected with a reason instead of the run. Two
workers also use both cores of the machine.

A dying reader prints a native backtrace of dozens of lines on its stderr. Each worker's
stderr therefore goes to a file of its own in a temporary folder; the user sees one line,
the file's rejection, which quotes the reader's own reason when it gave one.
"""

from __future__ import annotations

import concurrent.futures as futures
import os
import re
import resource
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster_project.lib.home.workers import worker_pool
from dagster_project.lib.ingest.regular_files import file_sha256
from dagster_project.lib.ingest.submission import ParsedSubmission, Problem
from dagster_project.lib.text.intake_rules import intake_rules, part
from dagster_project.lib.text.terminal import printable

DEFAULT_MEMORY_LIMIT_BYTES = 4 * 1024**3  # a demo report needs ~150 MB of address space
DEFAULT_CPU_SECONDS_PER_FILE = 120  # the largest demo file (the register) takes ~1 s

_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker."""

    memory_bytes: int = DEFAULT_MEMORY_LIMIT_BYTES
    cpu_seconds_per_file: int = DEFAULT_CPU_SECONDS_PER_FILE
    workers: int = max(1, min(2, os.cpu_count() or 1))


def redirect_stderr(target: str) -> None:
    """Send this process's file descriptor 2 to ``target`` (a file, or ``os.devnull``).

    Native code (the Rust readers) writes to the descriptor, not to ``sys.stderr``, so the
    descriptor itself is replaced; the file is appended to and only this user can read it.
    """
    sys.stderr.flush()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.dup2(descriptor, 2)
    finally:
        os.close(descriptor)


def _init_worker(memory_bytes: int, stderr_folder: str) -> None:
    """Quiet the worker's stderr, load the reference data once, then cap its memory.

    The intake rules are read here too, so that rejecting a file for the memory it needs
    does not itself read a file under the cap.
    """
    redirect_stderr(os.path.join(stderr_folder, f"worker-{os.getpid()}.log"))
    from dagster_project.lib.ingest.contracts import load_contracts
    from dagster_project.lib.reference.agencies import AgencyDirectory

    _WORKER["contracts"] = load_contracts()
    _WORKER["directory"] = AgencyDirectory.from_seeds()
    intake_rules()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _parse_in_worker(path: str, cpu_seconds: int) -> ParsedSubmission:
    """Parse one file under a CPU budget counted from what the worker has used so far."""
    from dagster_project.lib.ingest.families import read_submission

    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    budget = used + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU,
                       (budget if hard == resource.RLIM_INFINITY else min(budget, hard), hard))
    try:
        return read_submission(Path(path), _WORKER["contracts"], _WORKER["directory"])
    except MemoryError:
        return _rejected(Path(path), "file_too_complex")


def _ping() -> bool:
    return "directory" in _WORKER


class WorkersUnavailableError(RuntimeError):
    """Worker processes cannot start: a machine problem, never a verdict on a file."""


def _check_workers(limits: Limits) -> None:
    """Start one worker and run nothing in it before parsing anything.

    A broken environment must fail the run, not be recorded as every file 'crashing' the
    reader (a verdict that would stay in the archive).
    """
    with tempfile.TemporaryDirectory(prefix="nq57-readers-") as logs:
        try:
            with _pool(1, limits, logs) as pool:
                if pool.submit(_ping).result(timeout=120):
                    return
        except Exception as error:  # any failure to start is the machine's, not the file's
            said = _last_line(Path(logs))
            raise WorkersUnavailableError(
                f"reader worker processes cannot start: {error}"
                + (f" (worker: {said})" if said else "")) from error
    raise WorkersUnavailableError("reader worker processes start without their reference data")


def _last_line(stderr_folder: Path) -> str:
    """The last line a worker wrote to stderr (the exception of a failed start), escaped."""
    lines = [line.strip() for log in sorted(stderr_folder.glob("worker-*.log"))
             for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    return printable(next((line for line in reversed(lines) if line), ""))[:_LAST_WORDS_CHARS]


def _rejected(path: Path, rule: str, /, **fields: object) -> ParsedSubmission:
    """A file rejected whole by the rule ``rule``; ``fields`` fill its message."""
    try:
        sha256 = file_sha256(path)
    except OSError:  # gone or no longer a regular file: then nothing of it is archived
        sha256 = ""
    submission = ParsedSubmission(path=path, sha256=sha256)
    submission.problems.append(Problem.of(rule, path.name, **fields))
    return submission


def _crashed(path: Path, reason: str = "") -> ParsedSubmission:
    said = part("file_reader_crashed", "said", reason=reason) if reason else ""
    return _rejected(path, "file_reader_crashed", said=said)


# The line of a dying reader's stderr that says why: a Rust panic or allocation failure, or
# a fatal error of the interpreter. Everything after it is backtrace.
_LAST_WORDS = re.compile(r"panicked at|memory allocation of|Fatal Python error|"
                         r"Segmentation fault|MemoryError")
_LAST_WORDS_CHARS = 200


def last_words(stderr_folder: Path) -> str:
    """The one line of the workers' stderr files that says why a reader died, or "".

    A Rust panic prints its location on one line and its message on the next; both are
    kept. The line is escaped for the terminal and cut to a readable length.
    """
    for log in sorted(stderr_folder.glob("worker-*.log")):
        with log.open(encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle.read(1 << 16).splitlines()]
        for number, line in enumerate(lines):
            if _LAST_WORDS.search(line):
                if line.endswith(":") and number + 1 < len(lines):
                    line = f"{line} {lines[number + 1]}"
                return printable(line)[:_LAST_WORDS_CHARS]
    return ""


def _pool(workers: int, limits: Limits, stderr_folder: str) -> futures.ProcessPoolExecutor:
    return worker_pool(workers, _init_worker, (limits.memory_bytes, stderr_folder))


def _run_batch(paths: Sequence[Path], workers: int, limits: Limits,
               parsed: Callable[[], None] = lambda: None,
               ) -> tuple[dict[Path, ParsedSubmission], list[Path], str]:
    """Parse a batch; return what finished, the files caught in a broken pool, and why.

    ``parsed`` is called as each file is done (for the run's progress).
    """
    done: dict[Path, ParsedSubmission] = {}
    broken: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="nq57-readers-") as logs:
        with _pool(workers, limits, logs) as pool:
            jobs = {pool.submit(_parse_in_worker, str(path), limits.cpu_seconds_per_file): path
                    for path in paths}
            for job in futures.as_completed(jobs):
                try:
                    done[jobs[job]] = job.result()
                except futures.process.BrokenProcessPool:
                    broken.append(jobs[job])
                else:
                    parsed()
        return done, broken, last_words(Path(logs)) if broken else ""


def parse_files(paths: Sequence[Path], limits: Limits | None = None,
                parsed: Callable[[], None] = lambda: None) -> list[ParsedSubmission]:
    """Parse files in isolated workers; results in the order of ``paths``.

    When a worker dies, every file still queued in that pool fails with it; those files are
    retried one at a time in fresh single-worker pools, so only the culprit is rejected.
    ``parsed`` is called once for each file as it is done (for the run's progress).
    """
    limits = limits or Limits()
    if not paths:
        return []
    _check_workers(limits)
    done, broken, _ = _run_batch(paths, limits.workers, limits, parsed)
    for path in broken:
        retried, still_broken, reason = _run_batch([path], 1, limits)
        done.update(retried)
        if still_broken:
            done[path] = _crashed(path, reason)
        parsed()
    return [done[path] for path in paths]
