"""The scorecard's indicator lines: one line per indicator, figures as the report writes them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.model import Formatter
from dagster_project.lib.publish.report.sections.indicators import (
    by_indicator,
    figure_text,
    indicator_status,
    period_text,
)


def _part(indicator_id: str, part: int, status: str | None, value: float | None = None,
          unit: str | None = None, scope: str | None = None) -> dict:
    return {"indicator_id": indicator_id, "target_part": part, "status": status,
            "latest_value": value, "unit": unit, "scope": scope}


def _context(lang: str) -> SimpleNamespace:
    return SimpleNamespace(_=Translator(lang), fmt=Formatter(lang))


def test_a_two_part_target_is_one_line_in_the_order_given() -> None:
    rows = [_part("4", 1, "no_data"), _part("4", 2, "no_data"), _part("10", 1, "off_track"),
            _part("5", 1, "achieved"), _part("5", 2, "off_track")]
    groups = by_indicator(rows)
    assert [[p["target_part"] for p in g] for g in groups] == [[1, 2], [1], [1, 2]]
    assert [g[0]["indicator_id"] for g in groups] == ["4", "10", "5"]


@pytest.mark.parametrize(("statuses", "expected"), [
    (["achieved", "achieved"], "achieved"),
    (["achieved", "on_track"], "on_track"),
    (["achieved", "no_data"], "no_data"),
    (["on_track", "off_track"], "off_track"),
    (["no_data", "off_track"], "off_track"),
    ([None], "no_data"),
])
def test_an_indicator_stands_as_its_slowest_part(statuses: list, expected: str) -> None:
    assert indicator_status([_part("5", n, s) for n, s in enumerate(statuses, 1)]) == expected


@pytest.mark.parametrize(("lang", "part", "text"), [
    ("vi", _part("37", 1, None, 44.0, "rank", "thế giới"), "hạng 44 (thế giới)"),
    ("en", _part("37", 1, None, 44.0, "rank", "thế giới"), "rank 44 (thế giới)"),
    ("vi", _part("10", 1, None, 14.02, "%"), "14,02%"),
    ("en", _part("10", 1, None, 14.02, "%"), "14.02%"),
    ("vi", _part("23.4", 1, None, 91.9, "%"), "91,9%"),
    ("vi", _part("17", 1, None, 3.0, "%"), "3%"),
    ("vi", _part("14", 1, None, 0.766, "index"), "0,766"),
    ("vi", _part("25", 1, None, 2.0, "đơn vị"), "2 đơn vị"),
    ("vi", _part("38", 1, None, 1234.5, "doanh nghiệp"), "1.234,5 doanh nghiệp"),
    ("vi", _part("13", 1, "no_data"), ""),
])
def test_figures_keep_the_precision_they_were_reported_with(lang: str, part: dict,
                                                            text: str) -> None:
    assert figure_text(_context(lang), part) == text


def test_periods_read_as_documents_write_them() -> None:
    assert [period_text(p) for p in ("2025-08", "2025", "2024-12", None)] == [
        "8/2025", "2025", "12/2024", ""]
