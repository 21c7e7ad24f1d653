"""The scorecard's form, as readers get it: the printed PDF, a phone, assistive technology,
the version it is, and its open data.

These tests read the 2026-Q2 release the demo run published (``published_home``): the PDF
through poppler (pdfinfo, pdftotext, pdftohtml), the pages in Debian's Chromium at phone and
desktop widths with axe-core, and the release's ``data/`` folder.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import zlib
from pathlib import Path

import pytest

from dagster_project.lib.publish.report.open_data import mart_columns
from tests.browser import Chromium, pdf_page_count

pytestmark = pytest.mark.e2e

PERIOD = "2026-Q2"
VI_PDF = f"bang-danh-gia-nq57-{PERIOD}.pdf"
EN_PDF = f"en/nq57-scorecard-{PERIOD}.pdf"
TITLE = "Bảng đánh giá kết quả thực hiện Nghị quyết 57-NQ/TW"
#: The main sections of the scorecard, as the contents page must list them.
SECTIONS = ("Số liệu chính toàn quốc", "Xếp hạng theo nhóm cơ quan", "Sơ đồ 34 tỉnh, thành phố",
            "Dịch vụ công trực tuyến", "Chỉ tiêu đến năm 2030", "Nhiệm vụ quá hạn",
            "Chất lượng số liệu và kiểm duyệt", "Phụ lục: Phương pháp đánh giá",
            "Phụ lục: Kết quả của từng cơ quan")
#: Pages axe-core checks: the index, one body page, the English index, an indicator's page.
AXE_PAGES = ("index.html", "agencies/TTCP.html", "en/index.html", "chi-tieu/10.html")


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8",
                          check=True).stdout


def _page_text(pdf: Path, page: int) -> str:
    return _poppler("pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                    str(pdf), "-")


# ------------------------------------------------------------------------------ print


def test_the_pdf_is_tagged_with_its_language_and_title(site: Path) -> None:
    for name, lang in ((VI_PDF, "vi"), (EN_PDF, "en")):
        info = _poppler("pdfinfo", str(site / name))
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), (name, info)
        assert re.search(r"^Title:\s+\S", info, re.MULTILINE), info
        structure = _poppler("pdfinfo", "-struct", str(site / name))
        assert "Table" in structure and "H2" in structure  # headings and tables are tagged
        assert f"/Lang ({lang})".encode() in _pdf_objects(site / name)


def _pdf_objects(pdf: Path) -> bytes:
    """The PDF's objects as text, its compressed object streams inflated."""
    data = pdf.read_bytes()
    inflated = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            inflated.append(zlib.decompress(match[1]))
        except zlib.error:
            continue  # not a Flate stream (or an image): nothing to read
    return b"\n".join(inflated)


def test_page_one_is_the_cover_with_the_key_message(site: Path) -> None:
    cover = _page_text(site / VI_PDF, 1)
    flat = " ".join(cover.split())
    assert TITLE in flat and "Quý II/2026" in flat
    assert "Thông điệp chính" in flat
    # The key message: the headline figures of the 30/6/2026 report, on the cover.
    assert "84,8%" in flat and "Nhiệm vụ quá hạn" in flat
    assert "v1, công bố ngày" in flat
    english = " ".join(_page_text(site / EN_PDF, 1).split())
    assert "Key message" in english and "84.8%" in english


def test_the_contents_page_gives_each_section_its_page(site: Path) -> None:
    pdf = site / VI_PDF
    pages = pdf_page_count(pdf)
    contents = _page_text(pdf, 2)
    assert "Mục lục" in contents
    for title in SECTIONS:
        found = re.search(re.escape(title) + r"\s*\.*\s*(\d+)", contents)
        assert found, f"{title!r} not in the contents with a page number"
        number = int(found[1])
        assert 2 < number <= pages
        assert title in " ".join(_page_text(pdf, number).split()), (title, number)
    # The appendix lists every body with its page (two columns): each is on that page.
    listing = _poppler("pdftotext", "-layout", "-f", "2", "-l", "4", str(pdf), "-")
    for body in ("Thanh tra Chính phủ", "Thành phố Hà Nội", "Tỉnh Cà Mau"):
        found = re.search(re.escape(body) + r"\s*\.+\s*(\d+)", listing)
        assert found, body
        assert body in " ".join(_page_text(pdf, int(found[1])).split()), body


def test_the_pdf_has_bookmarks_for_sections_and_bodies(site: Path, tmp_path: Path) -> None:
    _poppler("pdftohtml", "-xml", "-i", "-q", "-f", "1", "-l", "1", str(site / VI_PDF),
             str(tmp_path / "outline"))
    xml = (tmp_path / "outline.xml").read_text(encoding="utf-8")
    outline = re.findall(r"<item[^>]*>([^<]+)</item>", xml)
    for title in ("Mục lục", "Số liệu chính toàn quốc", "Phụ lục: Kết quả của từng cơ quan",
                  "Thanh tra Chính phủ"):
        assert title in outline, title
    assert len(outline) > 73  # every body has its bookmark, under the appendix


# ---------------------------------------------------------------- phone and accessibility

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
BOXES = ("[...document.querySelectorAll('table')].filter(t => !t.closest('.table-scroll'))"
         ".length")
HEADINGS = "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
CHARTS = ("[...document.querySelectorAll('figure.chart svg')].map(s => "
          "[s.getAttribute('role'), s.getAttribute('aria-label') || ''])")
CAPTIONS = "[...document.querySelectorAll('table')].filter(t => !t.caption).length"


@pytest.mark.parametrize("width", [360, 390])
def test_pages_fit_a_phone_without_sideways_scrolling(site: Path, width: int) -> None:
    with Chromium() as browser:
        for name in ("index.html", "agencies/TTCP.html", "agencies/P_HA_NOI.html",
                     "en/index.html"):
            page = browser.open_page(site / name, viewport=(width, 800),
                                     evaluate={"overflow": OVERFLOW, "unboxed": BOXES,
                                               "cards": "[...document.querySelectorAll("
                                               "'.card')].map(c => c.getBoundingClientRect()"
                                               ".width)"})
            if name == "index.html" and width == 360:
                assert len(page.values["cards"]) >= 4
                assert all(w > 300 for w in page.values["cards"])  # one a row at 360 px
            assert page.console_errors == []
            assert page.values["overflow"] <= 0, (name, width, page.values["overflow"])
            assert page.values["unboxed"] == 0  # every table scrolls inside its own box
            # Cards stack: one or two a row, never squeezed below a readable width.
            assert all(w >= 150 for w in page.values["cards"]), page.values["cards"]


def test_the_english_ranking_fits_a_desktop_screen(site: Path) -> None:
    fits = ("['ranking-ministry', 'ranking-province'].map(id => { const box = "
            "document.getElementById(id).closest('.table-scroll'); "
            "return box.scrollWidth - box.clientWidth; })")
    with Chromium() as browser:
        page = browser.open_page(site / "en" / "index.html", viewport=(1400, 900),
                                 evaluate={"ranking": fits, "overflow": OVERFLOW})
    assert page.values["overflow"] <= 0
    assert page.values["ranking"] == [0, 0], page.values["ranking"]


def test_axe_finds_no_serious_or_critical_issue(site: Path) -> None:
    found = {}
    with Chromium() as browser:
        for name in AXE_PAGES:
            page = browser.open_page(site / name, accessibility=True,
                                     evaluate={"headings": HEADINGS, "charts": CHARTS,
                                               "captions": CAPTIONS})
            found[name] = [v for v in page.violations
                           if v["impact"] in ("serious", "critical")]
            headings = page.values["headings"]
            assert headings[0] == 1 and headings.count(1) == 1, (name, headings)
            assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), \
                (name, headings)
            assert page.values["captions"] == 0, name
            for role, label in page.values["charts"]:
                assert role == "img" and len(label) > 20, (name, role, label)
    assert found == {name: [] for name in AXE_PAGES}, json.dumps(found, ensure_ascii=False)


def test_the_tile_diagram_shows_differences_and_the_archipelagos(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    section = page[page.index('id="so-do"'):page.index('id="kinh-phi"')]
    assert "Sơ đồ 34 tỉnh, thành phố" in section and "Bản đồ" not in page
    for text in ("Hoàng Sa", "Trường Sa", "(Đà Nẵng)", "(Khánh Hòa)", "hạng 1", "hạng 34"):
        assert text in section, text
    for colour in ("#7FC3EC", "#E3E3E3", "#F5C27A"):  # top, middle and bottom third
        assert section.count(f'fill="{colour}"') >= 10, colour


# ------------------------------------------------------------------ versions, open data


def test_every_page_says_its_version_and_links_the_open_data(release: Path, site: Path) -> None:
    with Chromium() as browser:
        for name in ("index.html", "agencies/TTCP.html", "en/index.html"):
            page = browser.open_page(site / name, selectors=["[data-release]"],
                                     evaluate={"data": "document.querySelector("
                                               "'[data-release] a').href"})
            (line,) = page.texts["[data-release]"]
            assert re.match(r"v1, (công bố ngày|published) ", line), line
            assert "Bản công bố đầu tiên" in line or "First release" in line
            target = Path(page.values["data"].removeprefix("file://"))
            assert target.resolve() == (release / "data" / "index.html").resolve()
            assert target.is_file()


def test_the_release_data_holds_every_table_with_a_dictionary(release: Path,
                                                              site: Path) -> None:
    data = release / "data"
    workbook_tables = json.loads((data / "headline.json").read_text(encoding="utf-8"))
    assert workbook_tables["title_en"] == "Key national figures"
    ids = {row[0] for row in csv.reader((data / "dictionary.csv").open(encoding="utf-8-sig"))
           if row[0] != "table_id"}
    for table_id in ("headline", "ranking-ministry", "ranking-province", "overdue-tasks",
                     "csdl-matrix", "indicators", "agency-tasks", "method-weights"):
        assert table_id in ids, table_id
    for table_id in ids:
        with (data / f"{table_id}.csv").open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        table = json.loads((data / f"{table_id}.json").read_text(encoding="utf-8"))
        assert len(rows) == len(table["rows"]), table_id
    with (data / "headline.csv").open(encoding="utf-8-sig") as handle:
        done = next(r for r in csv.DictReader(handle)
                    if r["figure"] == "Nhiệm vụ có thời hạn đã hoàn thành")
    assert done["count"] == "1245" and float(done["rate"]) == pytest.approx(1245 / 1469)
    with (data / "marts.csv").open(encoding="utf-8-sig") as handle:
        marts = list(csv.DictReader(handle))
    assert len(marts) == len(mart_columns())
    assert {m["model"] for m in marts} >= {p.stem for p in (release / "marts").glob("*.parquet")
                                            if p.stem.startswith(("fct_", "agg_"))}
    assert all(m["model_description"] for m in marts)
    assert sum(bool(m["description"]) for m in marts) > 0.5 * len(marts)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert "data/headline.csv" in manifest["files"] and "data/index.html" in manifest["files"]


def test_each_indicator_has_a_page_with_its_series_target_method_and_data(
        release: Path, site: Path) -> None:
    links = ("[...document.querySelectorAll('#indicators tbody tr')].map(tr => { "
             "const a = tr.querySelector('a'); return [tr.cells[0].innerText, "
             "a ? a.href : null, tr.cells[tr.cells.length - 1].innerText]; })")
    with Chromium() as browser:
        index = browser.open_page(site / "index.html", evaluate={"links": links})
        lines = index.values["links"]
        assert len(lines) > 40 and all(href for _code, href, _status in lines)
        code, href, status = next(line for line in lines if line[0] == "10")
        page = browser.open_page(Path(href.removeprefix("file://")),
                                 selectors=["#indicator-10 tbody tr"],
                                 evaluate={"csv": "[...document.querySelectorAll('a')].map("
                                                  "a => a.href).find(h => h.endsWith('.csv'))",
                                           "charts": CHARTS})
    assert page.console_errors == []
    flat = " ".join(page.text.split())
    assert "Chỉ tiêu 10:" in flat and "Mục tiêu: ≥ 30% (năm 2030)." in flat
    assert f"Tiến độ: {status}." in flat and "Cách đánh giá:" in flat
    # The series as reported (Quy mô kinh tế số: 15,2% in 2023, 14,02% in 2025), drawn too.
    series = page.texts["#indicator-10 tbody tr"]
    assert any("2023" in r and "15,2%" in r for r in series)
    assert any("2025" in r and "14,02%" in r for r in series)
    assert page.values["charts"] and "14,02%" in page.values["charts"][0][1]
    target = Path(page.values["csv"].removeprefix("file://"))
    assert target.resolve() == (release / "data" / "indicator-10.csv").resolve()
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["period"], r["latest_value"]) for r in rows} >= {("2023", "15.2"),
                                                                ("2025", "14.02")}
