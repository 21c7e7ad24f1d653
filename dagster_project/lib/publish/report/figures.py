"""The scorecard's figures for one quarter, read from the marts and nothing else.

Every function takes a DuckDB connection on which ``marts.<table>`` can be read (an audited
staging warehouse, or a release's Parquet snapshot opened with :func:`open_release_marts`)
and a :class:`~dagster_project.lib.reference.periods.ReportingPeriod`. Snapshot sources (budget,
databases, feedback) are taken as of the quarter: the latest snapshot dated on or before the
quarter's last day. Values are returned raw (ratios 0..1, amounts in tỷ đồng, None for
missing); formatting belongs to the writers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.lib.publish.report.method import Body, Measure
from dagster_project.lib.quality.quality_annex import load_agency_reporting
from dagster_project.lib.reference.periods import ReportingPeriod, previous_period

Row = dict[str, Any]


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """Run a query and return its rows as dicts, strings NFC-normalised."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [{n: _nfc(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def open_release_marts(marts_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with a ``marts`` view over each Parquet file of a release."""
    con = duckdb.connect()
    con.execute("create schema marts")
    for parquet in sorted(marts_dir.glob("*.parquet")):
        con.execute(f"create view marts.{parquet.stem} as "
                    f"select * from read_parquet('{parquet.as_posix()}')")
    return con


def load_period(con: duckdb.DuckDBPyConnection, period_key: str) -> ReportingPeriod | None:
    """The quarter's dates, None when the marts have no task figures for it."""
    rows = fetch(con, """
        select period_key, period_start, period_end, as_of_date
        from marts.agg_task_completion where scope = 'national' and period_key = ?""",
                 [period_key])
    return ReportingPeriod(rows[0]["period_key"], rows[0]["period_start"], rows[0]["period_end"],
                  rows[0]["as_of_date"]) if rows else None


def load_previous(con: duckdb.DuckDBPyConnection,
                  period: ReportingPeriod) -> ReportingPeriod | None:
    """The quarter before, when the marts have it."""
    return load_period(con, previous_period(period.key))


def reporting_bodies(con: duckdb.DuckDBPyConnection) -> list[Body]:
    """The current reporting bodies (ministries, central bodies, provinces)."""
    rows = fetch(con, """
        select agency_id, any_value(name_vi) as name_vi, any_value(name_en) as name_en,
               any_value(kind) as kind
        from marts.dim_agency where is_current and is_reporting_body
        group by agency_id order by agency_id""")
    return [Body(r["agency_id"], r["name_vi"], r["name_en"] or "", r["kind"]) for r in rows]


def agency_names(con: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    """Name, short name, English name and kind of every agency id, current version first."""
    rows = fetch(con, """
        select agency_id, name_vi, short_name_vi, name_en, kind
        from marts.dim_agency
        qualify row_number() over (
            partition by agency_id order by is_current desc, valid_from desc nulls last) = 1""")
    return {r["agency_id"]: r for r in rows}


# --------------------------------------------------------------------------- tasks

def task_figures(con: duckdb.DuckDBPyConnection, period_key: str) -> dict[str, Row]:
    """Task counts and rates per scope: ``{"national": row, "<agency_id>": row, …}``."""
    rows = fetch(con, """
        select coalesce(agency_id, 'national') as key, *
        from marts.agg_task_completion where period_key = ?""", [period_key])
    return {r["key"]: r for r in rows}


def overdue_tasks(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Overdue tasks of the quarter with lead agency, deadline, product and days overdue."""
    return fetch(con, """
        with status as (
            select distinct task_id, lead_current_agency_id
            from marts.fct_task_quarter_status where period_key = ? and status = 'overdue'
        ),
        task as (
            select task_id, task_name, deadline_text, due_date, expected_product,
                   source_document
            from marts.fct_task
            qualify row_number() over (partition by task_id order by lead_agency_id) = 1
        )
        select status.lead_current_agency_id as agency_id, status.task_id, task.task_name,
               task.deadline_text, task.due_date, task.expected_product,
               task.source_document, date_diff('day', task.due_date, ?) as days_overdue
        from status left join task using (task_id)
        order by agency_id, task.due_date nulls last, status.task_id""",
                 [period.key, period.as_of_date])


# --------------------------------------------------------------------------- budget

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


# --------------------------------------------------------------------------- databases

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


# --------------------------------------------------------------------------- public services

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


# --------------------------------------------------------------------------- other marts

def feedback_national(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> Row | None:
    """The feedback system's national figures as of the quarter."""
    rows = fetch(con, """
        select * from marts.agg_feedback_handling
        where scope = 'national' and as_of_date <= ?
        order by as_of_date desc limit 1""", [period.end])
    return rows[0] if rows else None


def agency_reporting(con: duckdb.DuckDBPyConnection, period_key: str) -> dict[str, Row]:
    """Reporting record of each body in the quarter (timeliness, rows loaded, rejections)."""
    return {r["agency_id"]: r for r in load_agency_reporting(con, period_key)}


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


# --------------------------------------------------------------------------- measures

def _ratio(numerator: Any, base: Any) -> float | None:
    return float(numerator) / float(base) if base else None


def _task_measures(row: Row | None) -> dict[str, Measure]:
    if row is None or not row["tasks_with_deadline"]:
        return {"task_completion_rate": Measure.na(), "task_overdue_rate": Measure.na()}
    return {
        "task_completion_rate": Measure(_ratio(row["tasks_done"], row["tasks_with_deadline"])),
        "task_overdue_rate": Measure(_ratio(row["tasks_overdue"], row["tasks_with_deadline"])),
    }


def _budget_measure(row: Row | None, snapshot_exists: bool) -> Measure:
    if not snapshot_exists:
        return Measure.missing()
    if row is None or not row["assigned_estimate"]:
        return Measure.na()
    if row["disbursed"] is None:
        return Measure.missing()
    return Measure(_ratio(row["disbursed"], row["assigned_estimate"]))


def _csdl_measure(owned: Sequence[Row], is_owner: bool, snapshot_exists: bool) -> Measure:
    if not is_owner:
        return Measure.na()
    if not snapshot_exists or not owned:
        return Measure.missing()
    return Measure(sum(1 for r in owned if r["is_connected"]) / len(owned))


def _public_service_measure(row: Row | None, reports_services: bool) -> Measure:
    if not reports_services:
        return Measure.na()
    rates = [row[f"{r}_rate"] for r in SCORED_RATES] if row else []
    rates = [r for r in rates if r is not None]
    return Measure(sum(rates) / len(rates)) if rates else Measure.missing()


def _reporting_measures(row: Row | None) -> dict[str, Measure]:
    if row is None or not row["months_expected"]:
        return {"reporting_on_time_rate": Measure.na(), "data_row_completeness": Measure.na()}
    quality = (Measure(_ratio(row["rows_loaded"], row["rows_read"])) if row["rows_read"]
               else Measure.missing())
    return {"reporting_on_time_rate": Measure(_ratio(row["months_on_time"],
                                                     row["months_expected"])),
            "data_row_completeness": quality}


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """Everything the scorecard reads for one quarter, fetched once."""

    period: ReportingPeriod
    tasks: Mapping[str, Row]
    overdue: Sequence[Row]
    budget_as_of: date | None
    budget: Sequence[Row]
    csdl_as_of: date | None
    csdl: Sequence[Row]
    csdl_owners: frozenset[str]
    public_services: Mapping[str, Row]
    public_service_agencies: frozenset[str]
    public_service_levels: Sequence[Row]
    feedback: Row | None
    reporting: Mapping[str, Row]
    indicators: Sequence[Row]

    def budget_of(self, agency_id: str, pillar: str = "ALL") -> Row | None:
        """An agency's budget row for a pillar (``ALL`` = the three pillars together)."""
        return next((r for r in self.budget if r["scope"] == "agency"
                     and r["agency_id"] == agency_id and r["pillar"] == pillar), None)

    def csdl_of(self, agency_id: str) -> list[Row]:
        """The databases an agency owns, in the snapshot."""
        return [r for r in self.csdl if r["owner_current_agency_id"] == agency_id]

    def measures(self, agency_id: str) -> dict[str, Measure]:
        """Every measure of the method for one body."""
        return {
            **_task_measures(self.tasks.get(agency_id)),
            "budget_disbursement_rate": _budget_measure(self.budget_of(agency_id),
                                                        self.budget_as_of is not None),
            "csdl_connected_rate": _csdl_measure(self.csdl_of(agency_id),
                                                 agency_id in self.csdl_owners,
                                                 self.csdl_as_of is not None),
            "public_service_rate": _public_service_measure(
                self.public_services.get(agency_id), agency_id in self.public_service_agencies),
            **_reporting_measures(self.reporting.get(agency_id)),
        }


def load_quarter(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> QuarterFigures:
    """Fetch every figure of the quarter."""
    budget_as_of = budget_snapshot(con, period)
    csdl_as_of = csdl_snapshot(con, period)
    return QuarterFigures(
        period=period,
        tasks=task_figures(con, period.key),
        overdue=overdue_tasks(con, period),
        budget_as_of=budget_as_of,
        budget=budget_rows(con, budget_as_of),
        csdl_as_of=csdl_as_of,
        csdl=csdl_rows(con, csdl_as_of),
        csdl_owners=frozenset(csdl_owners(con)),
        public_services=public_service_quarter(con, period),
        public_service_agencies=frozenset(public_service_agencies(con)),
        public_service_levels=public_service_levels(con, period),
        feedback=feedback_national(con, period),
        reporting=agency_reporting(con, period.key),
        indicators=indicators(con, period),
    )
