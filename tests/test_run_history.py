"""The run history a home keeps for the Dagster UI: every event stored, without a flush each.

``lib/home/run_history`` replaces Dagster's SQLite event log in every home; these tests run
a small job on a home's own instance and read its history back as the UI would, and with
Dagster's stock storage (a home whose configuration is reverted keeps its history).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    asset_check,
    define_asset_job,
)
from dagster._core.storage.event_log import SqliteEventLogStorage

from dagster_project.lib.home.paths import Home
from dagster_project.lib.home.run_history import RunHistoryEventLogStorage


@asset
def received_files() -> MaterializeResult:
    """An asset as the ingest step records one: its metadata is what the UI shows."""
    return MaterializeResult(metadata={"files": 1528})


@asset_check(asset=received_files)
def every_file_read() -> AssetCheckResult:
    """A check as each dbt test and suite rule records one."""
    return AssetCheckResult(passed=True, metadata={"rows_failing": 0})


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DagsterInstance]:
    """The Dagster instance of a new home, as ``nq57 run`` and ``make dev`` load it."""
    home = Home(tmp_path / "home").ensure()
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster))
    with DagsterInstance.get() as loaded:
        yield loaded


def _run_job(instance: DagsterInstance) -> str:
    definitions = Definitions(assets=[received_files], asset_checks=[every_file_read],
                              jobs=[define_asset_job("monthly", selection="*")])
    result = definitions.get_job_def("monthly").execute_in_process(instance=instance)
    assert result.success
    return result.run_id


def test_a_home_stores_its_run_history_with_the_home_storage(instance: DagsterInstance) -> None:
    storage = instance.event_log_storage
    assert isinstance(storage, RunHistoryEventLogStorage)
    assert Path(storage._base_dir) == Path(instance.root_directory) / "history" / "runs"


def test_every_event_of_a_run_is_read_back_as_the_ui_reads_it(instance: DagsterInstance) -> None:
    run_id = _run_job(instance)

    logs = instance.all_logs(run_id)
    kinds = {entry.dagster_event.event_type for entry in logs if entry.is_dagster_event}
    assert {DagsterEventType.RUN_SUCCESS, DagsterEventType.ASSET_MATERIALIZATION,
            DagsterEventType.ASSET_CHECK_EVALUATION} <= kinds
    materialization = instance.get_latest_materialization_event(AssetKey("received_files"))
    assert materialization is not None and materialization.run_id == run_id
    assert materialization.asset_materialization.metadata["files"].value == 1528

    # Dagster's own storage on the same folder reads the same history.
    stock = SqliteEventLogStorage(instance.event_log_storage._base_dir)
    assert [e.message for e in stock.get_logs_for_run(run_id)] == [e.message for e in logs]


def test_history_writes_do_not_wait_for_the_disk(instance: DagsterInstance) -> None:
    run_id = _run_job(instance)
    with instance.event_log_storage.run_connection(run_id) as conn:
        (synchronous,) = conn.exec_driver_sql("PRAGMA synchronous").fetchone()
    assert synchronous == 0  # OFF
