"""The quarterly scorecard: published only when this run's gate passed for the quarter."""

# No `from __future__ import annotations` here: Dagster inspects the context annotations.
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.defs.partitions import QUARTERS
from dagster_project.defs.publish.release_gate import RELEASE_GATE
from dagster_project.defs.resources import Nq57Settings
from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import (
    Release,
    ReleaseInputs,
    code_version,
    latest_release,
    next_version,
    pending_changes,
    publish_release,
)
from dagster_project.lib.publish.report.context import FailedRule, GateSummary
from dagster_project.lib.publish.report.publish import DOCUMENTS, gate_notes, write_report
from dagster_project.lib.publish.report.versions import ReleaseNote
from dagster_project.lib.quality.audit import Audit, read_audit
from dagster_project.lib.quality.gate import (
    GateVerdict,
    catalogue_sha256,
    gate_folder,
    read_verdict,
)
from dagster_project.lib.quality.review import ReviewLog, log_head, read_log
from dagster_project.lib.quality.run_records import write_annex, write_docs
from dagster_project.lib.reference.periods import VIETNAM_TIME
from dagster_project.lib.text.progress import progress


def describe_audit(audit: Audit | None, verdict: GateVerdict | None) -> str:
    """Why a quarter cannot be published, in Vietnamese and English."""
    if audit is None or verdict is None:
        return "Cổng kiểm soát chưa chạy trong lần chạy này / the gate did not run in this run."
    lines = [f"Không công bố {audit.period_key}: {audit.reason()} / "
             f"{audit.period_key} not published."]
    lines += [f"- {r.rule_id} [{r.severity}] {r.message_vi} / {r.message_en} "
              f"(observed: {json.dumps(r.observed, ensure_ascii=False)})"
              for r in verdict.failed_blocking]
    return "\n".join(lines)


def promote_staging(home: Home, run_id: str) -> bool:
    """Make the run's audited staging warehouse the working warehouse, in one rename.

    The staging file is checkpointed first so that everything is in the file itself; the
    working warehouse's write-ahead log, if one was left, is removed so it cannot be replayed
    onto the new file. Returns whether there was a staging build to promote.
    """
    staged = home.staging_warehouse(run_id)
    if not staged.exists():
        return False
    with duckdb.connect(str(staged)) as con:
        con.execute("checkpoint")
    Path(f"{home.warehouse}.wal").unlink(missing_ok=True)
    os.replace(staged, home.warehouse)
    shutil.rmtree(staged.parent, ignore_errors=True)
    return True


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(VIETNAM_TIME)


def review_notes(audit: Audit, verdict: GateVerdict,
                 reviews: ReviewLog) -> dict[str, list[str]]:
    """The scorecard's footnotes from the gate, by language: approval, waivers, warnings."""
    return gate_notes(
        audit.approval, audit.auto_approved,
        [(r.rule_id, {"vi": r.message_vi, "en": r.message_en}, reviews.waivers[r.rule_id])
         for r in verdict.waived],
        [(r.rule_id, {"vi": r.message_vi, "en": r.message_en}) for r in verdict.warnings],
        _when)


def gate_summary(audit: Audit, verdict: GateVerdict, reviews: ReviewLog) -> GateSummary:
    """What the scorecard says of the gate: rules checked, footnotes, failing rows by body."""
    failing: dict[str, int] = {}
    for result in verdict.results:
        if not result.passed:
            for agency_id, rows in result.failing_by_agency.items():
                failing[agency_id] = failing.get(agency_id, 0) + rows
    return GateSummary(rules_checked=len(verdict.results),
                       warnings=tuple(r.rule_id for r in verdict.warnings),
                       waived=tuple(r.rule_id for r in verdict.waived),
                       notes=review_notes(audit, verdict, reviews),
                       failing_by_agency=failing,
                       failed_rules=tuple(
                           FailedRule(r.rule_id, r.severity == "blocking",
                                      {"vi": r.message_vi, "en": r.message_en},
                                      dict(r.failing_by_agency))
                           for r in verdict.results if not r.passed and r.failing_by_agency),
                       annex_href="../quality/index.html")


def _release_notes(reviews: ReviewLog, audit: Audit, verdict: GateVerdict) -> dict[str, Any]:
    """What the manifest records of the review: approval, waivers, the data approved."""
    return {
        "approval": audit.approval,
        "auto_approved": audit.auto_approved and audit.approval is None,
        "approvals": list(reviews.approvals),
        "waivers": [reviews.waivers[r.rule_id] for r in verdict.waived],
        # The gate refuses a damaged log, so a published release always had an intact one.
        "review_log_intact": not audit.record_problems,
        "data_fingerprint": audit.data_fingerprint,
        "rules_checked": len(verdict.results),
        "warnings": [r.rule_id for r in verdict.warnings],
    }


def _decisions(notes: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two publications the same: data, approval, waivers, rules and code."""
    return (notes.get("data_fingerprint"), (notes.get("approval") or {}).get("sha256"),
            notes.get("auto_approved"),
            sorted(w.get("sha256", "") for w in notes.get("waivers", [])))


def unchanged_release(home: Home, period_key: str, notes: dict[str, Any]) -> Release | None:
    """The latest release if publishing now would repeat it exactly, else None.

    A second run on the same data (a run that waited for another, a scheduled re-run)
    then publishes nothing new instead of a v<N+1> identical to v<N>.
    """
    latest = latest_release(home, period_key)
    if latest is None:
        return None
    manifest = latest.manifest
    same = (_decisions(manifest.get("notes", {})) == _decisions(notes)
            and manifest.get("rule_catalogue_sha256") == catalogue_sha256()
            and manifest.get("code_version") == code_version())
    return latest if same else None


def render_scorecard(home: Home, run_id: str, period_key: str, warehouse: Path,
                     audit: Audit, verdict: GateVerdict, reviews: ReviewLog,
                     release: ReleaseNote | None = None) -> Path:
    """Render both editions into the run's own folder, which readers never look at.

    The open data (every table as CSV and JSON, the data dictionary) goes to the run's
    ``data/`` folder beside it, which becomes the release's ``data/``.
    """
    folder = home.runs / run_id / "scorecard"
    data = home.runs / run_id / "data"
    for stale in (folder, data):
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True)
    with (duckdb.connect(str(warehouse), read_only=True) as con,
          progress("Rendering the scorecard / Kết xuất bảng đánh giá", total=DOCUMENTS) as bar):
        write_report(con, period_key, folder, generated_at=datetime.now(VIETNAM_TIME),
                     gate=gate_summary(audit, verdict, reviews), written=bar.advance,
                     release=release, data_folder=data)
    (folder / "gate.json").write_text(json.dumps({
        "period": period_key,
        "run_id": run_id,
        "warnings": [r.__dict__ for r in verdict.warnings],
        "waived": [{**r.__dict__, "waiver": reviews.waivers[r.rule_id]}
                   for r in verdict.waived],
    }, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return folder


@asset(
    partitions_def=QUARTERS,
    deps=[RELEASE_GATE],
    group_name="publish",
    kinds={"html", "pdf", "xlsx"},
)
def scorecard(context: AssetExecutionContext, nq57: Nq57Settings) -> MaterializeResult:
    """The Vietnamese quarterly scorecard, published as an immutable release.

    Runs only when the release gate's blocking check passed, and re-reads the gate's audit
    of this run before it writes anything. It renders from the run's audited staging
    warehouse into the run's folder, publishes ``releases/<quarter>/v<N>`` whole, moves the
    quarter's ``latest`` link to it (``published/<quarter>`` follows that link), and only
    then makes that warehouse the working one. Nothing a reader sees changes before the
    release is complete.
    """
    home = nq57.home_dir()
    period_key = context.partition_key
    run_id = context.run.run_id
    audit = read_audit(home, run_id)
    reviews = read_log(home, period_key, audit.data_fingerprint if audit else None)
    verdict = (read_verdict(home, run_id, period_key, waived_rules=set(reviews.waivers))
               if audit else None)
    if audit is None or verdict is None or not audit.publishable or audit.period_key != period_key:
        raise Failure(description=describe_audit(audit, verdict),
                      metadata={"failed_rules": audit.failed_blocking if audit else []})
    warehouse = home.run_warehouse(run_id)
    notes = _release_notes(reviews, audit, verdict)
    same = unchanged_release(home, period_key, notes)
    if same is not None:
        promote_staging(home, run_id)
        context.log.info(f"{period_key} unchanged since v{same.version}: not republished")
        return MaterializeResult(metadata={
            "release": MetadataValue.path(str(same.path)), "release_version": same.version,
            "changes": "unchanged / không đổi", "working_warehouse_updated": True})
    # The pages say which version they are and what changed: both are known before the
    # release is written (publishing refuses another version number than this one).
    published_at = datetime.now(VIETNAM_TIME)
    note = ReleaseNote(next_version(home, period_key), published_at,
                       pending_changes(home, warehouse, period_key))
    rendered = render_scorecard(home, run_id, period_key, warehouse, audit, verdict, reviews,
                                note)
    # The release keeps scorecard/, quality/ and data_docs/ side by side, as the run does:
    # the annex's links to the scorecard and to the Data Docs hold in both.
    docs = write_docs(home, run_id)
    annex = write_annex(home, run_id, warehouse, period_key, verdict, reviews, docs=docs,
                        scorecard=rendered / "index.html")
    release = publish_release(home, warehouse, ReleaseInputs(
        period_key=period_key, scorecard_dir=rendered, gate_dir=gate_folder(home, run_id),
        run_id=run_id, published_at=published_at, notes=notes,
        folders={"quality": annex.parent, "data_docs": docs, "data": rendered.parent / "data"},
        review_log_head=log_head(home, period_key), version=note.version))
    shutil.rmtree(rendered, ignore_errors=True)  # the release holds the copy readers see
    shutil.rmtree(rendered.parent / "data", ignore_errors=True)
    promoted = promote_staging(home, run_id)
    context.log.info(f"Published {period_key}: release v{release.version}: {release.path} "
                     f"({release.manifest['changes_summary']})")
    scorecard_dir = release.path / "scorecard"
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(home.published / period_key / "index.html")),
        "pdf": MetadataValue.path(str(next(scorecard_dir.glob("*.pdf"), scorecard_dir))),
        "xlsx": MetadataValue.path(str(next(scorecard_dir.glob("*.xlsx"), scorecard_dir))),
        "release": MetadataValue.path(str(release.path)),
        "release_version": release.version,
        "changes": release.manifest["changes_summary"],
        "gate_warnings": len(verdict.warnings),
        "working_warehouse_updated": promoted,
    })
