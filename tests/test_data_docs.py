"""GX Data Docs of gate results open from a folder: no server, no network."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pytest

from dagster_project.lib.quality.data_docs import write_data_docs
from dagster_project.lib.quality.gate import load_catalogue, validate_suite

# Attributes through which a page loads something (as opposed to links a reader follows).
LOADING_ATTRIBUTES = {("script", "src"), ("link", "href"), ("img", "src"), ("source", "src")}
REMOTE_SCHEMES = ("http://", "https://", "//")


class _References(HTMLParser):
    """Every ``src``/``href`` of a page, with the tag it sits on, and its inline CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag's addresses; note when a ``<style>`` block starts."""
        for name, value in attrs:
            if name in {"src", "href"} and value is not None:
                self.references.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        """Leave a ``<style>`` block."""
        self._in_style = False

    def handle_data(self, data: str) -> None:
        """Keep inline CSS, where ``url(`` and ``@import`` would load things."""
        if self._in_style:
            self.styles.append(data)


def _parse(page: Path) -> _References:
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built from one passing and one failing suite, as read back from JSON."""
    suites = {suite.name: suite for suite in load_catalogue()}
    raw: list[dict[str, Any]] = []
    register = pd.DataFrame({"task_id": ["T1", "T2"], "lead_agency_id": ["BKHCN", "BTC"],
                             "deadline_text": ["2026", "Thường xuyên"]})
    validate_suite(suites["task_register"], register, raw=raw)
    evidence = pd.DataFrame({"reporting_month": [date(2026, 4, 1), date(2026, 6, 1)],
                             "tasks_reported_done": [1000, 1200],
                             "share_without_evidence": [0.01, 0.2]})
    validate_suite(suites["task_completion_evidence"], evidence, raw=raw)
    assert [result["success"] for result in raw] == [True, False]
    from_disk = json.loads(json.dumps(raw, default=str))
    return write_data_docs(from_disk, tmp_path_factory.mktemp("docs") / "data_docs").parent


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_index_and_a_page_per_result_and_suite(site: Path) -> None:
    assert (site / "index.html").is_file()
    names = [page.relative_to(site).as_posix() for page in _pages(site)]
    assert "expectations/task_register.html" in names
    assert "expectations/task_completion_evidence.html" in names
    assert sum(name.startswith("validations/") for name in names) == 2


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    for page in _pages(site):
        parsed = _parse(page)
        remote = [ref for tag, attr, ref in parsed.references
                  if (tag, attr) in LOADING_ATTRIBUTES and ref.lower().startswith(REMOTE_SCHEMES)]
        assert remote == [], page
        css = "\n".join(parsed.styles).lower()
        for scheme in REMOTE_SCHEMES:
            assert f"url({scheme}" not in css.replace("'", "").replace('"', ""), page
            assert f"@import {scheme}" not in css.replace("'", "").replace('"', ""), page


def test_every_local_address_resolves(site: Path) -> None:
    for page in _pages(site):
        for _, _, ref in _parse(page).references:
            if ref.lower().startswith(REMOTE_SCHEMES + ("#", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / urlsplit(ref).path).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: {ref}"
            assert target.is_relative_to(site.resolve()), f"{page.relative_to(site)}: {ref}"


def test_vendored_fonts_of_font_awesome_are_there(site: Path) -> None:
    css = next(site.rglob("fortawesome-fontawesome-free-*/css/all.min.css"))
    fonts = {part.split(")")[0] for part in css.read_text(encoding="utf-8").split("url(")[1:]}
    assert fonts and all((css.parent / font).is_file() for font in fonts)


def test_pages_name_the_suites_and_the_failing_rule(site: Path) -> None:
    text = "\n".join(page.read_text(encoding="utf-8") for page in _pages(site))
    assert "task_register" in text and "task_completion_evidence" in text
    failing = next(site.glob("validations/task_completion_evidence/**/*.html"))
    assert "TASK-020" in failing.read_text(encoding="utf-8")


def test_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_text("", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_data_docs([], tmp_path)


def test_pages_carry_no_third_party_branding(site: Path) -> None:
    for page in _pages(site):
        if "static/vendor" in page.as_posix():
            continue
        text = page.read_text(encoding="utf-8")
        assert "greatexpectations.io" not in text and "newsletter" not in text, page
        assert 'alt="Great Expectations"' not in text and "logo-long" not in text, page
        assert "Validation results of the nq57 publication gate" in text, page
    assert not list(site.glob("static/images/logo-long*"))
