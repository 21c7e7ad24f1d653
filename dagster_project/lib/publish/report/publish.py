"""Produce a quarter's scorecard files, both languages, from a warehouse and the gate's verdict.

This is the one entry point the publish asset calls: read the figures of the quarter and
the quarter before, score both with ``reports/method.yml`` (so rank movement compares like
with like), build the Vietnamese and English reports, and write each as HTML pages, PDF and
XLSX. The two PDFs, the slow part, are rendered in parallel processes while the pages are
written.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.home.workers import worker_pool
from dagster_project.lib.publish.report.build import build_report
from dagster_project.lib.publish.report.context import (
    GateSummary,
    ReportContext,
    ScorecardInputs,
)
from dagster_project.lib.publish.report.figures import (
    QuarterFigures,
    agency_names,
    load_period,
    load_previous,
    load_quarter,
    published_periods,
    reporting_bodies,
)
from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.indicator_pages import (
    indicator_history,
    indicator_pages,
    slug,
    with_page_links,
    write_series_csv,
)
from dagster_project.lib.publish.report.method import (
    AgencyResult,
    Body,
    Method,
    load_method,
    score_all,
    with_previous,
)
from dagster_project.lib.publish.report.model import LANGS, Formatter, Lang, Report
from dagster_project.lib.publish.report.open_data import write_open_data
from dagster_project.lib.publish.report.query import Row
from dagster_project.lib.publish.report.render import (
    ScorecardFiles,
    file_stem,
    pdf_from_html,
    render_print,
    write_pages,
    write_scorecard_files,
)
from dagster_project.lib.publish.report.versions import ReleaseNote, with_release

ENGLISH_DIR = "en"


class NoFiguresError(LookupError):
    """The warehouse has no task figures for the quarter: there is nothing to publish."""


def _score(method: Method, bodies: Sequence[Body],
           quarter: QuarterFigures) -> dict[str, list[AgencyResult]]:
    return score_all(method, bodies, {b.agency_id: quarter.measures(b.agency_id)
                                      for b in bodies})


def scorecard_inputs(con: duckdb.DuckDBPyConnection, period_key: str, *,
                     generated_at: datetime, gate: GateSummary,
                     method: Method | None = None) -> ScorecardInputs:
    """Read and score everything one quarter's scorecard shows.

    Raises:
        NoFiguresError: when the marts have no figures for ``period_key``.
    """
    method = method or load_method()
    period = load_period(con, period_key)
    if period is None:
        raise NoFiguresError(f"Kho dữ liệu không có số liệu nhiệm vụ kỳ {period_key} / "
                             f"the warehouse has no task figures for {period_key}")
    bodies = reporting_bodies(con)
    current = load_quarter(con, period)
    before = load_previous(con, period)
    previous = load_quarter(con, before) if before else None
    scores = _score(method, bodies, current)
    if previous is not None:
        earlier = _score(method, bodies, previous)
        scores = {g: with_previous(results, earlier.get(g, [])) for g, results in scores.items()}
    known = {q.period.key: q for q in (current, previous) if q is not None}
    history = tuple(known.get(p.key) or load_quarter(con, p)
                    for p in published_periods(con, period))
    return ScorecardInputs(method, current, previous, scores, agency_names(con), generated_at,
                           gate, history)


@dataclass(frozen=True, slots=True)
class PublishedScorecard:
    """The reports written and their files, by language."""

    reports: Mapping[Lang, Report]
    files: Mapping[Lang, ScorecardFiles]


def _folder(root: Path, lang: Lang) -> Path:
    return root if lang == "vi" else root / ENGLISH_DIR


# Documents ``write_report`` counts as it writes them: for each language the pages with the
# workbook, and (``pdf=True``) the PDF.
DOCUMENTS = 2 * len(LANGS)


def write_report(con: duckdb.DuckDBPyConnection, period_key: str, folder: Path, *,
                 generated_at: datetime, gate: GateSummary, method: Method | None = None,
                 pdf: bool = True, written: Callable[[], None] = lambda: None,
                 release: ReleaseNote | None = None, data_folder: Path | None = None,
                 ) -> PublishedScorecard:
    """Write the quarter's scorecard into ``folder`` (Vietnamese) and ``folder/en``.

    ``written`` is called after each document (see ``DOCUMENTS``), for the run's progress.
    ``release`` is the version the pages say they are; ``data_folder``, if given, receives
    every table as CSV and JSON with the data dictionary (the release's ``data/``).
    """
    inputs = scorecard_inputs(con, period_key, generated_at=generated_at, gate=gate,
                              method=method)
    if release is not None:
        release = dataclasses.replace(release, data_folder=data_folder is not None)
    reports = {lang: with_release(build_report(inputs, lang), release) for lang in LANGS}
    if data_folder is not None:
        write_open_data(reports, data_folder)
    history = indicator_history(con, inputs.current.period.end)
    targets = {lang: _folder(folder, lang) / f"{file_stem(r)}.pdf" for lang, r in reports.items()}
    files: dict[Lang, ScorecardFiles] = {}
    with contextlib.ExitStack() as stack:
        pending: list[futures.Future[Any]] = []
        if pdf:
            # The PDFs, the slow part, render in their own processes while this one writes
            # the pages and workbooks of both editions.
            pool = stack.enter_context(worker_pool(len(LANGS)))
            pending = [pool.submit(pdf_from_html, render_print(reports[lang]), targets[lang])
                       for lang in LANGS]
        for lang, report in reports.items():
            files[lang] = _write_site(report, _folder(folder, lang), history, inputs, lang,
                                      data_folder)
            written()
        for job in pending:
            job.result()
            written()
    if pdf:
        files = {lang: ScorecardFiles(f.index, f.agency_pages, targets[lang], f.xlsx)
                 for lang, f in files.items()}
    return PublishedScorecard(reports, files)


def _write_site(report: Report, folder: Path, history: list[Row], inputs: ScorecardInputs,
                lang: Lang, data_folder: Path | None) -> ScorecardFiles:
    """One edition's pages, workbook and indicator pages (and, for Vietnamese, their CSVs)."""
    # The site links each indicator line to its page; the print edition has no such pages.
    site = with_page_links(report)
    files = write_scorecard_files(site, folder)
    pages = indicator_pages(site, history, ReportContext(inputs, lang).name)
    data_href = site.meta.get("data_href")
    write_pages(site, [(p.page, f"../{data_href.removesuffix('index.html')}indicator-"
                                f"{slug(p.indicator_id)}.csv" if data_href else None)
                       for p in pages], folder)
    if data_folder is not None and lang == "vi":
        write_series_csv(data_folder, {p.indicator_id: p.rows for p in pages})
    return files


def gate_notes(approval: Mapping[str, Any] | None, auto_approved: bool,
               waivers: Sequence[tuple[str, Mapping[Lang, str], Mapping[str, Any]]],
               warnings: Sequence[tuple[str, Mapping[Lang, str]]],
               when: Any) -> dict[Lang, list[str]]:
    """The reviewer footnotes in both languages.

    Args:
        approval: The approval record (``by``, ``at``) or None.
        auto_approved: Whether the demo's automatic approval stood in for a reviewer.
        waivers: ``(rule_id, rule message by language, waiver record)`` per waived rule.
        warnings: ``(rule_id, rule message by language)`` per warning rule that failed: a
            reader gets what the rule checks, never its id alone.
        when: Reads an ISO timestamp of the review log as the time to print (Vietnam time);
            each edition writes it in its language.
    """
    notes: dict[Lang, list[str]] = {}
    for lang in LANGS:
        _ = Translator(lang)
        fmt = Formatter(lang)
        lines = []
        if approval is not None:
            lines.append(_("Số liệu kỳ này được {by} phê duyệt công bố lúc {at}.",
                           by=approval["by"], at=fmt.timestamp(when(approval["at"]))))
        elif auto_approved:
            lines.append(_("Số liệu kỳ này được phê duyệt tự động (chế độ trình diễn), không "
                           "qua người kiểm duyệt."))
        for rule_id, message, waiver in waivers:  # the reason stays as the reviewer wrote it
            lines.append(_("Quy tắc {rule} ({message}) không đạt nhưng được {by} cho phép công "
                           "bố lúc {at}, lý do: {reason}", rule=rule_id,
                           message=message[lang].rstrip("."), by=waiver["by"],
                           at=fmt.timestamp(when(waiver["at"])),
                           reason=waiver["reason"]))
        if warnings:
            lines.append(_("{n} quy tắc cảnh báo không đạt: {rules}.", n=len(warnings),
                           rules="; ".join(f"{rule_id} ({message[lang].rstrip('.')})"
                                           for rule_id, message in warnings)))
        notes[lang] = lines
    return notes
