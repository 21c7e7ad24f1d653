"""One writer at a time: an exclusive OS lock on the nq57 home.

Every command that changes the home (``run``, ``demo``, ``approve``, ``waive``, ``backup``,
``restore``) and every run launched from the Dagster UI holds this lock for as long as it
writes. It is an ``flock`` on ``<home>/nq57.lock`` (through ``filelock``), so the kernel
releases it when the holder dies, even by SIGKILL: a crashed run never leaves the home
locked. Who holds it (pid, command, user, host, since when) is written beside it, in
``nq57.lock.json``, so a second writer can say whom it is waiting for. Readers (``check``,
``review``, ``verify``, ``template``, the UI) never take it: they read files that writers
only ever replace whole.

The lock is re-entrant within a process: ``nq57 run`` takes it, and the Dagster resource
that takes it for UI-launched runs finds it already held and goes on.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

from filelock import FileLock, Timeout

from dagster_project.lib.home.paths import Home, replacing
from dagster_project.lib.reference.periods import VIETNAM_TIME

__all__ = ["HomeBusyError", "Holder", "os_user", "read_holder", "writer_lock"]

LOCK_FILE = "nq57.lock"
HOLDER_FILE = "nq57.lock.json"


@dataclass(frozen=True)
class Holder:
    """The process that holds the home's lock, as it described itself."""

    pid: int
    command: str
    since: str
    user: str
    host: str

    def describe(self) -> str:
        """One line naming the holder, in Vietnamese and English."""
        since = datetime.fromisoformat(self.since).strftime("%H:%M:%S %d/%m/%Y")
        return (f"tiến trình {self.pid} ({self.command}) của {self.user}@{self.host} từ "
                f"{since} / process {self.pid} ({self.command}) of {self.user}@{self.host} "
                f"since {since}")


class HomeBusyError(RuntimeError):
    """Another process is writing to the home and the caller chose not to wait."""

    def __init__(self, home: Home, holder: Holder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder else "một tiến trình khác / another process"
        super().__init__(f"Thư mục {home.root} đang được ghi bởi {who}; thử lại sau khi nó "
                         f"kết thúc / the home is busy; try again when it has finished")


def _lock(home: Home) -> FileLock:
    # One instance per path in the process (re-entrant across callers and threads); never
    # a "soft" lock, which would outlive a killed holder; the file is kept, so two
    # processes can never lock two different inodes of the same name.
    return FileLock(home.root / LOCK_FILE, is_singleton=True, thread_local=False,
                    fallback_to_soft=False, preserve_lock_file=True)


def read_holder(home: Home) -> Holder | None:
    """Who last took the lock (meaningful while it is held), or None if unknown."""
    try:
        return Holder(**json.loads((home.root / HOLDER_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write_holder(home: Home, command: str) -> None:
    holder = Holder(pid=os.getpid(), command=command,
                    since=datetime.now(VIETNAM_TIME).isoformat(timespec="seconds"),
                    user=os_user(), host=socket.gethostname())
    with replacing(home.root / HOLDER_FILE) as temporary:
        temporary.write_text(json.dumps(asdict(holder), ensure_ascii=False) + "\n",
                             encoding="utf-8")


def os_user() -> str:
    """The operating system's name for the user running this process."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        return str(os.getuid())


@contextmanager
def writer_lock(home: Home, command: str, *, wait: bool = True,
                on_wait: Callable[[str], None] = lambda _message: None) -> Iterator[None]:
    """Hold the home's exclusive writer lock for the block.

    Args:
        home: The home to lock (its folder must exist).
        command: What the holder is doing, shown to anyone who has to wait (``nq57 run``).
        wait: Wait for the lock (saying so through ``on_wait``); if False, raise at once.
        on_wait: Receives one message naming the holder when the lock is busy.

    Raises:
        HomeBusyError: when another process holds the lock and ``wait`` is False.
    """
    home.root.mkdir(parents=True, exist_ok=True)
    lock = _lock(home)
    if lock.is_locked:  # this process already holds it
        with lock:
            yield
        return
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = read_holder(home)
        if not wait:
            raise HomeBusyError(home, holder) from None
        started = time.monotonic()
        on_wait(f"Đang chờ / waiting: {holder.describe() if holder else 'another process'} "
                f"is writing to {home.root} (--no-wait to exit at once)")
        lock.acquire()
        on_wait(f"Tiếp tục sau {time.monotonic() - started:.0f} s / going on after "
                f"{time.monotonic() - started:.0f} s of waiting")
    try:
        _write_holder(home, command)
        yield
    finally:
        lock.release()
