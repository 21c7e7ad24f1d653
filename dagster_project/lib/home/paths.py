"""Where things live: the repository's own folders and the nq57 home directory.

All state (warehouse, landing archive, releases, run history) lives under one home
directory, ``NQ57_HOME`` (default ``./.nq57``), so a run can be inspected, copied or
deleted as one folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SOURCES_DIR = REPO_ROOT / "sources"
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
# The rules applied when a submitted file is read, beside the gate's catalogue.
INTAKE_RULES = EXPECTATIONS_DIR / "intake.yml"
REPORTS_DIR = REPO_ROOT / "reports"


# The Dagster instance of a home: local storage under it; no usage statistics leave a
# government machine; runs launched from the UI queue and run one at a time (each also holds
# the home's writer lock, like `nq57 run`); the run history's event log writes without a disk
# flush per event (lib/home/run_history, D-033).
DAGSTER_INSTANCE = """\
telemetry:
  enabled: false
run_queue:
  max_concurrent_runs: 1
event_log_storage:
  module: dagster_project.lib.home.run_history
  class: RunHistoryEventLogStorage
"""


@dataclass(frozen=True)
class Home:
    """The nq57 home directory and the fixed layout inside it."""

    root: Path

    @classmethod
    def from_env(cls) -> Home:
        """The home named by ``NQ57_HOME``, or ``./.nq57``, as an absolute path."""
        return cls(Path(os.environ.get("NQ57_HOME", ".nq57")).resolve())

    @property
    def warehouse(self) -> Path:
        """The working warehouse: the last one whose audit passed and was published."""
        return self.root / "warehouse.duckdb"

    @property
    def staging(self) -> Path:
        """Per-run staging warehouses: ``staging/<run_id>/warehouse.duckdb``."""
        return self.root / "staging"

    def staging_warehouse(self, run_id: str) -> Path:
        """Where a run's dbt build writes; audited there before anything is published.

        The file keeps the working warehouse's name so that DuckDB's catalog name, which
        views carry, is the same when the audited file becomes the working one.
        """
        return self.staging / run_id / "warehouse.duckdb"

    def run_warehouse(self, run_id: str) -> Path:
        """The warehouse a run audits and publishes.

        Its own staging build, or the working warehouse for a run that checks without
        building (e.g. checks started from the Dagster UI).
        """
        staged = self.staging_warehouse(run_id)
        return staged if staged.exists() else self.warehouse

    @property
    def inbox(self) -> Path:
        """Default inbox: files waiting to be ingested (the demo writes here)."""
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        """Immutable copies of every received file, keyed by SHA-256."""
        return self.root / "archive"

    @property
    def landing(self) -> Path:
        """Parsed rows as Parquet, one file per table, reporting month and ingest batch."""
        return self.root / "landing"

    @property
    def published(self) -> Path:
        """Published scorecards, one folder per period."""
        return self.root / "published"

    @property
    def releases(self) -> Path:
        """Immutable versioned releases: ``<period>/v<N>/`` and ``<period>/latest.json``."""
        return self.root / "releases"

    @property
    def runs(self) -> Path:
        """Per-run records (gate results) that the publish step reads."""
        return self.root / "runs"

    @property
    def set_aside_list(self) -> Path:
        """The files reviewers set aside, as the review logs decide; the warehouse reads it."""
        return self.root / "reviews" / "set_aside.parquet"

    @property
    def run_inputs(self) -> Path:
        """What each quarter's last release was made from, so a run with nothing new stops."""
        return self.root / "run_inputs"

    @property
    def dagster(self) -> Path:
        """Dagster's instance directory (run history shown by ``dagster dev``)."""
        return self.root / "dagster"

    def ensure(self) -> Home:
        """Create the layout if missing and export NQ57_HOME for dbt and Dagster."""
        for folder in (self.root, self.inbox, self.archive, self.landing, self.published,
                       self.releases, self.runs, self.staging, self.dagster):
            folder.mkdir(parents=True, exist_ok=True)
        instance_config = self.dagster / "dagster.yaml"
        if not instance_config.exists() or instance_config.read_text(
                encoding="utf-8") != DAGSTER_INSTANCE:
            with replacing(instance_config) as temporary:
                temporary.write_text(DAGSTER_INSTANCE, encoding="utf-8")
        os.environ["NQ57_HOME"] = str(self.root)
        return self


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` that replaces it, readable (0644), if the block ends.

    Readers never see a half-written file: they get the old one or the new one. On an error
    the temporary file is removed and ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; published files are meant to be read
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
