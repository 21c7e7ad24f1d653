"""The one Dagster code location of nq57: ingest → dbt → checks → release gate → scorecard.

Importing it changes nothing on disk: the home is created by the run that needs it
(``Nq57Settings.home_dir``) and dbt's manifest by ``prepare_dbt_project`` before loading
(``nq57 run``, ``make dev`` and the tests call it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from dagster_project.defs.automation import (
    inbox_sensor,
    monthly_chase,
    nq57_chase,
    quarterly_review,
)
from dagster_project.defs.ingest.inbox import inbox_submissions
from dagster_project.defs.partitions import QUARTERS
from dagster_project.defs.publish.release_gate import release_gate
from dagster_project.defs.publish.scorecard import scorecard
from dagster_project.defs.quality.gate import GATE_CHECKS
from dagster_project.defs.resources import Nq57Settings
from dagster_project.defs.transform.dbt import DBT_PROJECT, nq57_dbt_models

MONTHLY_JOB = define_asset_job(
    "nq57_monthly",
    selection="*",
    partitions_def=QUARTERS,
    description="Ingest the inbox, build the warehouse, run the gate, publish the quarter.",
    # One process per run: steps share the run's writer lock, and 45 suite steps do not
    # each start a Python process.
    executor_def=in_process_executor,
)


def _dbt_resource() -> DbtCliResource:
    """Dbt from this environment, even when its bin folder is not on PATH (e.g. .venv)."""
    beside_python = Path(sys.executable).with_name("dbt")
    executable = str(beside_python) if beside_python.exists() else "dbt"
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=executable)


defs = Definitions(
    assets=[inbox_submissions, nq57_dbt_models, release_gate, scorecard],
    asset_checks=GATE_CHECKS,
    jobs=[MONTHLY_JOB, nq57_chase],
    sensors=[inbox_sensor],
    schedules=[monthly_chase, quarterly_review],
    resources={"nq57": Nq57Settings(), "dbt": _dbt_resource()},
)
