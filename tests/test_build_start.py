"""A run's dbt build starts from the working warehouse only when the same project built it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.lib.home.build_start import (
    project_fingerprint,
    stamp_warehouse,
    start_from_working,
    warehouse_stamp,
)
from dagster_project.lib.home.paths import DBT_PROJECT_DIR


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the dbt project's files that decide how the warehouse is built."""
    copy = tmp_path / "dbt"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns(
        "target", "logs", "dbt_packages", ".user.yml"))
    return copy


def _working(path: Path, fingerprint: str | None) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.counted as select 42 as dossiers")
    if fingerprint:
        stamp_warehouse(path, fingerprint)
    return path


def test_a_changed_model_or_macro_changes_the_fingerprint(project: Path) -> None:
    before = project_fingerprint(project)
    assert project_fingerprint(project) == before
    model = next((project / "models").rglob("int_public_service_dossier_counts.sql"))
    model.write_text(model.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
    after_model = project_fingerprint(project)
    assert after_model != before
    (project / "macros" / "extra.sql").write_text("{% macro x() %}1{% endmacro %}\n")
    assert project_fingerprint(project) not in (before, after_model)


def test_the_same_project_starts_from_a_copy_of_the_working_warehouse(tmp_path: Path) -> None:
    working = _working(tmp_path / "warehouse.duckdb", "abc")
    staging = tmp_path / "staging" / "warehouse.duckdb"
    staging.parent.mkdir()
    assert start_from_working(working, staging, "abc")
    with duckdb.connect(str(staging), read_only=True) as con:
        assert con.execute("select dossiers from intermediate.counted").fetchone() == (42,)
    assert warehouse_stamp(staging) == "abc"
    assert working.exists()  # only read


@pytest.mark.parametrize("stamp", [None, "other project"])
def test_another_or_unknown_project_starts_from_an_empty_file(tmp_path: Path,
                                                             stamp: str | None) -> None:
    working = _working(tmp_path / "warehouse.duckdb", stamp)
    staging = tmp_path / "staging" / "warehouse.duckdb"
    staging.parent.mkdir()
    assert not start_from_working(working, staging, "abc")
    assert not staging.exists()


def test_no_copy_without_a_working_warehouse_or_beside_a_write_ahead_log(
        tmp_path: Path) -> None:
    staging = tmp_path / "staging" / "warehouse.duckdb"
    staging.parent.mkdir()
    assert not start_from_working(tmp_path / "warehouse.duckdb", staging, "abc")
    working = _working(tmp_path / "warehouse.duckdb", "abc")
    Path(f"{working}.wal").write_bytes(b"")
    assert not start_from_working(working, staging, "abc")
    assert not staging.exists()


def test_a_build_started_from_the_working_warehouse_publishes_the_same_figures(
        published_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo quarter rebuilt on top of its own working warehouse: same marts, same data."""
    from dagster_project.cli import main
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.publish.release import latest_release
    from dagster_project.lib.quality.audit import read_build
    from tests.conftest import copy_home

    home = Home(copy_home(published_home, tmp_path / "home"))
    assert warehouse_stamp(home.warehouse) == project_fingerprint()  # so the build copies it
    before = {run.name for run in home.runs.iterdir()}
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("NQ57_HOME", str(home.root))
    assert main(["run", "--period", "2026-Q2", "--auto-approve", "--rebuild",
                 "--inbox", str(tmp_path / "empty")]) == 0
    (run_id,) = {run.name for run in home.runs.iterdir()} - before
    rebuilt = read_build(home, run_id)
    published = latest_release(home, "2026-Q2").manifest
    assert rebuilt is not None
    assert rebuilt.data_fingerprint == published["notes"]["data_fingerprint"]
    assert warehouse_stamp(home.warehouse) == project_fingerprint()
