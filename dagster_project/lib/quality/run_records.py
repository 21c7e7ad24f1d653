"""A run's records for reviewers: its audit, quality annex and Data Docs, in its own folder.

Every run the gate judged leaves ``runs/<run_id>/audit.json`` (the verdict),
``runs/<run_id>/quality/index.html`` (the annex: failures first, each linked to its rows,
the scorecard and its Data Docs page) and ``runs/<run_id>/data_docs/`` (GX's pages of the
suites' results), whether it publishes or not: a reviewer deciding on a blocked or
unapproved quarter reads the same pages as the readers of a release. A release copies the
annex and Data Docs of the run that published it; nothing here writes to ``published/``
or ``releases/``.

When a blocking check fails, Dagster does not run the release gate (it is downstream of
every check), so the last suite to record its results writes the records instead
(:func:`gate_stops_at_checks`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from dagster_project.lib.home.paths import Home
from dagster_project.lib.publish.release import latest_release
from dagster_project.lib.quality.audit import AUDIT, Audit, judge
from dagster_project.lib.quality.data_docs import write_data_docs
from dagster_project.lib.quality.findings import findings, lineage_manifest
from dagster_project.lib.quality.gate import (
    DBT_SUITE,
    GateVerdict,
    Suite,
    gate_folder,
    load_catalogue,
    read_gx_results,
    read_verdict,
)
from dagster_project.lib.quality.lineage import LineageFinder
from dagster_project.lib.quality.quality_annex import AnnexLinks, rule_history, write_quality_annex
from dagster_project.lib.quality.review import ReviewLog, read_log
from dagster_project.lib.reference.periods import VIETNAM_TIME

__all__ = ["RunRecords", "gate_stops_at_checks", "record_lines", "run_records", "write_annex",
           "write_docs", "write_run_records"]

ANNEX_DIR = "quality"
DOCS_DIR = "data_docs"
INDEX = "index.html"


@dataclass(frozen=True)
class RunRecords:
    """Where a run's audit, annex and Data Docs are (each may not have been written)."""

    audit: Path
    annex: Path
    data_docs: Path

    def written(self) -> dict[str, Path]:
        """The records that exist, by name: ``audit``, ``annex``, ``data_docs``."""
        return {name: path for name, path in (("audit", self.audit), ("annex", self.annex),
                                              ("data_docs", self.data_docs)) if path.exists()}


RECORD_LABELS = {"audit": "biên bản kiểm tra / audit",
                 "annex": "phụ lục chất lượng / quality annex",
                 "data_docs": "kết quả kiểm tra chi tiết / Data Docs"}


def record_lines(home: Home, run_id: str, period_key: str) -> list[str]:
    """Where a run that did not publish left its records, for the terminal (vi / en)."""
    written = run_records(home, run_id).written()
    if not written:
        return []
    return ["  Hồ sơ của lần chạy / the run's records:",
            *(f"    {RECORD_LABELS[name]}: {path}" for name, path in written.items()),
            f"  Xem từng dòng lỗi / drill down to the failing rows: nq57 review --period "
            f"{period_key}"]


def run_records(home: Home, run_id: str) -> RunRecords:
    """The paths of a run's records."""
    folder = home.runs / run_id
    return RunRecords(folder / AUDIT, folder / ANNEX_DIR / INDEX, folder / DOCS_DIR / INDEX)


def write_docs(home: Home, run_id: str) -> Path:
    """GX Data Docs of the run's suites in ``runs/<run_id>/data_docs`` (rebuilt whole)."""
    folder = home.runs / run_id / DOCS_DIR
    shutil.rmtree(folder, ignore_errors=True)
    write_data_docs(read_gx_results(home, run_id), folder)
    return folder


def docs_pages(docs: Path, relative_to: Path) -> dict[str, str]:
    """Each suite's validation page in a Data Docs site, as a link from ``relative_to``."""
    pages = {}
    for page in sorted(docs.glob("validations/*/**/*.html")):
        suite = page.relative_to(docs / "validations").parts[0]
        pages.setdefault(suite, Path(os.path.relpath(page, relative_to)).as_posix())
    return pages


def write_annex(home: Home, run_id: str, warehouse: Path, period_key: str,
                verdict: GateVerdict, reviews: ReviewLog, docs: Path | None = None,
                scorecard: Path | None = None) -> Path:
    """The quality annex of the run's audit, under the run's folder.

    ``docs`` is the run's Data Docs folder and ``scorecard`` the scorecard page the annex
    links to; a release keeps both beside the annex (``../data_docs``, ``../scorecard``),
    so the links hold in its copy too.
    """
    folder = home.runs / run_id / ANNEX_DIR
    links = AnnexLinks(
        scorecard=Path(os.path.relpath(scorecard, folder)).as_posix() if scorecard else None,
        data_docs=docs_pages(docs, folder) if docs else {},
        data_docs_index=(Path(os.path.relpath(docs / INDEX, folder)).as_posix()
                         if docs and (docs / INDEX).exists() else None),
    )
    results = list(verdict.results)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = findings(results, reviews.waivers, LineageFinder(con, lineage_manifest()))
        return write_quality_annex(
            con, period_key, results, rule_history(home, warehouse, period_key), reviews,
            folder, datetime.now(VIETNAM_TIME), findings=found, links=links)


def published_scorecard(home: Home, period_key: str) -> Path | None:
    """The quarter's published scorecard page, if a release was published."""
    if latest_release(home, period_key) is None:
        return None
    page = home.published / period_key / INDEX
    return page if page.exists() else None


def write_run_records(home: Home, run_id: str, period_key: str, *, auto_approve: bool = False,
                      record_problems: list[str] | None = None,
                      audit: Audit | None = None) -> RunRecords:
    """Judge the run (unless ``audit`` is its judgement) and write its annex and Data Docs.

    For a run that does not publish: the annex links to the quarter's published scorecard,
    if there is one, since this run renders none.
    """
    if audit is None:
        audit, _ = judge(home, run_id, period_key, auto_approve, record_problems)
    reviews = read_log(home, period_key, audit.data_fingerprint)
    verdict = read_verdict(home, run_id, period_key, waived_rules=set(reviews.waivers))
    docs = write_docs(home, run_id)
    write_annex(home, run_id, home.run_warehouse(run_id), period_key, verdict, reviews,
                docs=docs, scorecard=published_scorecard(home, period_key))
    return run_records(home, run_id)


def gate_stops_at_checks(home: Home, run_id: str, period_key: str,
                         waived_rules: Collection[str],
                         suites: tuple[Suite, ...] | None = None) -> bool:
    """Whether every suite has recorded and a check failed a blocking rule nobody waived.

    Dagster then skips the release gate, which would otherwise write the run's records.
    The dbt data tests never stop a step (they run as warnings; the gate judges them), so
    only the GX suites' failures count here. ``suites``: the catalogue the checks run.
    """
    suites = suites or load_catalogue()
    folder = gate_folder(home, run_id)
    if not folder.is_dir() or len(list(folder.glob("*.json"))) < len(suites) + 1:
        return False  # suites (or the dbt tests) still to record: not the last one
    verdict = read_verdict(home, run_id, period_key, suites, waived_rules=waived_rules)
    return not verdict.missing_suites and any(result.suite != DBT_SUITE
                                              for result in verdict.failed_blocking)
