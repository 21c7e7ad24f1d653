"""Write a scorecard as an offline HTML site, an A4 PDF and an XLSX workbook.

Layout of the output folder (the release's ``scorecard/``)::

    index.html                 the scorecard (Vietnamese)
    agencies/<agency_id>.html  one page per reporting body
    <stem>.pdf, <stem>.xlsx    print edition and every table as a workbook
    en/…                       the same in English

Pages are self-contained: the stylesheet is inlined, charts are inline SVG, fonts are the
system's (no web font, no CDN), so the folder opens offline. The PDF is rendered by
WeasyPrint from the same templates; its URL fetcher refuses anything outside the output
folder, so text an agency typed can never make the renderer fetch a file or an address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from dagster_project.lib.home.paths import replacing
from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.model import (
    Chart,
    Formatter,
    Report,
    Status,
    Table,
    Trend,
)
from dagster_project.lib.publish.report.xlsx import write_workbook
from dagster_project.lib.publish.templates import environment

PAGE_TEMPLATE = "scorecard/page.html.j2"
PRINT_TEMPLATE = "scorecard/print.html.j2"
AGENCY_DIR = "agencies"
WIDE_COLUMNS = 7  # a table with more columns is printed on a landscape page


@dataclass(frozen=True, slots=True)
class ScorecardFiles:
    """The files written for one language."""

    index: Path
    agency_pages: tuple[Path, ...]
    pdf: Path | None
    xlsx: Path


def file_stem(report: Report) -> str:
    """Base name of the PDF and XLSX, e.g. ``bang-danh-gia-nq57-2026-Q2``."""
    return (f"bang-danh-gia-nq57-{report.period_key}" if report.lang == "vi"
            else f"nq57-scorecard-{report.period_key}")


def _environment(report: Report, href: Callable[[str], str],
                 print_edition: bool = False) -> jinja2.Environment:
    fmt = Formatter(report.lang)
    env = environment(
        cell=lambda value, column, row=None: fmt.cell(value, column, row),
        pct=lambda value, digits=1: fmt.pct(value, digits),
        pp=lambda value: fmt.pp(value),
        signed=fmt.signed_int,
        int_=fmt.int,
        href=href,
    )
    env.tests.update(status=lambda v: isinstance(v, Status), chart=lambda v: isinstance(v, Chart),
                     trend=lambda v: isinstance(v, Trend),
                     wide=lambda v: isinstance(v, Table) and len(v.columns) > WIDE_COLUMNS,
                     number=lambda v: isinstance(v, int | float | Decimal)
                     and not isinstance(v, bool))
    env.globals["_"] = Translator(report.lang)
    env.globals["lang"] = report.lang
    env.globals["print_edition"] = print_edition
    return env


def _write_text(path: Path, text: str) -> Path:
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def render_page(report: Report, page_index: int | None = None) -> str:
    """The HTML of the main page (``page_index`` None) or of one agency page."""
    env = _environment(report, href=lambda link: link)
    page = report.main if page_index is None else report.agencies[page_index]
    depth = "" if page_index is None else "../"
    here = "index.html" if page_index is None else f"{AGENCY_DIR}/{page.page_id}.html"
    stem = file_stem(report)
    return env.get_template(PAGE_TEMPLATE).render(
        report=report, page=page, root=depth, here=here,
        files={"pdf": f"{stem}.pdf", "xlsx": f"{stem}.xlsx"})


def render_print(report: Report) -> str:
    """The HTML of the print edition: the main page, then every agency on its own page."""
    env = _environment(report, href=lambda link: "#agency-" + Path(link).stem,
                       print_edition=True)
    return env.get_template(PRINT_TEMPLATE).render(report=report)


def _fetcher_within(root: Path) -> Any:
    """A WeasyPrint URL fetcher that reads files under ``root`` and refuses everything else.

    WeasyPrint would otherwise follow any ``http(s)://`` or ``file://`` address in the page;
    the scorecard references nothing outside its folder, so anything else is refused.
    """
    from weasyprint.urls import URLFetcher

    root = root.resolve()

    class _Within(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if path.is_relative_to(root):
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url!r}: only files of the scorecard folder")

    return _Within(allowed_protocols={"file"})


def pdf_from_html(html: str, target: Path) -> Path:
    """Render print HTML to an A4 PDF at ``target``, fetching nothing outside its folder."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    with replacing(target) as temporary:
        HTML(string=html, base_url=str(target.parent),
             url_fetcher=_fetcher_within(target.parent)).write_pdf(temporary)
    return target


def write_scorecard_files(report: Report, folder: Path) -> ScorecardFiles:
    """Write one language's HTML pages and XLSX into ``folder``.

    The PDF is rendered apart, both languages in parallel (``publish.write_report``).
    """
    stem = file_stem(report)
    index = _write_text(folder / "index.html", render_page(report))
    pages = tuple(_write_text(folder / AGENCY_DIR / f"{page.page_id}.html",
                              render_page(report, i))
                  for i, page in enumerate(report.agencies))
    xlsx = write_workbook(report, folder / f"{stem}.xlsx")
    return ScorecardFiles(index, pages, None, xlsx)
