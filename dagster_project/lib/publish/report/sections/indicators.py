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


def _pair(q: QuarterFigures | None, statuses: tuple[str, ...]) -> Pair | None:
    rows = q.indicators if q else []
    if not rows:
        return None
    count = sum(1 for r in rows if r["status"] in statuses)
    return count, count / len(rows)


_STATUS = {"achieved": "green", "on_track": "green", "off_track": "red", "no_data": "missing"}


def indicator_table(c: ReportContext) -> Table:
    """Indicators against their 2030 (or 2045) targets, with progress status in words."""
    _ = c._
    words = {"achieved": _("Đã đạt"), "on_track": _("Đúng lộ trình"),
             "off_track": _("Chậm so với lộ trình"), "no_data": _("Chưa có số liệu")}
    rows = []
    for r in c.inputs.current.indicators:
        status = r["status"] or "no_data"
        rows.append({"agency_id": r["responsible_agency_id"],
                     "indicator": r["indicator_id"], "name": r["indicator_name"],
                     "target": r["target_text"], "year": r["target_year"],
                     "latest": r["latest_value"],
                     "unit": r["unit"], "period": r["latest_period"],
                     "agency": c.name(r["responsible_agency_id"]),
                     "status": Status(_STATUS.get(status, "missing"),
                                      words.get(status, status))})
    return Table("indicators", _("Chỉ tiêu đến năm 2030 và tiến độ"),
                 (Column("indicator", _("Mã")), Column("name", _("Chỉ tiêu")),
                  Column("target", _("Mục tiêu")), Column("year", _("Năm mục tiêu")),
                  Column("latest", _("Số liệu gần nhất"), "number", 2),
                  Column("unit", _("Đơn vị")), Column("period", _("Kỳ số liệu")),
                  Column("agency", _("Cơ quan chịu trách nhiệm")),
                  Column("status", _("Tiến độ"), "status")),
                 tuple(rows),
                 note=_("“Chưa có số liệu” là chỉ tiêu chưa có số đo; không được tính là 0."))


def headline_rows(c: ReportContext) -> list[Row]:
    """Indicators achieved or on track, over all indicator targets."""
    _ = c._
    on_course = ("achieved", "on_track")
    return [headline_row(_("Chỉ tiêu đã đạt hoặc đúng lộ trình"),
                         _pair(c.inputs.current, on_course), _pair(c.inputs.previous, on_course),
                         _("trên {n} chỉ tiêu", n=c.fmt.int(len(c.inputs.current.indicators))))]
