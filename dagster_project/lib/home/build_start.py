"""Where a run's dbt build starts: from the working warehouse, so incremental models carry over.

Each run builds into its own staging warehouse, audited before it may replace the working
one (write-audit-publish). Started empty, every incremental model (the dossier counts over
tens of millions of landed rows) would be built from scratch on every run. So the staging
warehouse starts as a copy of the working warehouse — the last audited, published build —
when that build came from the same dbt project; the incremental models then only add what
landed since. Any change to the project (a model, a macro, a seed, the adapter) starts the
build from an empty file, so a changed model is never mixed with rows its older version
computed. The copy is the run's own: the working warehouse is only read.
"""

from __future__ import annotations

import hashlib
import shutil
from importlib.metadata import version
from pathlib import Path

import duckdb

from dagster_project.lib.home.paths import DBT_PROJECT_DIR

STAMP = "nq57_meta.build_project"
# What decides how the warehouse is built: the project's files and the adapter's version.
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds")


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """SHA-256 over the dbt project's files (path and bytes) and the dbt-duckdb version."""
    digest = hashlib.sha256(f"dbt-duckdb {version('dbt-duckdb')}\n".encode())
    for part in PROJECT_PARTS:
        path = project_dir / part
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(f"{file.relative_to(project_dir).as_posix()}\n".encode())
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def stamp_warehouse(warehouse: Path, fingerprint: str) -> None:
    """Record in the warehouse which dbt project built it."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists nq57_meta")
        con.execute(f"create or replace table {STAMP} as select ? as project_fingerprint",
                    [fingerprint])


def warehouse_stamp(warehouse: Path) -> str | None:
    """The fingerprint of the project that built ``warehouse``; None if unknown or unreadable."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(f"select project_fingerprint from {STAMP}").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def start_from_working(working: Path, staging: Path, fingerprint: str) -> bool:
    """Copy the working warehouse to ``staging`` if the same project built it.

    Returns whether the build starts from the copy (False: it starts from an empty file).
    A working warehouse with a write-ahead log beside it is not copied: its file alone
    might not hold everything it holds.
    """
    if Path(f"{working}.wal").exists() or warehouse_stamp(working) != fingerprint:
        return False
    temporary = staging.with_name(staging.name + ".copy")
    shutil.copyfile(working, temporary)
    temporary.replace(staging)
    return True
