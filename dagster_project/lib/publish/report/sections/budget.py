"""Budget: disbursement by pillar and level, each body's budget, the disbursement measure.

Reads ``agg_budget_disbursement`` as of the quarter: the latest report of the quarter's
fiscal year dated on or before its last day. Amounts are in tỷ đồng.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from dagster_project.lib.publish.report import charts
from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Chart, Column, Table
from dagster_project.lib.publish.report.query import Row, fetch, ratio
from dagster_project.lib.reference.periods import ReportingPeriod
from dagster_project.lib.text.vnformat import vi_sort_key

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


PILLARS = ("KHCN", "DMST", "CDS", "ALL")
LEVELS = ("central", "province", "commune")


def budget_snapshot(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> date | None:
    """The latest budget report of the quarter's fiscal year dated by the quarter's end."""
    rows = fetch(con, """
        select max(as_of_date) as as_of from marts.agg_budget_disbursement
        where fiscal_year = ? and as_of_date <= ?""", [period.end.year, period.end])
    return rows[0]["as_of"] if rows else None


def budget_rows(con: duckdb.DuckDBPyConnection, as_of: date | None) -> list[Row]:
    """Every budget aggregate of one snapshot (national, per level, per agency; by pillar)."""
    if as_of is None:
        return []
    return fetch(con, """
        select scope, budget_level, agency_id, pillar, total_budget, allocated_budget,
               assigned_estimate, disbursed, allocated_share_of_total,
               estimate_share_of_total, disbursement_rate, communes_reporting,
               communes_not_disbursed
        from marts.agg_budget_disbursement where as_of_date = ?
        order by scope, budget_level, agency_id, pillar""", [as_of])


def measure(row: Row | None, snapshot_exists: bool) -> Measure:
    """Disbursed over the assigned estimate; n/a without an estimate, missing without a report."""
    if not snapshot_exists:
        return Measure.missing()
    if row is None or not row["assigned_estimate"]:
        return Measure.na()
    if row["disbursed"] is None:
        return Measure.missing()
    return Measure(ratio(row["disbursed"], row["assigned_estimate"]))


def _pair(q: QuarterFigures | None, pillar: str) -> Pair | None:
    row = next((r for r in q.budget if r["scope"] == "national" and r["pillar"] == pillar),
               None) if q else None
    if row is None:
        return None
    return (float(row["disbursed"]) if row["disbursed"] is not None else None,
            row["disbursement_rate"])


def _pillar_label(c: ReportContext, pillar: str) -> str:
    return {"KHCN": c._("Khoa học, công nghệ"), "DMST": c._("Đổi mới sáng tạo"),
            "CDS": c._("Chuyển đổi số"), "ALL": c._("Cả ba trụ cột")}[pillar]


def _level_label(c: ReportContext, level: str | None) -> str:
    return {"central": c._("Trung ương"), "province": c._("Cấp tỉnh"),
            "commune": c._("Cấp xã"), None: c._("Toàn quốc")}[level]


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def budget_table(c: ReportContext) -> Table:
    """Budget by pillar and level: total, allocated, assigned estimate, disbursed, rate."""
    _ = c._
    q = c.inputs.current
    rows = []
    for r in q.budget:
        if r["scope"] not in ("national", "level"):
            continue
        rows.append({"pillar": _pillar_label(c, r["pillar"]),
                     "level": _level_label(c, r["budget_level"] if r["scope"] == "level"
                                           else None),
                     "total": _money(r["total_budget"]),
                     "allocated": _money(r["allocated_budget"]),
                     "estimate": _money(r["assigned_estimate"]),
                     "disbursed": _money(r["disbursed"]),
                     "rate": r["disbursement_rate"],
                     "_order": (PILLARS.index(r["pillar"]),
                                -1 if r["scope"] == "national"
                                else LEVELS.index(r["budget_level"]))})
    rows.sort(key=lambda row: row.pop("_order"))
    note = (_("Báo cáo giải ngân đến ngày {date}; đơn vị: tỷ đồng.",
              date=c.fmt.date(q.budget_as_of)) if q.budget_as_of
            else _("Chưa có báo cáo kinh phí của năm ngân sách trong quý này."))
    return Table("budget-pillar-level", _("Kinh phí theo trụ cột và cấp ngân sách"),
                 (Column("pillar", _("Trụ cột")), Column("level", _("Cấp")),
                  Column("total", _("Tổng kinh phí"), "number", 2),
                  Column("allocated", _("Đã phân bổ"), "number", 2),
                  Column("estimate", _("Dự toán giao"), "number", 2),
                  Column("disbursed", _("Đã giải ngân"), "number", 2),
                  Column("rate", _("Tỷ lệ giải ngân / dự toán"), "pct", 2)),
                 tuple(rows), note=note)


def budget_chart(c: ReportContext) -> Chart | None:
    """Disbursement rate by pillar, one bar per budget level."""
    q = c.inputs.current
    bars = [charts.Bar(_pillar_label(c, r["pillar"]),
                       _level_label(c, r["budget_level"] if r["scope"] == "level" else None),
                       r["disbursement_rate"], c.fmt.pct(r["disbursement_rate"]))
            for r in sorted(q.budget, key=lambda r: (
                PILLARS.index(r["pillar"]),
                -1 if r["scope"] == "national" else LEVELS.index(r["budget_level"] or "central")))
            if r["scope"] in ("national", "level") and r["pillar"] != "ALL"]
    if not bars:
        return None
    title = c._("Tỷ lệ giải ngân trên dự toán giao, theo trụ cột và cấp")
    return Chart("budget-chart", title,
                 charts.bar_chart(bars, title=title, axis_title=c._("Tỷ lệ giải ngân"),
                                  series_title=c._("Cấp")), "budget-pillar-level")


def agency_budget_table(c: ReportContext) -> Table:
    """Every body's budget by pillar (sliced onto agency pages)."""
    _ = c._
    rows = [{"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
             "pillar": _pillar_label(c, r["pillar"]),
             "total": _money(r["total_budget"]), "estimate": _money(r["assigned_estimate"]),
             "disbursed": _money(r["disbursed"]), "rate": r["disbursement_rate"]}
            for r in c.inputs.current.budget if r["scope"] == "agency"]
    rows.sort(key=lambda row: (vi_sort_key(row["agency"]), row["pillar"]))
    return Table("agency-budget", _("Kinh phí của từng cơ quan theo trụ cột"),
                 (Column("agency", _("Cơ quan")), Column("pillar", _("Trụ cột")),
                  Column("total", _("Tổng kinh phí"), "number", 2),
                  Column("estimate", _("Dự toán giao"), "number", 2),
                  Column("disbursed", _("Đã giải ngân"), "number", 2),
                  Column("rate", _("Tỷ lệ giải ngân"), "pct", 1)),
                 tuple(rows), note=_("Đơn vị: tỷ đồng."))


def headline_rows(c: ReportContext) -> list[Row]:
    """Disbursed amounts and rates nationally, all pillars then each pillar.

    A budget figure is compared only with a report of the same fiscal year.
    """
    _ = c._
    cur, prev = c.inputs.current, c.inputs.previous
    same_year = prev is not None and prev.budget_as_of is not None and \
        cur.budget_as_of is not None and prev.budget_as_of.year == cur.budget_as_of.year
    before = prev if same_year else None
    return [headline_row(label, _pair(cur, pillar), _pair(before, pillar),
                         _("tỷ lệ trên dự toán giao") if pillar == "ALL" else "",
                         card=pillar == "ALL")
            for pillar, label in (("ALL", _("Kinh phí đã giải ngân (tỷ đồng), cả ba trụ cột")),
                                  ("KHCN", _("— Khoa học, công nghệ")),
                                  ("DMST", _("— Đổi mới sáng tạo")),
                                  ("CDS", _("— Chuyển đổi số")))]
