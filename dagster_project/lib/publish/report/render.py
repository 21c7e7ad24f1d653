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
    Page,
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


SUMMARY_SECTION = "tom-tat"  # an executive summary section, when the report has one


def _main_table(report: Report, table_id: str) -> Table | None:
    return next((block for section in report.main.sections for block in section.blocks
                 if isinstance(block, Table) and block.table_id == table_id), None)


def key_message(report: Report) -> str | None:
    """The cover's one sentence: the headline figures the cards show, in words.

    Built from the headline table's card rows with the card's own text (23,35%; 8/12), so
    the cover says exactly what the first screen of the site says, in its precision.
    """
    headline = _main_table(report, "headline")
    if headline is None:
        return None
    _ = Translator(report.lang)
    parts = [f"{row['figure'].lstrip('— ')}: {row['card_value']}"
             for row in headline.rows if row.get("card")]
    if not parts:
        return None
    return _("Kết quả chính {period}: {figures}.", period=report.meta["period_text"],
             figures="; ".join(parts))


def render_indicator_page(report: Report, page: Page, download: str | None) -> str:
    """The HTML of one indicator's page (``chi-tieu/<id>.html``), one folder down."""
    env = _environment(report, href=lambda link: link)
    here = f"{page.page_id}.html"  # the page id is its path: chi-tieu/11-5
    extra = {"download": download} if download else {}
    return env.get_template(PAGE_TEMPLATE).render(report=report, page=page, root="../",
                                                  here=here, files={}, **extra)


def write_pages(report: Report, pages: list[tuple[Page, str | None]], folder: Path) -> list[Path]:
    """Write further pages of one language (``folder`` is the language's scorecard root)."""
    written = []
    for page, download in pages:
        target = folder / f"{page.page_id}.html"
        written.append(_write_text(target, render_indicator_page(report, page, download)))
    return written


def render_print(report: Report) -> str:
    """The HTML of the print edition: cover, contents, the main page, bodies as an appendix."""
    env = _environment(report, href=lambda link: "#agency-" + Path(link).stem,
                       print_edition=True)
    summary = next((s for s in report.main.sections if s.section_id == SUMMARY_SECTION), None)
    return env.get_template(PRINT_TEMPLATE).render(
        report=report, headline=_main_table(report, "headline"), summary=summary,
        key_message=key_message(report))


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


#: PDF/UA-1: a tagged PDF (structure tree of headings, tables, lists; reading order) that a
#: screen reader can follow, with the document's language and title in its metadata.
PDF_VARIANT = "pdf/ua-1"


def pdf_from_html(html: str, target: Path) -> Path:
    """Render print HTML to a tagged A4 PDF at ``target``, fetching nothing outside its folder.

    The bookmarks come from the headings (``bookmark-level`` in the stylesheet), the language
    from ``<html lang>`` and the title from ``<title>``, which PDF/UA requires.
    """
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    with replacing(target) as temporary:
        HTML(string=html, base_url=str(target.parent),
             url_fetcher=_fetcher_within(target.parent)).write_pdf(
                 temporary, pdf_variant=PDF_VARIANT)
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
