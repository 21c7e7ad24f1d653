"""How far a long step has got: a bar in a terminal, a plain line now and then elsewhere.

``with progress("Landing files / Tiếp nhận tệp", total=len(files)) as bar: bar.advance()``

Progress goes where ``console.say`` prints while a command has registered its console
(``nq57 run`` does, for its steps). On a terminal it is a rich bar with the count, the time
taken and the time left; anywhere else (CI, a log file, a pipe) it is one plain line at most
every ``NQ57_PROGRESS_EVERY`` seconds (default 10), e.g. ``Landing files / Tiếp nhận tệp:
300/1528 (20%), 12 s elapsed, ~48 s left``, and a last line when the step ends.

With no console registered (the Dagster UI or daemon running the same assets, a test through
``materialize``), the periodic lines go to the Dagster logger instead, and only for a step
long enough to print one. ``NQ57_PROGRESS=0`` turns progress off everywhere.

Nothing is written to stdout unless a command registered stdout as its console, so a
command printing ``--json`` keeps stdout to the JSON alone.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from dagster_project.console import CONSOLE, say

ENV_SWITCH = "NQ57_PROGRESS"  # "0" (or off, false, no): no progress at all
ENV_EVERY = "NQ57_PROGRESS_EVERY"  # seconds between two plain lines
DEFAULT_EVERY = 10.0
_OFF = {"0", "off", "false", "no"}

Clock = Callable[[], float]


def enabled() -> bool:
    """Whether progress is shown at all (``NQ57_PROGRESS=0`` turns it off)."""
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in _OFF


def every() -> float:
    """Seconds between two plain progress lines (``NQ57_PROGRESS_EVERY``, default 10)."""
    try:
        seconds = float(os.environ.get(ENV_EVERY, ""))
    except ValueError:
        return DEFAULT_EVERY
    return seconds if seconds > 0 else DEFAULT_EVERY


def duration(seconds: float) -> str:
    """``12 s``, ``3 min 05 s``, ``1 h 02 min``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


class Progress:
    """One long step's count of work done; this base shows nothing.

    Args:
        label: What the step does, e.g. ``"Landing files / Tiếp nhận tệp"``.
        total: How many units of work there are; None until known (see ``set_total``).
    """

    def __init__(self, label: str, total: int | None) -> None:
        self.label = label
        self.total = total
        self.done = 0

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more units done."""
        self.done += count

    def set_total(self, total: int | None) -> None:
        """Say how many units there are, once that is known."""
        self.total = total

    def say(self, message: str) -> None:
        """Print a line of the command's output without breaking the bar."""
        say(message)

    def close(self) -> None:
        """End the step's progress (called when the ``with`` block ends)."""

    def percent(self) -> int:
        """Share done, rounded; 100 only once everything is done."""
        if not self.total:
            return 0
        share = round(100 * self.done / self.total)
        return min(share, 99) if self.done < self.total else 100


class _Lines(Progress):
    """Plain lines, at most one every ``every`` seconds, and a last one at the end."""

    def __init__(
        self,
        label: str,
        total: int | None,
        write: Callable[[str], None],
        clock: Clock,
        every: float,
        last_line: bool,
    ) -> None:
        super().__init__(label, total)
        self.write, self.clock, self.every = write, clock, every
        self.last_line = last_line  # always; or only when a line was printed already
        self.started = self.printed_at = clock()
        self.printed_done = 0  # the count the last line showed
        self.printed = False

    def advance(self, count: int = 1) -> None:
        """Count units done; print a line if the last one is ``every`` seconds old."""
        super().advance(count)
        now = self.clock()
        if now - self.printed_at >= self.every:
            self.write(self.line(now))
            self.printed_at, self.printed_done, self.printed = now, self.done, True

    def line(self, now: float) -> str:
        """``label: done/total (pct%), elapsed, ~left``.

        The time left is at the pace since the last line (workers starting up do not make
        it hours), and not guessed before 1% is done.
        """
        elapsed = now - self.started
        text = (
            f"{self.label}: {self.done}/{self.total} ({self.percent()}%)"
            if self.total
            else f"{self.label}: {self.done}"
        )
        text += f", {duration(elapsed)} elapsed"
        recent = self.done - self.printed_done
        if self.total and 100 * self.done >= self.total and self.done < self.total and recent:
            pace = (now - self.printed_at) / recent
            text += f", ~{duration(pace * (self.total - self.done))} left"
        return text

    def close(self) -> None:
        """The last line: how many were done, in how long."""
        if self.last_line or self.printed:
            elapsed = self.clock() - self.started
            count = (
                f"{self.done}/{self.total} ({self.percent()}%)" if self.total else f"{self.done}"
            )
            self.write(f"{self.label}: {count} in {duration(elapsed)}")


class _Bar(Progress):
    """A rich progress bar; a step inside another's bar adds its own line to that bar."""

    live: list[Any] = []  # the rich Progress on screen, if any

    def __init__(self, label: str, total: int | None, stream: TextIO, clock: Clock) -> None:
        super().__init__(label, total)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self.owner = not _Bar.live
        if self.owner:
            # Lines other code prints to this same terminal go above the bar, not through it.
            self.bars = RichProgress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TextColumn("elapsed,"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=Console(file=stream, force_terminal=True, highlight=False),
                get_time=clock,
                redirect_stdout=sys.stdout is stream,
                redirect_stderr=_is_terminal(sys.stderr),
            )
            self.bars.start()
            _Bar.live.append(self.bars)
        else:
            self.bars = _Bar.live[-1]
        self.task = self.bars.add_task(label, total=total)

    def advance(self, count: int = 1) -> None:
        """Count units done and move the bar."""
        super().advance(count)
        self.bars.advance(self.task, count)

    def set_total(self, total: int | None) -> None:
        """Give the bar its length once it is known."""
        super().set_total(total)
        self.bars.update(self.task, total=total)

    def say(self, message: str) -> None:
        """Print a line above the bar."""
        self.bars.console.print(message, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        """Leave the finished bar on screen as the step's record."""
        if self.owner and self.bars in _Bar.live:
            _Bar.live.remove(self.bars)
            self.bars.stop()


def end_bars() -> None:
    """Stop every bar still on screen: a step abandoned half-way, or an interrupted run."""
    while _Bar.live:
        _Bar.live.pop().stop()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


def _writer(stream: TextIO) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()

    return write


def _log(line: str) -> None:
    """A line for the Dagster run's log (where no console is registered)."""
    from dagster import get_dagster_logger

    get_dagster_logger("progress").info(line)


def reporter(
    label: str,
    total: int | None,
    *,
    stream: TextIO | None = None,
    terminal: bool | None = None,
    clock: Clock = time.monotonic,
) -> Progress:
    """The progress reporter for a step (see ``progress``); the caller must ``close`` it."""
    if not enabled() or total == 0:  # nothing to do: nothing to show
        return Progress(label, total)
    if stream is None and not CONSOLE:
        return _Lines(label, total, _log, clock, every(), last_line=False)
    stream = stream if stream is not None else CONSOLE[-1]
    if terminal if terminal is not None else _is_terminal(stream):
        return _Bar(label, total, stream, clock)
    return _Lines(label, total, _writer(stream), clock, every(), last_line=True)


@contextmanager
def progress(
    label: str,
    total: int | None = None,
    *,
    stream: TextIO | None = None,
    terminal: bool | None = None,
    clock: Clock = time.monotonic,
) -> Iterator[Progress]:
    """Show how far a long step has got while the block runs.

    Args:
        label: What the step does, in English and Vietnamese.
        total: Units of work (files, dbt nodes, suites…); None until ``set_total``.
        stream: Where to write; by default the registered console, else the Dagster log.
        terminal: Draw a bar (True) or print lines (False); by default ``stream.isatty()``.
        clock: Seconds, monotonic (tests give a fake one).

    Yields:
        The reporter: ``advance()`` after each unit, ``say()`` for a line of output.
    """
    bar = reporter(label, total, stream=stream, terminal=terminal, clock=clock)
    try:
        yield bar
    finally:
        bar.close()
