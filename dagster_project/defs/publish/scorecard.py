"""The quarterly scorecard: published only when this run's gate passed for the quarter."""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    StaticPartitionsDefinition,
    asset,
)

from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.gate import GateVerdict, read_verdict
from dagster_project.lib.paths import Home
from dagster_project.lib.periods import VIETNAM_TIME, quarters_through
from dagster_project.lib.release import ReleaseInputs, publish_release
from dagster_project.lib.review import read_log, verify_log
from dagster_project.lib.scorecard import write_scorecard

QUARTERS = StaticPartitionsDefinition(quarters_through(date.today()))
MART_DEPS = [AssetKey(["marts", name]) for name in (
    "agg_task_completion", "fct_task_quarter_status", "fct_task", "dim_agency")]


def describe_verdict(verdict: GateVerdict) -> str:
    """Why a quarter cannot be published, in Vietnamese and English."""
    lines = [f"Không công bố {verdict.period_key}: cổng kiểm soát chưa đạt / "
             f"{verdict.period_key} not published: the gate did not pass."]
    lines += [f"- {r.rule_id} [{r.severity}] {r.message_vi} / {r.message_en} "
              f"(observed: {json.dumps(r.observed, ensure_ascii=False)})"
              for r in verdict.failed_blocking]
    lines += [f"- suite {name}: no result for this run / chưa chạy trong lần chạy này"
              for name in verdict.missing_suites]
    return "\n".join(lines)


def publish_folder(home: Home, period_key: str, build: Path) -> Path:
    """Move a finished release folder into ``published/<period>`` in one rename."""
    target = home.published / period_key
    previous = home.published / f".previous-{period_key}"
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        os.replace(target, previous)
    os.replace(build, target)
    shutil.rmtree(previous, ignore_errors=True)
    return target


@asset(
    partitions_def=QUARTERS,
    deps=MART_DEPS,
    group_name="publish",
    kinds={"html"},
)
def scorecard(context: AssetExecutionContext, nq57: Nq57Settings) -> MaterializeResult:
    """The Vietnamese quarterly scorecard, written to ``NQ57_HOME/published/<quarter>/``.

    Dagster's blocking checks only stop steps inside one run, so this asset re-reads the
    gate results recorded by this run and refuses to publish unless every suite ran for
    this quarter and no blocking rule failed.
    """
    home = nq57.home_dir()
    period_key = context.partition_key
    reviews = read_log(home, period_key)
    verdict = read_verdict(home, context.run.run_id, period_key,
                           waived_rules=set(reviews.waivers))
    if not verdict.passed:
        raise Failure(description=describe_verdict(verdict),
                      metadata={"failed_rules": [r.rule_id for r in verdict.failed_blocking]})
    build = home.published / f".build-{period_key}-{context.run.run_id}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        page = write_scorecard(con, period_key, build, generated_at=datetime.now(VIETNAM_TIME))
    (build / "gate.json").write_text(json.dumps({
        "period": period_key,
        "run_id": context.run.run_id,
        "warnings": [r.__dict__ for r in verdict.warnings],
        "waived": [{**r.__dict__, "waiver": reviews.waivers[r.rule_id]}
                   for r in verdict.waived],
    }, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    target = publish_folder(home, period_key, build)
    index = target / page.name
    release = publish_release(home, home.warehouse, ReleaseInputs(
        period_key=period_key, scorecard_dir=target, gate_dir=home.runs / context.run.run_id
        / "gate", run_id=context.run.run_id, published_at=datetime.now(VIETNAM_TIME),
        notes={"approvals": list(reviews.approvals),
               "waivers": [reviews.waivers[r.rule_id] for r in verdict.waived],
               "review_log_intact": not verify_log(home, period_key)}))
    context.log.info(f"Published {period_key}: {index}; release v{release.version}: "
                     f"{release.path} ({release.manifest['changes_summary']})")
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(index)),
        "release": MetadataValue.path(str(release.path)),
        "release_version": release.version,
        "changes": release.manifest["changes_summary"],
        "gate_warnings": len(verdict.warnings),
    })
