"""Run settings shared by every asset: where the nq57 home and the inbox are."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator
from pathlib import Path

from dagster import ConfigurableResource, InitResourceContext

from dagster_project.lib.home.home_lock import writer_lock
from dagster_project.lib.home.paths import Home


class Nq57Settings(ConfigurableResource):
    """Where state lives, which folder to ingest, and whether to approve automatically.

    ``auto_approve`` lets an audit whose rules pass count as approved (the demo only; the
    audit and the release manifest say so). Defaults come from ``NQ57_HOME`` and
    ``NQ57_INBOX`` so ``dagster dev`` and ``nq57 run`` see the same folders; ``nq57 run
    --inbox`` overrides the inbox per run.
    """

    home: str = ""
    inbox: str = ""
    auto_approve: bool = False

    def home_dir(self) -> Home:
        """The home directory, created if missing."""
        return (Home(Path(self.home).resolve()) if self.home else Home.from_env()).ensure()

    def inbox_dir(self) -> Path:
        """The inbox to ingest: configured, else ``NQ57_INBOX``, else ``<home>/inbox``."""
        configured = self.inbox or os.environ.get("NQ57_INBOX", "")
        return Path(configured).resolve() if configured else self.home_dir().inbox

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Generator[Nq57Settings]:
        """Hold the home's writer lock while the run executes; wait, saying for whom."""
        run = context.run
        command = f"dagster run {run.run_id[:8]} ({run.job_name})" if run else "dagster run"
        log = context.log.info if context.log else (lambda _message: None)
        with writer_lock(self.home_dir(), command, on_wait=log):
            yield self
