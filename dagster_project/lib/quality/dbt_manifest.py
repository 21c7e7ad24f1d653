"""Keep dbt's manifest current so the Dagster asset graph matches the SQL on disk.

Dagster builds the asset graph from the manifest when the definitions are imported, and an
import must not write anything, so the manifest is prepared beforehand: by the commands that
load the definitions, by ``make dev`` (``python -m dagster_project.lib.quality.dbt_manifest``)
and by the tests. An import only checks that it is there and current.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock

from dagster_project.lib.home.paths import DBT_PROJECT_DIR, Home

_WATCHED = ("models", "seeds", "macros", "tests")


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in _WATCHED:
        files.extend(path for path in (project_dir / folder).rglob("*") if path.is_file())
    return max(path.stat().st_mtime for path in files if path.exists())


MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def is_current(manifest_path: Path = MANIFEST_PATH, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Whether the manifest exists and is newer than every project file."""
    return manifest_path.exists() and manifest_path.stat().st_mtime >= _newest_source_mtime(
        project_dir)


def require_manifest(manifest_path: Path = MANIFEST_PATH) -> Path:
    """The manifest for the asset graph; a clear error when it was not prepared.

    Raises:
        FileNotFoundError: Naming the command that prepares it.
    """
    if not is_current(manifest_path):
        raise FileNotFoundError(
            f"dbt manifest {manifest_path} is missing or older than the models / "
            "manifest dbt thiếu hoặc cũ hơn các mô hình: run / chạy "
            "`python -m dagster_project.lib.quality.dbt_manifest` (make dev and nq57 run do it)")
    return manifest_path


def prepare_dbt_project() -> Path:
    """Parse the dbt project when needed, before the definitions are loaded."""
    return ensure_manifest(MANIFEST_PATH)


def ensure_manifest(manifest_path: Path, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than any project file.

    Dagster reads the manifest at import time to build the asset graph; a stale one would
    show yesterday's models. Parsing takes about 3 s, so it only runs when needed.
    """
    if is_current(manifest_path, project_dir):
        return manifest_path
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (the UI and a CLI run) would write one manifest together.
    with FileLock(str(manifest_path.parent / "parse.lock")):
        if is_current(manifest_path, project_dir):
            return manifest_path
        os.environ.setdefault("NQ57_HOME", str(Home.from_env().root))
        from dbt.cli.main import dbtRunner  # imported lazily: dbt's import costs ~1 s

        result = dbtRunner().invoke([
            "parse", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--quiet",
        ])
    if not result.success or not manifest_path.exists():
        raise RuntimeError(f"dbt parse failed for {project_dir}: {result.exception}")
    return manifest_path


if __name__ == "__main__":
    prepare_dbt_project()
