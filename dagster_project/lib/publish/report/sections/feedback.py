"""Citizens' feedback and petitions (phản ánh, kiến nghị): the national handling figures.

Reads ``agg_feedback_handling`` as of the quarter (the latest snapshot dated on or before its
last day); it feeds one headline row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.query import Row, fetch
from dagster_project.lib.reference.periods import ReportingPeriod

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


def feedback_national(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> Row | None:
    """The feedback system's national figures as of the quarter."""
    rows = fetch(con, """
        select * from marts.agg_feedback_handling
        where scope = 'national' and as_of_date <= ?
        order by as_of_date desc limit 1""", [period.end])
    return rows[0] if rows else None


def _pair(q: QuarterFigures | None) -> Pair | None:
    row = q.feedback if q else None
    return None if row is None else (row["items_handled"], row["handled_rate"])


def headline_rows(c: ReportContext) -> list[Row]:
    """Feedback items handled, nationally, over the items received."""
    _ = c._
    row = c.inputs.current.feedback or {}
    received = row.get("items_received")
    return [headline_row(c, _("Phản ánh, kiến nghị đã xử lý"), _pair,
                         basis=(_("trên {n} phản ánh, kiến nghị đã tiếp nhận",
                                  n=c.fmt.int(received)) if received is not None else ""),
                         unit=_("phản ánh, kiến nghị"), base=received, card=True)]
