"""Keep dbt's manifest current so the Dagster asset graph matches the SQL on disk."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_project.lib.paths import DBT_PROJECT_DIR, Home

_WATCHED = ("models", "seeds", "macros", "tests")


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in _WATCHED:
        files.extend(path for path in (project_dir / folder).rglob("*") if path.is_file())
    return max(path.stat().st_mtime for path in files if path.exists())


def ensure_manifest(manifest_path: Path, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than any project file.

    Dagster reads the manifest at import time to build the asset graph; a stale one would
    show yesterday's models. Parsing takes about 3 s, so it only runs when needed.
    """
    if manifest_path.exists() and manifest_path.stat().st_mtime >= _newest_source_mtime(
        project_dir
    ):
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
