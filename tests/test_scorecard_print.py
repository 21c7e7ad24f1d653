"""The print pipeline and the release line, without a demo run.

The status swatches must print: the PDF is what leadership files, and a "Chậm" swatch that
prints as an empty box reads as "no data". The version line must say what changed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from dagster_project.lib.publish.report.render import pdf_from_html
from dagster_project.lib.publish.report.versions import ReleaseNote, changes_line, release_line
from dagster_project.lib.publish.templates import environment
from tests.browser import pdf_to_pngs

VERMILLION = (0xD5, 0x5E, 0x00)
GREEN = (0x00, 0x9E, 0x73)


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.convert("RGB").tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def _swatch_pdf(tmp_path: Path, code: str) -> Path:
    """A page with one large status swatch drawn by the scorecard's own macro."""
    template = environment().from_string(
        '{% import "scorecard/blocks.html.j2" as b %}<!DOCTYPE html><html lang="vi"><head>'
        '<meta charset="utf-8"><title>Mẫu</title><style>.mark { width: 60mm; height: 60mm; }'
        "</style></head><body><p>{{ b.mark(code) }} Chậm</p></body></html>")
    return pdf_from_html(template.render(code=code), tmp_path / f"{code}.pdf")


@pytest.mark.parametrize(("code", "colour"), [("red", VERMILLION), ("green", GREEN)])
def test_status_swatches_print_in_their_colour(tmp_path: Path, code: str,
                                               colour: tuple[int, int, int]) -> None:
    (png,) = pdf_to_pngs(_swatch_pdf(tmp_path, code), tmp_path, dpi=40)
    pixels = _pixels(Image.open(png))
    coloured = sum(_near(p, colour) for p in pixels)
    white = sum(p == (255, 255, 255) for p in pixels)
    assert coloured > 500, f"{code}: only {coloured} pixels of its colour printed"
    if code == "red":  # hatched: vermillion stripes on white inside the box, not a solid fill
        box = _pixels(Image.open(png).crop((40, 50, 100, 110)))
        assert sum(_near(p, VERMILLION) for p in box) > 0.2 * len(box)
        assert sum(p == (255, 255, 255) for p in box) > 0.2 * len(box)
    assert white > coloured  # the page is printed, not flooded


NOTE_TIME = datetime(2026, 7, 2, 9, 30)


def test_first_release_says_so_in_both_languages() -> None:
    note = ReleaseNote(1, NOTE_TIME, {"previous_version": None})
    assert release_line(note, "vi") == "v1, công bố ngày 2/7/2026"
    assert release_line(note, "en").startswith("v1, published ")
    assert changes_line(note, "vi") == "Bản công bố đầu tiên của kỳ này."
    assert changes_line(note, "en") == "First release for this period."


def test_a_second_release_names_the_figures_that_moved() -> None:
    note = ReleaseNote(2, NOTE_TIME, {
        "previous_version": 1,
        "headline": {"tasks_overdue": {"before": 230, "after": 224},
                     "tasks_done": {"before": 1239, "after": 1245}},
        "marts": {"fct_task": {}, "agg_task_completion": {}},
        "new_input_files": ["BKHCN_2026-06.xlsx"]})
    text = changes_line(note, "vi")
    assert text.startswith("Thay đổi so với v1:")
    assert "Nhiệm vụ quá hạn 230 → 224" in text
    assert "Nhiệm vụ có thời hạn đã hoàn thành 1.239 → 1.245" in text
    assert "bảng dữ liệu thay đổi: 2" in text and "tệp mới nhận: 1" in text
    english = changes_line(note, "en")
    assert "Changes from v1" in english and "Overdue tasks 230 → 224" in english
    assert "1,239 → 1,245" in english
