"""National and sectoral databases (CSDL): readiness per programme and per database.

Reads ``fct_csdl_readiness`` as of the quarter (the latest report dated on or before its last
day); the connected-rate measure applies only to the agencies that own a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Column, Table
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.reference.periods import ReportingPeriod

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


PROGRAMS = ("plan_02", "resolution_11")


def csdl_snapshot(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> date | None:
    """The latest database readiness report dated by the quarter's end."""
    rows = fetch(con, "select max(as_of_date) as as_of from marts.fct_csdl_readiness "
                      "where as_of_date <= ?", [period.end])
    return rows[0]["as_of"] if rows else None


def csdl_rows(con: duckdb.DuckDBPyConnection, as_of: date | None) -> list[Row]:
    """One row per database in the snapshot, with its owner and the readiness criteria."""
    if as_of is None:
        return []
    return fetch(con, """
        select database_id, database_name, program_code, owner_current_agency_id,
               criteria_met, criteria_total, meets_all_criteria, is_reconciled, is_synced,
               is_connected, is_reported
        from marts.fct_csdl_readiness where as_of_date = ?
        order by program_code, owner_current_agency_id, database_name""", [as_of])


def csdl_owners(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every agency that owns a database in any snapshot (the component applies to them)."""
    return {r["owner_current_agency_id"] for r in fetch(
        con, "select distinct owner_current_agency_id from marts.fct_csdl_readiness "
             "where owner_current_agency_id is not null")}


def measure(owned: Sequence[Row], is_owner: bool, snapshot_exists: bool) -> Measure:
    """Share of an owner's databases that are connected (n/a for a non-owner)."""
    if not is_owner:
        return Measure.na()
    if not snapshot_exists or not owned:
        return Measure.missing()
    return Measure(sum(1 for r in owned if r["is_connected"]) / len(owned))


def _pair(q: QuarterFigures | None, program: str) -> Pair | None:
    rows = [r for r in q.csdl if r["program_code"] == program] if q else []
    if not rows:
        return None
    connected = sum(1 for r in rows if r["is_connected"])
    return connected, connected / len(rows)


def _program_label(c: ReportContext, program: str) -> str:
    return {"plan_02": c._("Kế hoạch 02-KH/BCĐTW"),
            "resolution_11": c._("Nghị quyết 11/NQ-CP")}.get(program, program)


def csdl_summary_table(c: ReportContext) -> Table:
    """Databases per programme: reported, meeting all 19 criteria, connected."""
    _ = c._
    rows = []
    for program in PROGRAMS:
        dbs = [r for r in c.inputs.current.csdl if r["program_code"] == program]
        if not dbs:
            continue
        rows.append({"program": _program_label(c, program), "total": len(dbs),
                     "all_criteria": sum(1 for r in dbs if r["meets_all_criteria"]),
                     "connected": sum(1 for r in dbs if r["is_connected"]),
                     "connected_rate": sum(1 for r in dbs if r["is_connected"]) / len(dbs),
                     "not_reported": sum(1 for r in dbs if not r["is_reported"])})
    q = c.inputs.current
    return Table("csdl-summary", _("Cơ sở dữ liệu quốc gia, chuyên ngành"),
                 (Column("program", _("Chương trình")), Column("total", _("Số CSDL"), "int"),
                  Column("all_criteria", _("Đạt đủ 19 tiêu chí"), "int"),
                  Column("connected", _("Đã kết nối, đối soát, đồng bộ"), "int"),
                  Column("connected_rate", _("Tỷ lệ kết nối"), "pct", 1),
                  Column("not_reported", _("Chưa báo cáo"), "int")),
                 tuple(rows),
                 note=(_("Số liệu đến ngày {date}.", date=c.fmt.date(q.csdl_as_of))
                       if q.csdl_as_of else _("Chưa có báo cáo cơ sở dữ liệu trong quý này.")))


def csdl_matrix(c: ReportContext) -> Table:
    """Readiness matrix: one row per database, one column per readiness criterion."""
    _ = c._
    rows = []
    for r in c.inputs.current.csdl:
        met, total = r["criteria_met"], r["criteria_total"]
        rows.append({
            "agency_id": r["owner_current_agency_id"],
            "database": r["database_name"], "program": _program_label(c, r["program_code"]),
            "agency": c.name(r["owner_current_agency_id"]),
            "criteria": f"{met}/{total}" if met is not None and total else None,
            "all_criteria": c.yes_no(r["meets_all_criteria"]),
            "reconciled": c.yes_no(r["is_reconciled"]), "synced": c.yes_no(r["is_synced"]),
            "connected": c.yes_no(r["is_connected"]), "reported": c.yes_no(r["is_reported"]),
        })
    return Table("csdl-matrix", _("Ma trận sẵn sàng của cơ sở dữ liệu"),
                 (Column("database", c.source_label(_("Cơ sở dữ liệu")),
                         source_text=True), Column("program", _("Chương trình")),
                  Column("agency", _("Cơ quan chủ quản")),
                  Column("criteria", _("Tiêu chí đạt")),
                  Column("all_criteria", _("Đạt 19/19"), "status"),
                  Column("reconciled", _("Đối soát với CSDL dân cư"), "status"),
                  Column("synced", _("Đồng bộ về Trung tâm dữ liệu quốc gia"), "status"),
                  Column("connected", _("Đã kết nối"), "status"),
                  Column("reported", _("Có báo cáo"), "status")),
                 tuple(rows))


def headline_rows(c: ReportContext) -> list[Row]:
    """Databases connected and synchronised, per programme.

    Shown as a count of the programme's databases (8/12), the way the report states it.
    """
    _ = c._
    cur = c.inputs.current
    rows = []
    for program, label in (("plan_02", _("CSDL theo Kế hoạch 02 đã kết nối, đồng bộ")),
                           ("resolution_11", _("CSDL theo Nghị quyết 11 đã kết nối, đồng bộ"))):
        total = len([r for r in cur.csdl if r["program_code"] == program])
        row = headline_row(c, label, lambda q, program=program: _pair(q, program),
                           basis=_("trên {n} cơ sở dữ liệu", n=c.fmt.int(total)) if total
                           else "", unit=_("cơ sở dữ liệu"), base=total or None,
                           card=program == "plan_02")
        rows.append({**row, "card_style": "ratio"})
    return rows
