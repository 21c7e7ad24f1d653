"""Online public services: rates per level year to date, per body over the quarter.

Reads ``agg_public_service_rates``; the component score is the mean of the first three rates
(online dossiers, digitisation, data reuse), over the agencies that report services at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Column, Table
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.reference.periods import ReportingPeriod
from dagster_project.lib.text.vnformat import vi_sort_key

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


RATES = ("online", "digitisation", "reuse", "e_result", "online_payment")
SCORED_RATES = ("online", "digitisation", "reuse")


def public_service_quarter(con: duckdb.DuckDBPyConnection,
                           period: ReportingPeriod) -> dict[str, Row]:
    """Per agency: numerators and bases summed over the quarter's months, and the rates."""
    sums = ", ".join(f"sum({r}_numerator) as {r}_numerator, sum({r}_base) as {r}_base"
                     for r in RATES)
    rows = fetch(con, f"""
        select scope_id as agency_id, count(*) as months, {sums}
        from marts.agg_public_service_rates
        where scope = 'agency' and period_window = 'month'
          and reporting_month between ? and ?
        group by scope_id""", [period.start, period.end])
    for row in rows:
        for rate in RATES:
            base = row[f"{rate}_base"]
            row[f"{rate}_rate"] = (row[f"{rate}_numerator"] / base) if base else None
    return {r["agency_id"]: r for r in rows}


def public_service_agencies(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Agencies that report public-service figures at all (the component applies to them)."""
    return {r["scope_id"] for r in fetch(
        con, "select distinct scope_id from marts.agg_public_service_rates "
             "where scope = 'agency'")}


def public_service_levels(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Year-to-date rates of ministries and provinces at the quarter's latest month."""
    return fetch(con, """
        select scope_id as level, reporting_month, months_covered, bodies_reporting,
               online_rate, digitisation_rate, reuse_rate, e_result_rate, online_payment_rate
        from marts.agg_public_service_rates
        where scope = 'level' and period_window = 'year_to_date'
          and reporting_month = (
              select max(reporting_month) from marts.agg_public_service_rates
              where scope = 'level' and reporting_month <= ?)
        order by level""", [period.end])


def measure(row: Row | None, reports_services: bool) -> Measure:
    """Mean of the scored rates that have a base (n/a for a body without services)."""
    if not reports_services:
        return Measure.na()
    rates = [row[f"{r}_rate"] for r in SCORED_RATES] if row else []
    rates = [r for r in rates if r is not None]
    return Measure(sum(rates) / len(rates)) if rates else Measure.missing()


def _pair(q: QuarterFigures | None, level: str, rate: str) -> Pair | None:
    row = next((r for r in q.public_service_levels if r["level"] == level), None) if q else None
    return None if row is None else (None, row[f"{rate}_rate"])


def public_service_levels_table(c: ReportContext) -> Table:
    """Year-to-date rates of ministries and provinces."""
    _ = c._
    label = {"ministry": _("Bộ, ngành"), "province": _("Tỉnh, thành phố")}
    rows = [{"level": label.get(r["level"], r["level"]),
             "through": c.fmt.month(r["reporting_month"]),
             **{rate: r[f"{rate}_rate"] for rate in RATES}}
            for r in c.inputs.current.public_service_levels]
    return Table("public-services-level", _("Dịch vụ công trực tuyến, lũy kế từ đầu năm"),
                 (Column("level", _("Cấp")), Column("through", _("Đến tháng")),
                  *_rate_columns(c)), tuple(rows))


def _rate_columns(c: ReportContext) -> tuple[Column, ...]:
    _ = c._
    return (Column("online", _("Hồ sơ trực tuyến"), "pct", 2),
            Column("digitisation", _("Số hóa hồ sơ"), "pct", 2),
            Column("reuse", _("Tái sử dụng dữ liệu"), "pct", 2),
            Column("e_result", _("Trả kết quả điện tử"), "pct", 2),
            Column("online_payment", _("Thanh toán trực tuyến"), "pct", 2))


def agency_public_services_table(c: ReportContext) -> Table:
    """Each body's public-service rates over the quarter (sliced onto agency pages)."""
    _ = c._
    rows = [{"agency_id": agency_id, "agency": c.name(agency_id), "months": r["months"],
             **{rate: r[f"{rate}_rate"] for rate in RATES}}
            for agency_id, r in c.inputs.current.public_services.items()]
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-public-services", _("Dịch vụ công trực tuyến của từng cơ quan trong quý"),
                 (Column("agency", _("Cơ quan")), Column("months", _("Số tháng"), "int"),
                  *_rate_columns(c)), tuple(rows),
                 note=_("Điểm thành phần là trung bình của {n} tỷ lệ đầu.",
                        n=len(SCORED_RATES)))


def headline_rows(c: ReportContext) -> list[Row]:
    """Online dossier rates of provinces and ministries, year to date (two decimals)."""
    _ = c._
    return [headline_row(c, label, lambda q, level=level: _pair(q, level, "online"),
                         basis=_("lũy kế từ đầu năm"), rate_digits=2)
            for level, label in (("province", _("Hồ sơ trực tuyến — cấp tỉnh")),
                                 ("ministry", _("Hồ sơ trực tuyến — cấp bộ")))]
