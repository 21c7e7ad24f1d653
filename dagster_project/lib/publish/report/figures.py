"""The scorecard's figures for one quarter, read from the marts and nothing else.

:func:`load_quarter` asks each subject module under
:mod:`~dagster_project.lib.publish.report.sections` for its figures and keeps them in one
:class:`QuarterFigures`, fetched once per quarter; :meth:`QuarterFigures.measures` gives a
body's measures for the method, each from the subject module that owns it. Snapshot sources
(budget, databases, feedback) are taken as of the quarter: the latest snapshot dated on or
before the quarter's last day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from dagster_project.lib.publish.report.method import Body, Measure
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.publish.report.sections import (
    budget,
    csdl,
    feedback,
    indicators,
    public_services,
    reporting,
    tasks,
)
from dagster_project.lib.reference.periods import ReportingPeriod, previous_period


def load_period(con: duckdb.DuckDBPyConnection, period_key: str) -> ReportingPeriod | None:
    """The quarter's dates, None when the marts have no task figures for it."""
    rows = fetch(con, """
        select period_key, period_start, period_end, as_of_date
        from marts.agg_task_completion where scope = 'national' and period_key = ?""",
                 [period_key])
    if not rows:
        return None
    row = rows[0]
    return ReportingPeriod(row["period_key"], row["period_start"], row["period_end"],
                           row["as_of_date"])


def published_periods(con: duckdb.DuckDBPyConnection,
                      period: ReportingPeriod) -> list[ReportingPeriod]:
    """Every quarter the marts have task figures for, up to ``period``, oldest first."""
    keys = [r["period_key"] for r in fetch(con, """
        select distinct period_key from marts.agg_task_completion
        where scope = 'national' and period_end <= ? order by period_key""", [period.end])]
    return [p for key in keys if (p := load_period(con, key)) is not None]


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


@dataclass(frozen=True, slots=True)
class QuarterFigures:
    """Everything the scorecard reads for one quarter, fetched once."""

    period: ReportingPeriod
    tasks: Mapping[str, Row]
    overdue: Sequence[Row]
    agency_overdue: Sequence[Row]
    agency_tasks: Sequence[Row]
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
    report_months: Sequence[Row] = ()
    """Each body's months due in the quarter, received or not: what its month counts count."""
    problem_files: Sequence[Row] = ()
    """Each body's files of the quarter that were rejected or had rows quarantined."""

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
            **tasks.measures(self.tasks.get(agency_id)),
            "budget_disbursement_rate": budget.measure(self.budget_of(agency_id),
                                                       self.budget_as_of is not None),
            "csdl_connected_rate": csdl.measure(self.csdl_of(agency_id),
                                                agency_id in self.csdl_owners,
                                                self.csdl_as_of is not None),
            "public_service_rate": public_services.measure(
                self.public_services.get(agency_id), agency_id in self.public_service_agencies),
            **reporting.measures(self.reporting.get(agency_id)),
        }


def load_quarter(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> QuarterFigures:
    """Fetch every figure of the quarter."""
    budget_as_of = budget.budget_snapshot(con, period)
    csdl_as_of = csdl.csdl_snapshot(con, period)
    return QuarterFigures(
        period=period,
        tasks=tasks.task_figures(con, period.key),
        overdue=tasks.overdue_tasks(con, period),
        agency_overdue=tasks.agency_overdue_tasks(con, period),
        agency_tasks=tasks.agency_task_list(con, period),
        budget_as_of=budget_as_of,
        budget=budget.budget_rows(con, budget_as_of),
        csdl_as_of=csdl_as_of,
        csdl=csdl.csdl_rows(con, csdl_as_of),
        csdl_owners=frozenset(csdl.csdl_owners(con)),
        public_services=public_services.public_service_quarter(con, period),
        public_service_agencies=frozenset(public_services.public_service_agencies(con)),
        public_service_levels=public_services.public_service_levels(con, period),
        feedback=feedback.feedback_national(con, period),
        reporting=reporting.agency_reporting(con, period.key),
        indicators=indicators.indicators(con, period),
        report_months=reporting.report_months(con, period),
        problem_files=reporting.problem_files(con, period),
    )
