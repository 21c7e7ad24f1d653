"""What every ``nq57`` command prints through, and the exit codes they share."""

from __future__ import annotations

import sys
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Where progress goes: the terminal, even while dbt's own log lines are sent to a file
# (``nq57 run`` pushes the real stdout here before redirecting).
CONSOLE: list[Any] = []


def say(message: str) -> None:
    """Print one line of the command's output to the terminal."""
    print(message, file=CONSOLE[-1] if CONSOLE else sys.stdout, flush=True)  # noqa: T201
