"""The workbooks as an office prints them: LibreOffice Calc turns every sheet into PDF pages.

Printed from Calc, the feedback workbook's "Phản hồi" sheet came out as nine columns over
five portrait pages with wrapped messages printed over the next row, the template's long task
names did the same, and the scorecard workbook's contents sheet was cut at the page edge.
Page setups and row heights in the files say how a sheet should print; only printing it shows
that it does. So each workbook is written the way nq57 writes it and converted with headless
LibreOffice, one sheet at a time (the others hidden: Calc prints visible sheets only), and the
pages are read back with poppler-utils: their size, and every word with its box.

A sheet prints well when every page is A4 in the sheet's orientation, one page wide (its
heading row, first column to last, on every page), no word falls outside the margins (cut at
the edge), no two words overlap (a wrapped cell printed over the row below), and the text of
every cell is on its pages in full.

Needs headless LibreOffice Calc, Carlito (metric-compatible with Calibri, the workbooks'
font, as Debian's LibreOffice prints it) and poppler-utils: `scripts/system-deps office`,
which `make test-slow` runs.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from dagster_project.cli import main
from dagster_project.lib.ingest.feedback import FEEDBACK_SHEET
from demo.workbooks import Report, ReportGroup, ReportRow, write_report

pytestmark = pytest.mark.slow

SYSTEM_DEPS_HINT = "run `scripts/system-deps office` (or `make test-slow`, which runs it)"
# One soffice run converts every file of a workbook; a hang must not hold the suite.
CONVERT_TIMEOUT = 600
A4 = (595.3, 841.9)  # points
POINTS_PER_INCH = 72
# A word's box is its font's: ascenders reach a little above the cell's top.
EDGE_TOLERANCE = 3.0
# Two words overprint when their boxes share this much of the smaller one's width and
# height; the lines of one wrapped cell touch by about a tenth of their height.
OVERLAP_WIDTH = 0.3
OVERLAP_HEIGHT = 0.4

PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
WORD_RE = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"`{name}` (Debian package {package}) is not installed: {SYSTEM_DEPS_HINT}")
    return found


def _compact(text: str) -> str:
    """Text without whitespace: where a printed line breaks does not matter."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]
    text: str  # in the order Calc drew it: a wrapped cell's lines together

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def is_a4(self) -> bool:
        return sorted((round(self.width, 1), round(self.height, 1))) == list(A4)


@dataclass(frozen=True)
class PrintedSheet:
    title: str
    pages: tuple[Page, ...]
    margins: tuple[float, float, float, float]  # left, top, right, bottom, in points

    @property
    def text(self) -> str:
        return _compact(" ".join(page.text for page in self.pages))


def _show_only(workbook_xml: str, index: int) -> str:
    """workbook.xml with every sheet but the ``index``-th hidden, and that one active."""
    numbers = iter(range(1 << 16))

    def state(match: re.Match[str]) -> str:
        tag = re.sub(r'\sstate="[^"]*"', "", match.group(0))
        shown = "visible" if next(numbers) == index else "hidden"
        return tag.replace("<sheet ", f'<sheet state="{shown}" ', 1)

    xml = re.sub(r"<sheet [^>]*>", state, workbook_xml)
    xml = re.sub(r'activeTab="\d+"', f'activeTab="{index}"', xml)
    return re.sub(r'firstSheet="\d+"', f'firstSheet="{index}"', xml)


def _one_sheet_copy(source: Path, index: int, target: Path) -> Path:
    """The workbook byte for byte, but for which of its sheets is visible."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/workbook.xml":
                data = _show_only(data.decode("utf-8"), index).encode("utf-8")
            copy.writestr(info, data)
    return target


def _pages(pdf: Path) -> tuple[Page, ...]:
    info = subprocess.run([_tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pdftotext = _tool("pdftotext", "poppler-utils")
    boxes = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    raw = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout.split("\f")
    pages = tuple(
        Page(float(width), float(height),
             tuple(Word(float(a), float(b), float(c), float(d), unescape(text))
                   for a, b, c, d, text in WORD_RE.findall(body)),
             raw[number])
        for number, (width, height, body) in enumerate(PAGE_RE.findall(boxes)))
    assert len(pages) == count, f"{pdf.name}: pdfinfo counts {count} pages, pdftotext {len(pages)}"
    return pages


def print_workbook(workbook: Path, out: Path) -> dict[str, PrintedSheet]:
    """Print every sheet of ``workbook`` to PDF with LibreOffice Calc; its pages by title.

    The whole workbook is printed too: its pages must be the sheets' pages, all of them.
    """
    soffice = _tool("soffice", "libreoffice-calc-nogui")
    out.mkdir(parents=True, exist_ok=True)
    book = openpyxl.load_workbook(workbook)
    copies = [_one_sheet_copy(workbook, index, out / f"sheet-{index}.xlsx")
              for index in range(len(book.sheetnames))]
    whole = shutil.copy(workbook, out / "whole.xlsx")
    # A profile of its own: two conversions at once must not share (and lock) one.
    profile = (out / "libreoffice-profile").as_uri()
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(whole), *map(str, copies)],
        capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    missing = [p.name for p in (whole, *copies) if not p.with_suffix(".pdf").is_file()]
    assert result.returncode == 0 and not missing, (
        f"soffice failed to print {missing}:\n{result.stdout}\n{result.stderr}")

    printed = {}
    for ws, copy in zip(book.worksheets, copies, strict=True):
        m = ws.page_margins
        printed[ws.title] = PrintedSheet(
            ws.title, _pages(copy.with_suffix(".pdf")),
            tuple(POINTS_PER_INCH * v for v in (m.left, m.top, m.right, m.bottom)))
    whole_pages = len(_pages(whole.with_suffix(".pdf")))
    assert whole_pages == sum(len(s.pages) for s in printed.values()), (
        f"{workbook.name} prints {whole_pages} pages, its sheets one by one "
        f"{ {t: len(s.pages) for t, s in printed.items()} }")
    return printed


def _overprinted(words: tuple[Word, ...]) -> list[tuple[str, str]]:
    """Pairs of words printed over each other."""
    found = []
    ordered = sorted(words, key=lambda w: w.y0)
    for index, a in enumerate(ordered):
        for b in ordered[index + 1:]:
            if b.y0 >= a.y1:
                break
            wide = min(a.x1, b.x1) - max(a.x0, b.x0)
            high = min(a.y1, b.y1) - max(a.y0, b.y0)
            if (wide > OVERLAP_WIDTH * min(a.x1 - a.x0, b.x1 - b.x0)
                    and high > OVERLAP_HEIGHT * min(a.y1 - a.y0, b.y1 - b.y0)):
                found.append((a.text, b.text))
    return found


def heading(ws: Worksheet) -> tuple[str, str] | None:
    """The first and last cell text of the row the sheet repeats on every printed page."""
    if not ws.print_title_rows:
        return None
    row = int(re.match(r"\$?(\d+)", ws.print_title_rows).group(1))
    texts = [str(c.value) for c in ws[row] if c.value is not None and str(c.value).strip()]
    return texts[0], texts[-1]


def assert_prints_well(sheet: PrintedSheet, *, landscape: bool,
                       repeated: tuple[str, str] | None) -> None:
    """A4 in its orientation, one page wide, nothing cut at the edge or printed over."""
    assert sheet.pages, f"{sheet.title!r} prints nothing"
    left, top, right, bottom = sheet.margins
    for number, page in enumerate(sheet.pages, start=1):
        where = f"sheet {sheet.title!r}, page {number} of {len(sheet.pages)}"
        assert page.is_a4, f"{where}: {page.width:.0f} x {page.height:.0f} pt is not A4"
        assert page.landscape == landscape, (
            f"{where}: {'landscape' if page.landscape else 'portrait'}, expected otherwise")
        cut = [w.text for w in page.words
               if w.x0 < left - EDGE_TOLERANCE or w.x1 > page.width - right + EDGE_TOLERANCE
               or w.y0 < top - EDGE_TOLERANCE or w.y1 > page.height - bottom + EDGE_TOLERANCE]
        assert not cut, f"{where}: words outside the margins (cut at the edge): {cut[:10]}"
        overprinted = _overprinted(page.words)
        assert not overprinted, f"{where}: text printed over text: {overprinted[:10]}"
        if repeated is not None:
            text = _compact(page.text)
            # Both ends of the heading row on every page: the row repeats, and no page
            # holds only the columns that did not fit on the one before.
            assert all(_compact(end) in text for end in repeated), (
                f"{where}: the heading row {repeated} is not on the page (one page wide, "
                "repeated on every page)")


def _printed(value: str, text: str) -> bool:
    """Whether a cell's text is in a sheet's printed text, to its last word.

    Calc draws a glyph the font lacks (the ▲ of a rank change) apart, in a fallback font,
    so such a cell is found word by word rather than whole.
    """
    return _compact(value) in text or all(_compact(word) in text for word in value.split())


def assert_cells_printed(ws: Worksheet, sheet: PrintedSheet, first_row: int = 1) -> None:
    """Every text cell from ``first_row`` is on the sheet's pages, to its last word."""
    printed = sheet.text
    missing = [f"{cell.coordinate}: {cell.value}" for row in ws.iter_rows(min_row=first_row)
               for cell in row
               if isinstance(cell.value, str) and cell.value.strip()
               and not _printed(cell.value, printed)]
    assert not missing, f"sheet {ws.title!r}: text not printed in full: {missing[:5]}"


def _pages_needed(ws: Worksheet, first_row: int, per_page: int) -> int:
    return math.ceil((ws.max_row - first_row + 1) / per_page)


# --- the feedback workbook ---------------------------------------------------------------------
# A status an agency wrote as a sentence: the value, and the message quoting it, wrap.
LONG_STATUS = ("Đang chờ ý kiến thẩm định của Bộ Tài chính về dự toán kinh phí, dự kiến trình "
               "Thủ tướng Chính phủ trong quý III")
TASK_NAME = ("Xây dựng cơ sở dữ liệu quốc gia về khoa học, công nghệ và đổi mới sáng tạo, "
             "kết nối với Trung tâm dữ liệu quốc gia")


def _spoiled_report(path: Path, tasks: int) -> Path:
    """A June report whose rows alternate a long unknown status and "done" with no date."""
    rows = [ReportRow(f"TB20-{n:04d}", TASK_NAME, LONG_STATUS if n % 2 else "Đã hoàn thành",
                      None, "", "", "") for n in range(1, tasks + 1)]
    write_report(path, Report("Bộ Khoa học và Công nghệ", "BỘ TRƯỞNG", date(2026, 6, 1),
                              date(2026, 6, 29), [ReportGroup("Nhiệm vụ chung", rows)]))
    return path


def test_the_feedback_list_prints_landscape_one_page_wide(tmp_path: Path) -> None:
    source = _spoiled_report(tmp_path / "BC_BKHCN_2026-06.xlsx", tasks=60)
    assert main(["check", str(source), "--feedback", str(tmp_path / "phan_hoi")]) == 1
    feedback = tmp_path / "phan_hoi" / "BC_BKHCN_2026-06.phan_hoi.xlsx"
    listing = openpyxl.load_workbook(feedback)[FEEDBACK_SHEET]
    assert listing.max_row > 40  # enough problems to need more than one page

    sheet = print_workbook(feedback, tmp_path / "printed")[FEEDBACK_SHEET]

    assert_prints_well(sheet, landscape=True, repeated=("Trang tính / Sheet", "Ô / Cell"))
    # Nine columns on one page across: pages follow the rows, ten or more of them a page.
    assert 1 < len(sheet.pages) <= _pages_needed(listing, 2, per_page=10)
    # Every message, the long ones too, in full on paper.
    assert_cells_printed(listing, sheet)
    assert _compact(LONG_STATUS) in sheet.text


# --- the template, the chase list and the scorecard: from the published demo home -------------
def test_the_template_prints_its_long_task_names(published_home: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_project.lib.ingest.template import GUIDE_SHEET, HEADER_ROW, REPORT_SHEET

    monkeypatch.setenv("NQ57_HOME", str(published_home))
    monkeypatch.chdir(tmp_path)
    assert main(["template", "BKHCN", "--period", "2026-Q3"]) == 0
    template = tmp_path / "BKHCN_2026-Q3_bao_cao_tien_do.xlsx"
    book = openpyxl.load_workbook(template)
    report = book[REPORT_SHEET]
    longest = max((c.value for c in report["C"][HEADER_ROW:] if isinstance(c.value, str)),
                  key=len)
    assert len(longest) > 500  # a task name that wraps over many lines

    printed = print_workbook(template, tmp_path / "printed")

    sheet = printed[REPORT_SHEET]
    assert_prints_well(sheet, landscape=True, repeated=heading(report))
    assert len(sheet.pages) <= _pages_needed(report, HEADER_ROW + 1, per_page=12)
    assert_cells_printed(report, sheet)
    assert _compact(longest) in sheet.text
    guide = printed[GUIDE_SHEET]
    assert_prints_well(guide, landscape=True, repeated=None)
    assert_cells_printed(book[GUIDE_SHEET], guide)


def test_the_chase_list_prints_landscape_with_its_headings(published_home: Path,
                                                           tmp_path: Path) -> None:
    from dagster_project.lib.home.paths import Home
    from dagster_project.lib.quality.chase import reporting_gaps, write_chase_workbook

    month = date(2026, 7, 1)  # nothing received yet: every reporting body is chased
    gaps = reporting_gaps(Home(published_home), month)
    assert len(gaps) > 40
    workbook = write_chase_workbook(gaps, month, tmp_path / "chase" / "2026-07.xlsx")
    ws = openpyxl.load_workbook(workbook).active

    sheet = print_workbook(workbook, tmp_path / "printed")[ws.title]

    assert_prints_well(sheet, landscape=True, repeated=heading(ws))
    assert 1 < len(sheet.pages) <= _pages_needed(ws, 4, per_page=15)
    assert_cells_printed(ws, sheet)


@pytest.mark.parametrize("name", ["bang-danh-gia-nq57-2026-Q2.xlsx",
                                  "en/nq57-scorecard-2026-Q2.xlsx"])
def test_every_scorecard_sheet_prints_one_page_wide(published_home: Path, tmp_path: Path,
                                                    name: str) -> None:
    workbook = published_home / "published" / "2026-Q2" / name
    book = openpyxl.load_workbook(workbook)
    contents = book.worksheets[0]

    printed = print_workbook(workbook, tmp_path / "printed")

    for ws in book.worksheets:
        sheet = printed[ws.title]
        assert_prints_well(sheet, landscape=ws is not contents, repeated=heading(ws))
        assert_cells_printed(ws, sheet)
    # The contents sheet, cut at the page edge before: one portrait page with every table's
    # sheet name and title.
    pages = printed[contents.title].pages
    assert len(pages) == 1
    header_row = int(re.match(r"\$?(\d+)", contents.print_title_rows).group(1))
    listed = [row[:2] for row in contents.iter_rows(min_row=header_row + 1, values_only=True)
              if row[0]]
    assert [sheet_name for sheet_name, _ in listed] == book.sheetnames[1:]
    text = _compact(pages[0].text)
    assert all(_compact(sheet_name) in text and _compact(title) in text
               for sheet_name, title in listed)
