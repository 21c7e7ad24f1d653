"""What every ``nq57`` command prints through, and the exit codes they share."""

from __future__ import annotations

import sys
from typing import Any

# 1: rejected files or a refused gate; 2: usage; 3: the home is busy (another writer holds
# it and --no-wait was given); 4: a failure of the machine or the program, not of the data.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_ERROR = 0, 1, 2, 3, 4

# Where progress goes: the terminal, even while dbt's own log lines are sent to a file
# (``nq57 run`` pushes the real stdout here before redirecting).
CONSOLE: list[Any] = []


def say(message: str) -> None:
    """Print one line of the command's output to the terminal."""
    print(message, file=CONSOLE[-1] if CONSOLE else sys.stdout, flush=True)  # noqa: T201
