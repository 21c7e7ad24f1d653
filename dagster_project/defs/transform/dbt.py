"""The dbt project as Dagster assets: every seed and model an asset, every test a check.

Sources keep dbt's ``[source, table]`` keys, which are exactly the ingest assets' keys, so
Dagster draws the lineage from inbox to marts with no glue code.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.dbt_manifest import ensure_manifest
from dagster_project.lib.paths import DBT_PROJECT_DIR

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

TRANSLATOR = Nq57DbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=ensure_manifest(DBT_PROJECT.manifest_path),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
)
def nq57_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, nq57: Nq57Settings):
    """Build seeds, models and tests in dependency order (``dbt build``).

    A failing test stops its children from building. dagster-dbt gives every invocation its
    own ``target/<asset>-<uuid>`` folder; the run keeps only ``run_results.json`` (under
    ``NQ57_HOME/runs/<run_id>/``) and removes the folder, so runs do not pile up.
    """
    invocation = dbt.cli(["build"], context=context, raise_on_error=False)
    try:
        yield from invocation.stream()
        run_results = invocation.get_artifact("run_results.json")
    finally:
        _keep_run_results(invocation.target_path, nq57.home_dir().runs / context.run.run_id)
    if not invocation.is_successful():
        failed = ", ".join(sorted(_failed_nodes(run_results)))
        raise RuntimeError(f"dbt build failed: {failed or 'see the dbt log above'}")


def _keep_run_results(target: Path, run_folder: Path) -> None:
    """Copy ``run_results.json`` into the run's folder and remove the invocation's target.

    Folders left by runs that were killed before they could clean up are swept once they
    are older than any run could be, so a live run in another process keeps its own.
    """
    results = target / "run_results.json"
    if results.exists():
        run_folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(results, run_folder / "dbt_run_results.json")
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
