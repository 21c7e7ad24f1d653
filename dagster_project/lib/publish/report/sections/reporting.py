"""Reporting and data quality: each body's months on time, files rejected, rows loaded.

Reads ``agg_agency_reporting`` through the quality annex's loader, so the scorecard and the
annex count the same months; gives the on-time and row-completeness measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Column, Table
from dagster_project.lib.publish.report.query import Row, ratio
from dagster_project.lib.quality.quality_annex import load_agency_reporting
from dagster_project.lib.text.vnformat import vi_sort_key

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


def agency_reporting(con: duckdb.DuckDBPyConnection, period_key: str) -> dict[str, Row]:
    """Reporting record of each body in the quarter (timeliness, rows loaded, rejections)."""
    return {r["agency_id"]: r for r in load_agency_reporting(con, period_key)}


def measures(row: Row | None) -> dict[str, Measure]:
    """Months on time over months expected; rows loaded over rows read."""
    if row is None or not row["months_expected"]:
        return {"reporting_on_time_rate": Measure.na(), "data_row_completeness": Measure.na()}
    quality = (Measure(ratio(row["rows_loaded"], row["rows_read"])) if row["rows_read"]
               else Measure.missing())
    return {"reporting_on_time_rate": Measure(ratio(row["months_on_time"],
                                                    row["months_expected"])),
            "data_row_completeness": quality}


def _pair(q: QuarterFigures | None) -> Pair | None:
    rows = [r for r in q.reporting.values() if r["is_reporting_body"]] if q else []
    expected = sum(r["months_expected"] or 0 for r in rows)
    if not expected:
        return None
    on_time = sum(r["months_on_time"] or 0 for r in rows)
    return on_time, on_time / expected


def agency_reporting_table(c: ReportContext) -> Table:
    """Each body's reporting and data-quality record in the quarter."""
    _ = c._
    failing = c.inputs.gate.failing_by_agency
    rows = []
    for agency_id, r in c.inputs.current.reporting.items():
        if not r["is_reporting_body"]:
            continue
        rows.append({"agency_id": agency_id, "agency": c.name(agency_id),
                     "expected": r["months_expected"], "received": r["months_received"],
                     "on_time": r["months_on_time"], "late": r["months_late"],
                     "missing": r["months_missing"], "rejected": r["files_rejected"],
                     "quarantined": r["rows_quarantined"],
                     "completeness": r["row_completeness"],
                     "rule_rows": failing.get(agency_id, 0)})
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-reporting", _("Báo cáo và chất lượng số liệu của từng cơ quan"),
                 (Column("agency", _("Cơ quan")),
                  Column("expected", _("Tháng phải báo cáo"), "int"),
                  Column("received", _("Tháng đã nhận"), "int"),
                  Column("on_time", _("Đúng hạn"), "int"), Column("late", _("Trễ hạn"), "int"),
                  Column("missing", _("Chưa nộp"), "int"),
                  Column("rejected", _("Tệp bị từ chối"), "int"),
                  Column("quarantined", _("Dòng bị cách ly"), "int"),
                  Column("completeness", _("Tỷ lệ dòng được nạp"), "pct", 1),
                  Column("rule_rows", _("Dòng vi phạm quy tắc kiểm tra"), "int")),
                 tuple(rows))


def headline_rows(c: ReportContext) -> list[Row]:
    """Report-months received on time, over the report-months due from the reporting bodies."""
    _ = c._
    rows = [r for r in c.inputs.current.reporting.values() if r["is_reporting_body"]]
    expected = sum(r["months_expected"] or 0 for r in rows)
    return [headline_row(c, _("Tháng báo cáo nộp đúng hạn"), _pair,
                         basis=_("trên {n} tháng báo cáo phải nộp", n=c.fmt.int(expected))
                         if expected else "", unit=_("tháng báo cáo"),
                         base=expected or None)]
