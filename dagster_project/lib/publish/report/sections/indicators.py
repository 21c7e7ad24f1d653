"""Indicators: each 2030 (or 2045) target with its latest figure and progress in words.

Reads ``fct_indicator_progress``, the latest figure of each target dated by the quarter's
end; an indicator without a figure is "no data", never 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.model import Column, Status, Table
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.reference.periods import ReportingPeriod

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


def indicators(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Each indicator target with its latest figure dated by the quarter's end."""
    return fetch(con, """
        select * from marts.fct_indicator_progress
        where period_end is null or period_end <= ?
        qualify row_number() over (
            partition by indicator_id, target_part
            order by period_end desc nulls last) = 1
        order by try_cast(split_part(indicator_id, '.', 1) as integer) nulls last,
                 indicator_id, target_part""", [period.end])


# A part's status in the order a reader must hear it: one part off track makes the
# indicator off track; a part without a figure keeps it from counting as on track.
_SEVERITY = ("off_track", "no_data", "on_track", "achieved")


def by_indicator(rows: list[Row]) -> list[list[Row]]:
    """The target parts of each indicator together, in the order of ``rows``.

    An indicator with a two-part target ("top 3 Đông Nam Á, top 50 thế giới") is one line
    of the report, not two lines with the same name.
    """
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row["indicator_id"], []).append(row)
    return list(groups.values())


def indicator_status(parts: list[Row]) -> str:
    """The indicator's status: the most severe of its parts' (see :data:`_SEVERITY`)."""
    statuses = [part["status"] or "no_data" for part in parts]
    return min(statuses, key=lambda s: _SEVERITY.index(s) if s in _SEVERITY else 0)


def _decimals(value: float) -> int:
    """Decimals the figure was given with (at most 4): 14,02 -> 2; 91,9 -> 1; 3 -> 0."""
    text = f"{value:.4f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def figure_text(c: ReportContext, part: Row) -> str:
    """A part's latest figure as the report writes it: "14,02%", "hạng 44 (thế giới)"."""
    value, unit, scope = part["latest_value"], part["unit"], part["scope"]
    if value is None:
        return ""
    if unit == "rank":
        text = c._("hạng {rank}", rank=c.fmt.int(value))
    else:
        number = c.fmt.number(value, _decimals(float(value)))
        text = (f"{number}%" if unit == "%" else number if unit in (None, "index")
                else f"{number} {unit}")
    return f"{text} ({scope})" if scope else text


def period_text(label: str | None) -> str:
    """A figure's period as documents write it: "8/2025", "2025", "Quý I/2026"."""
    if not label:
        return ""
    year, _, rest = label.partition("-")
    if rest.isdigit():
        return f"{int(rest)}/{year}"
    return label


def _joined(values: list[str]) -> str:
    """Parts' texts, each once, joined by "; "."""
    return "; ".join(dict.fromkeys(v for v in values if v))


def _pair(q: QuarterFigures | None, statuses: tuple[str, ...]) -> Pair | None:
    groups = by_indicator(q.indicators) if q else []
    if not groups:
        return None
    count = sum(1 for parts in groups if indicator_status(parts) in statuses)
    return count, count / len(groups)


_STATUS = {"achieved": "green", "on_track": "green", "off_track": "red", "no_data": "missing",
           "no_trend": "missing"}


def indicator_table(c: ReportContext) -> Table:
    """Indicators against their 2030 (or 2045) targets, one line each, progress in words."""
    _ = c._
    words = {"achieved": _("Đã đạt"), "on_track": _("Đúng lộ trình"),
             "off_track": _("Chậm so với lộ trình"), "no_data": _("Chưa có số liệu"),
             "no_trend": _("Chưa đủ số liệu để đánh giá")}
    rows = []
    for parts in by_indicator(c.inputs.current.indicators):
        first, status = parts[0], indicator_status(parts)
        if status == "no_data" and any(p["latest_value"] is not None for p in parts):
            status = "no_trend"  # a figure, but no earlier one to measure progress by
        rows.append({"agency_id": first["responsible_agency_id"],
                     "indicator": first["indicator_id"], "name": first["indicator_name"],
                     "target": _joined([p["target_text"] for p in parts]),
                     "year": first["target_year"],
                     "latest": _joined([figure_text(c, p) for p in parts]) or None,
                     "period": _joined([period_text(p["latest_period"]) for p in parts]) or None,
                     "agency": c.name(first["responsible_agency_id"]),
                     "status": Status(_STATUS.get(status, "missing"),
                                      words.get(status, status))})
    return Table("indicators", _("Chỉ tiêu đến năm 2030 và tiến độ"),
                 (Column("indicator", _("Mã")),
                  Column("name", c.source_label(_("Chỉ tiêu")), source_text=True),
                  Column("target", c.source_label(_("Mục tiêu")), source_text=True),
                  Column("year", _("Năm mục tiêu")),
                  Column("latest", _("Số liệu gần nhất")),
                  Column("period", _("Kỳ số liệu")),
                  Column("agency", _("Cơ quan chịu trách nhiệm")),
                  Column("status", _("Tiến độ"), "status")),
                 tuple(rows),
                 note=_("“Chưa có số liệu” là chỉ tiêu chưa có số đo; không được tính là 0. "
                        "“Chưa đủ số liệu để đánh giá”: mới có một số đo, chưa có số đo trước "
                        "đó để tính tốc độ. Chỉ tiêu có nhiều vế (ví dụ top 3 Đông Nam Á, "
                        "top 50 thế giới) là một dòng; tiến độ là tiến độ của vế chậm nhất."))


def headline_rows(c: ReportContext) -> list[Row]:
    """Indicators achieved or on track, over all indicators."""
    _ = c._
    on_course = ("achieved", "on_track")
    count = len(by_indicator(c.inputs.current.indicators))
    return [headline_row(c, _("Chỉ tiêu đã đạt hoặc đúng lộ trình"),
                         lambda q: _pair(q, on_course),
                         basis=_("trên {n} chỉ tiêu", n=c.fmt.int(count)),
                         unit=_("chỉ tiêu"), base=count or None)]
