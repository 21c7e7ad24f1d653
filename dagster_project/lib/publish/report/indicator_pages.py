"""One page per 2030 indicator: its series, target, how its progress is judged, its data.

National SDG platforms give each indicator a page of its own; the scorecard's indicator
table gives one line. Each indicator gets ``chi-tieu/<id>.html`` (and the English page): the
target and the body responsible, the progress and the rule that decided it (the mart's
``status_method``, in words, with a reviewer's override and reason when there is one),
every figure reported up to the quarter's end as a table and a small line chart, and a link
to the same figures as CSV in the release's ``data/``. The indicator table links each line to
its page.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.publish.report import charts
from dagster_project.lib.publish.report.i18n import Translator
from dagster_project.lib.publish.report.model import (
    Chart,
    Column,
    Formatter,
    Page,
    Report,
    Section,
    Table,
)
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.publish.report.sections.indicators import figure_text, period_text

FOLDER = "chi-tieu"
INDICATOR_TABLE = "indicators"


def indicator_history(con: duckdb.DuckDBPyConnection, period_end: Any) -> list[Row]:
    """Every figure of every indicator dated by the quarter's end, in period order."""
    return fetch(con, """
        select * from marts.fct_indicator_progress
        where period_end is null or period_end <= ?
        order by indicator_id, target_part, period_end nulls first""", [period_end])


def slug(indicator_id: str) -> str:
    """The file name of an indicator's page and CSV: ``11.5`` -> ``11-5``."""
    return "".join(ch if ch.isalnum() else "-" for ch in str(indicator_id))


def page_href(indicator_id: str) -> str:
    """An indicator's page, relative to the scorecard's index."""
    return f"{FOLDER}/{slug(indicator_id)}.html"


def _method_words(_: Translator) -> dict[str, str]:
    return {
        "target_met": _("Số liệu gần nhất đã đạt mục tiêu."),
        "cagr_observed_vs_required": _(
            "So tốc độ tăng bình quân năm đã đạt (từ số liệu đầu tiên đến số liệu gần nhất) "
            "với tốc độ còn cần để đạt mục tiêu trước 31/12 của năm mục tiêu: đủ là đúng lộ "
            "trình, thiếu là chậm."),
        "rate_target_not_met": _("Mục tiêu là tốc độ tăng hằng năm; số liệu gần nhất chưa "
                                 "đạt."),
        "target_year_passed": _("Đã qua năm mục tiêu mà chưa đạt."),
        "single_observation": _("Mới có một số đo; cần ít nhất hai số đo để tính tốc độ."),
        "growth_undefined": _("Không tính được tốc độ tăng từ các số đo hiện có."),
        "no_actual": _("Chưa có số đo."),
        "unit_mismatch": _("Đơn vị của số liệu khác đơn vị của mục tiêu; chưa so sánh được."),
        "qualitative_target": _("Mục tiêu định tính: không có số đo để tính tiến độ."),
    }


def _series_table(c: Translator, fmt: Formatter, indicator_id: str,
                  rows: Sequence[Row], figure: Any) -> Table:
    _ = c
    return Table(
        f"indicator-{slug(indicator_id)}", _("Các số liệu đã báo cáo"),
        (Column("period", _("Kỳ số liệu")), Column("target", _("Mục tiêu")),
         Column("scope", _("Phạm vi")), Column("value", _("Số liệu"))),
        tuple({"period": period_text(r["period"]) or "–", "target": r["target_text"],
               "scope": r["scope"],
               "value": (figure(r) if r["has_data"] else None) or None}
              for r in rows if r["period"] or r["has_data"]),
        note=_("“–” là chưa có số đo; không được tính là 0."))


def _charts(_: Translator, indicator_id: str, rows: Sequence[Row], figure: Any) -> list[Chart]:
    """One small line chart per target part with at least one figure."""
    found = []
    parts: dict[Any, list[Row]] = {}
    for row in rows:
        if row["latest_value"] is not None and row["period"] and row["has_data"]:
            parts.setdefault(row["target_part"], []).append(row)
    for part, points in parts.items():
        first = points[0]
        target = first["target_value"] if first["unit"] != "%/năm" else None
        title = first["target_text"] or first["indicator_name"]
        values = ", ".join(f"{period_text(p['period'])}: {figure(p)}" for p in points)
        svg = charts.line_chart(
            [charts.Point(period_text(p["period"]), float(p["latest_value"]), figure(p))
             for p in points],
            title=title, target=float(target) if target is not None else None,
            target_text=_("Mục tiêu") if target is not None else "",
            lower_is_better=bool(first["lower_is_better"]),
            description=_("Số liệu của chỉ tiêu {id} theo kỳ: {values}. Mục tiêu: {target}.",
                          id=indicator_id, values=values, target=title))
        found.append(Chart(f"series-{slug(indicator_id)}-{part}", title, svg,
                           f"indicator-{slug(indicator_id)}"))
    return found


@dataclasses.dataclass(frozen=True)
class IndicatorPage:
    """An indicator's page and the figures it shows (written to its CSV too)."""

    indicator_id: str
    page: Page
    rows: list[Row]


def indicator_pages(report: Report, history: Sequence[Row],
                    agency_name: Any) -> list[IndicatorPage]:
    """Each indicator's page in the report's language, with the figures it shows."""
    _ = Translator(report.lang)
    fmt = Formatter(report.lang)
    ctx = _FigureContext(_, fmt)
    table = next((t for t in report.tables() if t.table_id == INDICATOR_TABLE), None)
    lines = {row["indicator"]: row for row in table.rows} if table else {}
    groups: dict[str, list[Row]] = {}
    for row in history:
        groups.setdefault(row["indicator_id"], []).append(row)
    methods = _method_words(_)
    pages = []
    for indicator_id, rows in groups.items():
        line = lines.get(indicator_id, {})
        first = rows[0]
        latest = {r["target_part"]: r for r in rows}  # the last row of each part
        status = line.get("status")
        paragraphs = [
            _("Mục tiêu: {target} (năm {year}).", target="; ".join(dict.fromkeys(
                r["target_text"] for r in latest.values() if r["target_text"])) or "–",
              year=first["target_year"] or "–"),
            _("Cơ quan chịu trách nhiệm: {agency}.",
              agency=agency_name(first["responsible_agency_id"])),
            _("Tiến độ: {status}.", status=status.text if status else "–"),
        ]
        for r in latest.values():
            paragraphs.append(_("Cách đánh giá: {method}", method=methods.get(
                r["status_method"] or "", r["status_method"] or "–")))
            if r["status_override"]:
                paragraphs.append(_("Tiến độ do {by} quyết định, lý do: {reason}",
                                    by=r["override_decided_by"] or "–",
                                    reason=r["override_reason"] or "–"))
        paragraphs = list(dict.fromkeys(paragraphs))  # parts judged alike are said once
        blocks: list[Table | Chart] = [*_charts(_, indicator_id, rows, ctx.figure),
                                       _series_table(_, fmt, indicator_id, rows, ctx.figure)]
        sections = (Section("tien-do", _("Mục tiêu và tiến độ"), tuple(paragraphs), ()),
                    Section("so-lieu", _("Số liệu theo kỳ"), (), tuple(blocks)))
        title = _("Chỉ tiêu {id}: {name}", id=indicator_id,
                  name=line.get("name") or first["indicator_name"])
        pages.append(IndicatorPage(indicator_id, Page(f"{FOLDER}/{slug(indicator_id)}", title,
                                                      sections), rows))
    return pages


@dataclasses.dataclass(frozen=True)
class _FigureContext:
    """What :func:`figure_text` needs of a report context: a translator and a formatter."""

    _: Translator
    fmt: Formatter

    def figure(self, row: Row) -> str:
        return figure_text(self, {**row}) if row["latest_value"] is not None else ""  # type: ignore[arg-type]


def with_page_links(report: Report) -> Report:
    """The report with each line of the indicator table linked to its page."""
    def linked(block: Table | Chart) -> Table | Chart:
        if not isinstance(block, Table) or block.table_id != INDICATOR_TABLE:
            return block
        rows = tuple({**row, "indicator_href": page_href(row["indicator"])}
                     for row in block.rows)
        return dataclasses.replace(block, rows=rows, link_key="indicator_href",
                                   link_column="name")
    sections = tuple(dataclasses.replace(s, blocks=tuple(linked(b) for b in s.blocks))
                     for s in report.main.sections)
    return dataclasses.replace(report, main=dataclasses.replace(report.main,
                                                                sections=sections))


def write_series_csv(folder: Path, pages: Mapping[str, Sequence[Row]]) -> list[Path]:
    """``indicator-<id>.csv`` per indicator in the release's ``data/``: every figure."""
    columns = ("indicator_id", "indicator_name", "target_part", "target_text", "target_value",
               "unit", "target_year", "period", "period_end", "latest_value", "status",
               "status_method")
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for indicator_id, rows in pages.items():
        path = folder / f"indicator-{slug(indicator_id)}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        written.append(path)
    return written
