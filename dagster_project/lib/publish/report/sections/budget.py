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
               estimate_share_of_total, disbursement_rate, communes_total,
               communes_reporting, communes_zero_disbursed, communes_no_figure,
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
                       r["disbursement_rate"], c.fmt.pct(r["disbursement_rate"], 2))
            for r in sorted(q.budget, key=lambda r: (
                PILLARS.index(r["pillar"]),
                -1 if r["scope"] == "national" else LEVELS.index(r["budget_level"] or "central")))
            if r["scope"] in ("national", "level") and r["pillar"] != "ALL"]
    if not bars:
        return None
    title = c._("Tỷ lệ giải ngân trên dự toán giao, theo trụ cột và cấp")
    return Chart("budget-chart", title,
                 charts.bar_chart(bars, title=title, axis_title=c._("Tỷ lệ giải ngân"),
                                  series_title=c._("Cấp")), "budget-pillar-level",
                 c._("Kinh phí theo trụ cột và cấp ngân sách"))


def _commune_row(q: QuarterFigures, pillar: str) -> Row | None:
    """The commune level's row for a pillar: its counts cover every commune."""
    return next((r for r in q.budget if r["scope"] == "level"
                 and r["budget_level"] == "commune" and r["pillar"] == pillar), None)


def commune_paragraphs(c: ReportContext) -> tuple[str, ...]:
    """What the report leads with for communes: how many reported, how many have nothing."""
    _ = c._
    q = c.inputs.current
    everything = _commune_row(q, "ALL")
    if everything is None or not everything["communes_reporting"]:
        return ()
    per_pillar = {p: _commune_row(q, p) or {} for p in PILLARS[:3]}
    return (_("Cấp xã: {reporting} trên {total} xã, phường, đặc khu có số liệu giải ngân; "
              "{none} xã chưa giải ngân ở cả ba trụ cột; {khcn} xã chưa giải ngân khoa học, "
              "công nghệ; {dmst} xã chưa giải ngân đổi mới sáng tạo; {cds} xã chưa giải ngân "
              "chuyển đổi số (báo số 0 hoặc chưa có số).",
              reporting=c.fmt.int(everything["communes_reporting"]),
              total=c.fmt.int(everything["communes_total"]),
              none=c.fmt.int(everything["communes_not_disbursed"]),
              khcn=c.fmt.int(per_pillar["KHCN"].get("communes_not_disbursed")),
              dmst=c.fmt.int(per_pillar["DMST"].get("communes_not_disbursed")),
              cds=c.fmt.int(per_pillar["CDS"].get("communes_not_disbursed"))),)


def commune_pillar_table(c: ReportContext) -> Table:
    """Communes by pillar: reporting, a reported 0, no figure, nothing disbursed."""
    _ = c._
    rows = [{"pillar": _pillar_label(c, pillar), "total": r["communes_total"],
             "reporting": r["communes_reporting"], "zero": r["communes_zero_disbursed"],
             "no_figure": r["communes_no_figure"], "not_disbursed": r["communes_not_disbursed"]}
            for pillar in PILLARS if (r := _commune_row(c.inputs.current, pillar))
            and r["communes_reporting"]]
    return Table("budget-communes", _("Cấp xã: số xã có số liệu và chưa giải ngân"),
                 (Column("pillar", _("Trụ cột")),
                  Column("total", _("Số xã, phường, đặc khu"), "int"),
                  Column("reporting", _("Có số liệu"), "int"),
                  Column("zero", _("Báo giải ngân 0"), "int"),
                  Column("no_figure", _("Chưa có số"), "int"),
                  Column("not_disbursed", _("Chưa giải ngân"), "int")),
                 tuple(rows),
                 note=_("Với “Cả ba trụ cột”: xã chưa giải ngân ở cả ba trụ cột."))


def commune_province_table(c: ReportContext) -> Table:
    """Each province's communes: how many reported, how many have nothing on each pillar."""
    _ = c._
    by_province: dict[str, dict[str, Any]] = {}
    for r in c.inputs.current.budget:
        if r["scope"] != "agency" or r["budget_level"] != "province" \
                or r["communes_total"] is None:
            continue
        row = by_province.setdefault(r["agency_id"], {
            "agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
            "href": c.agency_href(r["agency_id"]), "total": r["communes_total"],
            "reporting": r["communes_reporting"] or 0})
        row["none_" + r["pillar"]] = r["communes_not_disbursed"] or 0
    rows = sorted(by_province.values(), key=lambda row: vi_sort_key(row["agency"]))
    return Table("budget-communes-province", _("Cấp xã theo tỉnh, thành phố"),
                 (Column("agency", _("Tỉnh, thành phố")),
                  Column("total", _("Số xã, phường, đặc khu"), "int"),
                  Column("reporting", _("Có số liệu"), "int"),
                  Column("none_ALL", _("Chưa giải ngân cả ba trụ cột"), "int"),
                  Column("none_KHCN", _("Chưa giải ngân KHCN"), "int"),
                  Column("none_DMST", _("Chưa giải ngân ĐMST"), "int"),
                  Column("none_CDS", _("Chưa giải ngân CĐS"), "int")),
                 tuple(rows), link_key="href",
                 note=_("Số xã chưa giải ngân tính trên các xã có số liệu."))


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


def _national(q: QuarterFigures, pillar: str) -> Row | None:
    return next((r for r in q.budget if r["scope"] == "national" and r["pillar"] == pillar),
                None)


def headline_rows(c: ReportContext) -> list[Row]:
    """Disbursed amounts and rates nationally, all pillars then each pillar.

    Amounts in tỷ đồng with one decimal and rates of the assigned estimate with two, as the
    report gives them (76,5 tỷ; 23,35%; 12,29%). A budget figure is compared only with a
    report of the same fiscal year.
    """
    _ = c._
    cur = c.inputs.current
    year = cur.budget_as_of.year if cur.budget_as_of is not None else None

    def same_year(q: QuarterFigures) -> bool:
        return year is not None and q.budget_as_of is not None and q.budget_as_of.year == year

    rows = []
    for pillar, label in (("ALL", _("Kinh phí đã giải ngân, cả ba trụ cột")),
                          ("KHCN", _("— Khoa học, công nghệ")),
                          ("DMST", _("— Đổi mới sáng tạo")),
                          ("CDS", _("— Chuyển đổi số"))):
        national = _national(cur, pillar) or {}
        estimate = _money(national.get("assigned_estimate"))
        rows.append(headline_row(
            c, label, lambda q, pillar=pillar: _pair(q, pillar),
            basis=(_("tỷ lệ trên dự toán giao {amount} tỷ đồng",
                     amount=c.fmt.number(estimate, 1)) if estimate is not None else ""),
            unit=_("tỷ đồng"), base=estimate, card=pillar == "ALL", rate_digits=2,
            count_digits=1, comparable=same_year))
    return rows
