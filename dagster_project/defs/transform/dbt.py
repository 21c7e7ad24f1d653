"""The dbt project as Dagster assets: every seed and model an asset, every test a check.

Sources keep dbt's ``[source, table]`` keys, which are exactly the ingest assets' keys, so
Dagster draws the lineage from inbox to marts with no glue code.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import atexit
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.defs.partitions import PARTITION_TAG
from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.home.build_start import (
    project_fingerprint,
    stamp_warehouse,
    start_from_working,
)
from dagster_project.lib.home.paths import DBT_PROJECT_DIR, Home
from dagster_project.lib.home.spark_build import build_engine, load_spark_build, spark_dir
from dagster_project.lib.quality.audit import record_build
from dagster_project.lib.quality.dbt_manifest import require_manifest
from dagster_project.lib.quality.dbt_rules import dbt_results, load_dbt_rules, read_manifest
from dagster_project.lib.quality.gate import DBT_SUITE, resolve_period, write_results
from dagster_project.lib.quality.set_aside import write_set_aside_table
from dagster_project.lib.reference.periods import VIETNAM_TIME
from dagster_project.lib.text.progress import Progress, progress

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class Nq57DbtTranslator(DagsterDbtTranslator):
    """Groups assets by layer (staging, intermediate, marts, reference) as the folders do."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The model's layer folder, or ``reference`` for seeds."""
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


# A dbt build here takes seconds; a per-run target folder this old was left by a killed run.
STALE_TARGET_SECONDS = 6 * 3600
# Staging warehouses of earlier runs kept for review (each is a full warehouse).
STAGING_KEPT = 3

TRANSLATOR = Nq57DbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=require_manifest(DBT_PROJECT.manifest_path),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
)
def nq57_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, nq57: Nq57Settings):
    """Build seeds, models and tests (``dbt build``) into the run's own staging warehouse.

    Write-audit-publish: the working warehouse changes only when the audit passed and the
    release is published.

    The staging warehouse starts as a copy of the working one when the same dbt project
    built it, so incremental models only add what landed since (``lib/home/build_start``).

    ``NQ57_ENGINE=spark`` (``nq57 run --engine spark``) builds with dbt-spark instead and
    copies the Spark build's tables into the staging warehouse (``lib/home/spark_build``),
    so that the audit and everything after it read DuckDB either way.

    Data tests run with dbt severity ``warn`` so the whole warehouse is built and audited;
    whether a failure blocks publication is the rule catalogue's decision, not dbt's.
    dagster-dbt gives every invocation its own ``target/<asset>-<uuid>`` folder; the run
    keeps only ``run_results.json`` (under ``NQ57_HOME/runs/<run_id>/``) and removes the
    folder, so runs do not pile up.
    """
    home = nq57.home_dir()
    staging = prepare_staging(home, context.run.run_id)
    fingerprint = project_fingerprint()
    if start_from_working(home.warehouse, staging, fingerprint):
        context.log.info("dbt build starts from the working warehouse (incremental models "
                         "add only what is new) / dựng tiếp từ kho dữ liệu đang dùng")
    write_set_aside_table(home)  # the files reviewers set aside, as the logs now decide
    engine = build_engine()
    # SPARK_LOCAL_IP: a local Spark session resolves no host name and binds to loopback only.
    with _environment(NQ57_HOME=str(home.root), NQ57_WAREHOUSE=str(staging),
                      NQ57_SPARK_DIR=str(spark_dir(home)), SPARK_LOCAL_IP="127.0.0.1"):
        invocation = dbt.cli(["build", "--target", engine], context=context,
                             raise_on_error=False)
    stop = _stop_at_exit(invocation.process, invocation.target_path)
    try:
        with progress("dbt build / Dựng kho dữ liệu", total=None) as bar:
            # What ``invocation.stream()`` does, counting each node dbt finishes on the way.
            for event in invocation.stream_raw_events():
                yield from event.to_default_asset_events(
                    manifest=invocation.manifest,
                    dagster_dbt_translator=invocation.dagster_dbt_translator,
                    context=invocation.context, target_path=invocation.target_path,
                    project=invocation.project)
                _count_node(bar, event.raw_event)
        run_results = invocation.get_artifact("run_results.json")
    finally:
        atexit.unregister(stop)
        _keep_run_results(invocation.target_path, home.runs / context.run.run_id)
    if not invocation.is_successful():
        failed = ", ".join(sorted(_failed_nodes(run_results)))
        raise RuntimeError(f"dbt build failed: {failed or 'see the dbt log above'}")
    if engine == "spark":
        loaded = load_spark_build(spark_dir(home) / "warehouse", staging)
        context.log.info(f"{len(loaded)} tables of the Spark build copied into the run's "
                         "warehouse / đã chép bản dựng Spark vào kho dữ liệu của lượt chạy")
    stamp_warehouse(staging, fingerprint)
    _record_audit_inputs(home, context.run.run_id, context.run.tags.get(PARTITION_TAG),
                         staging, run_results)


# The event dbt logs (at its default level) when it is done with a node: built, tested,
# failed or skipped. Each carries the node's index and the number of nodes the build runs.
NODE_DONE = frozenset({
    "LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult", "LogNodeResult",
    "LogNodeNoOpResult", "LogFunctionResult", "SkippingDetails", "LogSkipBecauseError"})


def _count_node(bar: Progress, raw_event: Mapping[str, Any]) -> None:
    """Advance the build's progress at each node done; dbt's events carry the total."""
    name = (raw_event.get("info") or {}).get("name")
    data = raw_event.get("data") or {}
    if name not in NODE_DONE and name != "LogStartLine":
        return
    if bar.total is None and isinstance(data.get("total"), int):
        bar.set_total(data["total"])
    if name in NODE_DONE:
        bar.advance()


def _record_audit_inputs(home: Home, run_id: str, period_key: str | None, staging: Path,
                         run_results: Mapping[str, Any]) -> None:
    """Fingerprint the build and judge its data tests by the rule catalogue."""
    record_build(home, run_id, staging, datetime.now(VIETNAM_TIME))
    with duckdb.connect(str(staging), read_only=True) as con:
        period = resolve_period(con, period_key)
    rules = load_dbt_rules(read_manifest())
    write_results(home, run_id, DBT_SUITE, period, dbt_results(run_results, rules))


def prepare_staging(home: Home, run_id: str, keep: int = STAGING_KEPT) -> Path:
    """A fresh staging warehouse path for the run; older staging builds are swept.

    The newest ``keep`` builds stay so that reviewers can look at audits that did not
    publish (``nq57 review``); the working warehouse is never touched here.
    """
    target = home.staging_warehouse(run_id)
    builds = sorted((p for p in home.staging.iterdir() if p.is_dir() and p != target.parent),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(target.parent, ignore_errors=True)
    target.parent.mkdir(parents=True)
    return target


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for a subprocess started inside the block."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _stop_at_exit(process: subprocess.Popen, target: Path) -> Callable[[], None]:
    """Stop dbt and remove its target folder if this process exits while dbt still runs.

    When the run itself fails mid-build (its run database on a full disk, say), this
    generator is abandoned at a ``yield`` and its ``finally`` may never run; dbt would go
    on building into a staging folder nobody reads, and leave its target folder behind.
    """
    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        _remove_target(target)

    atexit.register(stop)
    return stop


def _keep_run_results(target: Path, run_folder: Path) -> None:
    """Copy ``run_results.json`` into the run's folder and remove the invocation's target.

    Folders left by runs that were killed before they could clean up are swept once they
    are older than any run could be, so a live run in another process keeps its own.
    """
    results = target / "run_results.json"
    try:
        if results.exists():
            run_folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(results, run_folder / "dbt_run_results.json")
    finally:  # a full disk under the home must not leave the target folder behind
        _remove_target(target)


def _remove_target(target: Path) -> None:
    """Remove the invocation's target folder and sweep stale ones from killed runs."""
    target_root = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    if target.parent != target_root:
        return
    shutil.rmtree(target, ignore_errors=True)
    stale_before = time.time() - STALE_TARGET_SECONDS
    for leftover in target_root.glob(f"{target.name.split('-')[0]}-*"):
        if leftover.is_dir() and leftover.stat().st_mtime < stale_before:
            shutil.rmtree(leftover, ignore_errors=True)


def _failed_nodes(run_results: Mapping[str, Any]) -> set[str]:
    return {
        result["unique_id"]
        for result in run_results.get("results", [])
        if result.get("status") in {"error", "fail", "runtime error"}
    }
