"""The browser and PDF harness (tests/browser.py) must be able to fail.

A harness that reports no console errors because it never listened, or "text found" in a PDF
whose text it never read, would let every scorecard test pass. Each test here feeds it a
small page or PDF with a known defect or known content and checks that it sees it.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser import (
    CHROMIUM_ARGS,
    Chromium,
    PageResult,
    chromium_path,
    open_page,
    pdf_fonts,
    pdf_page_count,
    pdf_text,
    pdf_to_pngs,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def page(tmp_path: Path, body: str, head: str = "", name: str = "page.html") -> Path:
    html = tmp_path / name
    html.write_text(
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Thẻ điểm</title>'
        f"{head}</head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return html


@pytest.fixture(scope="module")
def browser() -> Chromium:
    with Chromium() as shared:
        yield shared


def test_console_error_is_reported(browser: Chromium, tmp_path: Path) -> None:
    result = browser.open_page(page(tmp_path, '<script>console.error("x")</script><p>ok</p>'))
    assert any(e.startswith("console error: x") for e in result.console_errors), result


def test_uncaught_exception_is_reported(browser: Chromium, tmp_path: Path) -> None:
    result = browser.open_page(page(tmp_path, "<script>undefinedFunction()</script>"))
    assert any("page error" in e and "undefinedFunction" in e for e in result.console_errors)


def test_missing_local_file_is_reported(browser: Chromium, tmp_path: Path) -> None:
    result = browser.open_page(page(tmp_path, '<img src="missing.png" alt="">'))
    assert any("failed request" in e and "missing.png" in e for e in result.console_errors)


def test_clean_vietnamese_page(browser: Chromium, tmp_path: Path) -> None:
    html = page(tmp_path, '<h1>Quý II/2026</h1><p class="kpi">Hà Nội 84,8%</p>'
                          '<p class="kpi">Đà Nẵng 71,0%</p>')
    result = browser.open_page(html, selectors=[".kpi", "h1"],
                               evaluate={"kpis": "document.querySelectorAll('.kpi').length"})
    assert result.console_errors == []
    assert result.title == "Thẻ điểm"
    assert "Hà Nội 84,8%" in result.text
    assert result.texts == {".kpi": ["Hà Nội 84,8%", "Đà Nẵng 71,0%"], "h1": ["Quý II/2026"]}
    assert result.values == {"kpis": 2}
    assert result.requests == [html.resolve().as_uri()]


def test_remote_request_is_blocked_offline(browser: Chromium, tmp_path: Path) -> None:
    html = page(tmp_path, "<p>Hà Nội</p>",
                head='<script src="https://cdn.example.com/x.js"></script>')
    result = browser.open_page(html)
    assert result.console_errors == ["blocked request: https://cdn.example.com/x.js"]
    assert "https://cdn.example.com/x.js" in result.requests
    assert "Hà Nội" in result.text


def test_fetch_is_blocked_offline(browser: Chromium, tmp_path: Path) -> None:
    html = page(tmp_path, "<script>window.done = fetch('https://api.example.com/d.json')"
                          ".then(() => 'loaded', () => 'failed')</script>")
    result = browser.open_page(html, evaluate={"done": "window.done"})  # awaits the promise
    assert result.values == {"done": "failed"}
    assert result.console_errors == ["blocked request: https://api.example.com/d.json"]


def test_screenshot_is_a_png(browser: Chromium, tmp_path: Path) -> None:
    shot = tmp_path / "shots" / "page.png"
    result = browser.open_page(page(tmp_path, "<h1>Hà Nội 84,8%</h1>"), shot)
    assert isinstance(result, PageResult)
    assert shot.read_bytes()[:8] == PNG_MAGIC
    assert shot.stat().st_size > 1000


def test_open_page_on_its_own(tmp_path: Path) -> None:
    result = open_page(page(tmp_path, "<p>Hà Nội 84,8%</p>"))
    assert result.console_errors == []
    assert result.text.strip() == "Hà Nội 84,8%"


@pytest.fixture(scope="module")
def vietnamese_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page A4 PDF with Vietnamese text, printed by headless Chromium.

    Chromium rather than WeasyPrint: these tests check the PDF tools, not the renderer, and
    must not depend on it.
    """
    out = tmp_path_factory.mktemp("pdf")
    html = page(out, '<h1>Quý II/2026</h1><p>Hà Nội 84,8%</p>'
                     '<h2 style="break-before: page">Trang 2: Đà Nẵng</h2>',
                head="<style>@page { size: A4 }</style>")
    pdf = out / "scorecard.pdf"
    with tempfile.TemporaryDirectory(prefix="nq57-chromium-") as profile:
        subprocess.run(
            [chromium_path(), "--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
            check=True, capture_output=True, timeout=60,
        )
    return pdf


def test_pdf_page_count(vietnamese_pdf: Path) -> None:
    assert pdf_page_count(vietnamese_pdf) == 2


def test_pdf_text_keeps_vietnamese(vietnamese_pdf: Path) -> None:
    text = pdf_text(vietnamese_pdf)
    assert "Hà Nội" in text
    assert "Quý II/2026" in text
    assert "84,8%" in text
    assert "Đà Nẵng" in text


def test_pdf_fonts_are_embedded(vietnamese_pdf: Path) -> None:
    fonts = pdf_fonts(vietnamese_pdf)
    assert fonts, "pdffonts listed no font"
    assert any(f["emb"] == "yes" for f in fonts), fonts
    assert set(fonts[0]) == {"name", "type", "encoding", "emb", "sub", "uni", "object"}


def test_pdf_to_pngs(vietnamese_pdf: Path, tmp_path: Path) -> None:
    pngs = pdf_to_pngs(vietnamese_pdf, tmp_path / "pages")
    assert len(pngs) == pdf_page_count(vietnamese_pdf)
    assert [p.name for p in pngs] == ["page-1.png", "page-2.png"]
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in pngs)


def test_pdf_fonts_parses_long_names_and_spaced_types() -> None:
    from tests import browser as harness

    output = (
        "name                                 type              encoding         emb sub uni"
        " object ID\n"
        "------------------------------------ ----------------- ---------------- --- --- ---"
        " ---------\n"
        "ABCDEF+AVeryLongFontNameThatOverflowsItsColumn-BoldItalic Type 1C WinAnsi"
        " no  no  yes     12  0\n"
        "[none]                               Type 3            Custom           yes no  no"
        "      7  0\n"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(harness, "_run", lambda args: output)
        mp.setattr(harness, "_tool", lambda name: name)
        fonts = pdf_fonts(Path("x.pdf"))
    assert fonts == [
        {"name": "ABCDEF+AVeryLongFontNameThatOverflowsItsColumn-BoldItalic", "type": "Type 1C",
         "encoding": "WinAnsi", "emb": "no", "sub": "no", "uni": "yes", "object": "12 0"},
        {"name": "[none]", "type": "Type 3", "encoding": "Custom", "emb": "yes", "sub": "no",
         "uni": "no", "object": "7 0"},
    ]


def test_axe_reports_a_critical_violation_and_passes_a_clean_page(
        browser: Chromium, tmp_path: Path) -> None:
    """axe-core runs inside the offline page (its CSP included) and reports what it finds."""
    csp = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'; img-src data:">')
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    bad = browser.open_page(page(tmp_path, f'<main><h1>Thẻ điểm</h1><img src="{pixel}">'
                                           "</main>", head=csp, name="bad.html"),
                            accessibility=True)
    assert {v["id"]: v["impact"] for v in bad.violations}.get("image-alt") == "critical"
    good = browser.open_page(page(tmp_path, f'<main><h1>Thẻ điểm</h1><img src="{pixel}" '
                                            'alt="Biểu đồ"></main>', head=csp,
                                  name="good.html"), accessibility=True)
    assert good.violations == []
