"""Tasks: counts and rates per body, the overdue list by name, the two task measures.

Reads ``agg_task_completion`` (one row per scope and quarter) and, for the overdue list,
``fct_task_quarter_status`` joined to ``fct_task``: rõ người, rõ việc, rõ thời gian. Agency
pages list their overdue tasks from ``fct_task_agency_quarter_status``, the rows their counts
are made of, so a group-assigned or co-led task a body counts is also a task it lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Column, Table
from dagster_project.lib.publish.report.query import Row, fetch, ratio
from dagster_project.lib.reference.periods import ReportingPeriod
from dagster_project.lib.text.vnformat import vi_sort_key

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures


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


def agency_overdue_tasks(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Each body's overdue tasks as it counts them: named, co-led and group-assigned ones.

    The rows are those of ``fct_task_agency_quarter_status`` that ``agg_task_completion``
    counts as overdue for the body, with the lead group when the task reaches the body through a
    group, so that the list on a body's page matches its overdue count.
    """
    return fetch(con, """
        select status.agency_id, status.task_id, status.is_primary_lead,
               status.via_group_id, task.task_name, task.deadline_text, task.due_date,
               task.expected_product, task.source_document,
               date_diff('day', task.due_date, ?) as days_overdue
        from marts.fct_task_agency_quarter_status as status
        inner join marts.fct_task as task on task.task_id = status.task_id
        where status.period_key = ? and status.status = 'overdue'
        order by status.agency_id, task.due_date nulls last, status.task_id""",
                 [period.as_of_date, period.key])


def agency_task_list(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Every task each body answers for in the quarter, with the status it is counted under.

    The rows ``agg_task_completion`` counts for the body, one per task, so that every count
    on a body's page (assigned, recurring, with a deadline, done, late, in progress,
    overdue, without evidence) is the number of rows of its list with that status.
    """
    return fetch(con, """
        with task as (
            select task_id, task_name, deadline_text, expected_product
            from marts.fct_task
            qualify row_number() over (partition by task_id order by lead_agency_id) = 1
        )
        select status.agency_id, status.task_id, status.is_primary_lead,
               status.via_group_id, status.status, status.has_evidence, status.due_date,
               task.task_name, task.deadline_text, task.expected_product
        from marts.fct_task_agency_quarter_status as status
        inner join task on task.task_id = status.task_id
        where status.period_key = ?
        order by status.agency_id, status.due_date nulls last, status.task_id""",
                 [period.key])


def measures(row: Row | None) -> dict[str, Measure]:
    """Completion and overdue rates over the tasks with a deadline (n/a without any)."""
    if row is None or not row["tasks_with_deadline"]:
        return {"task_completion_rate": Measure.na(), "task_overdue_rate": Measure.na()}
    return {
        "task_completion_rate": Measure(ratio(row["tasks_done"], row["tasks_with_deadline"])),
        "task_overdue_rate": Measure(ratio(row["tasks_overdue"], row["tasks_with_deadline"])),
    }


def _pair(q: QuarterFigures | None, key: str, rate: str | None) -> Pair | None:
    row = q.tasks.get("national") if q else None
    if row is None:
        return None
    return row[key], (row[rate] if rate else None)


def agency_tasks_table(c: ReportContext) -> Table:
    """Every body's task counts in the quarter."""
    _ = c._
    rows = []
    for key, r in c.inputs.current.tasks.items():
        if key == "national":
            continue
        rows.append({"agency_id": key, "agency": c.name(key),
                     "assigned": r["tasks_assigned"], "recurring": r["tasks_recurring"],
                     "with_deadline": r["tasks_with_deadline"], "done": r["tasks_done"],
                     "done_late": r["tasks_done_late"], "in_progress": r["tasks_in_progress"],
                     "overdue": r["tasks_overdue"],
                     "without_evidence": r["tasks_done_without_evidence"],
                     "completion": r["completion_rate"]})
    rows.sort(key=lambda row: vi_sort_key(row["agency"]))
    return Table("agency-tasks", _("Nhiệm vụ của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("assigned", _("Được giao"), "int"),
                  Column("recurring", _("Thường xuyên"), "int"),
                  Column("with_deadline", _("Có thời hạn"), "int"),
                  Column("done", _("Đã hoàn thành"), "int"),
                  Column("done_late", _("trong đó trễ hạn"), "int"),
                  Column("in_progress", _("Đang thực hiện trong hạn"), "int"),
                  Column("overdue", _("Quá hạn"), "int"),
                  Column("without_evidence", _("Hoàn thành chưa có minh chứng"), "int"),
                  Column("completion", _("Tỷ lệ hoàn thành"), "pct", 1)),
                 tuple(rows))


def overdue_table(c: ReportContext) -> Table:
    """Every overdue task by name, deadline and product: rõ người, rõ việc, rõ thời gian."""
    _ = c._
    rows = [{"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
             "task_id": r["task_id"], "task": r["task_name"], "deadline": r["deadline_text"],
             "due_date": r["due_date"], "product": r["expected_product"],
             "days_overdue": r["days_overdue"], "source": r["source_document"]}
            for r in c.inputs.current.overdue]
    rows.sort(key=_by_agency_then_due)
    return Table("overdue-tasks", _("Nhiệm vụ quá hạn"),
                 (Column("agency", _("Cơ quan chủ trì")), Column("task_id", _("Mã")),
                  *_overdue_columns(c)),
                 tuple(rows),
                 note=_("Tính đến ngày {date}.", date=c.fmt.date(c.inputs.current.period
                                                                 .as_of_date)))


def _by_agency_then_due(row: dict[str, Any]) -> tuple[Any, ...]:
    """Overdue rows by body (Vietnamese order), then earliest due date, undated last."""
    return (vi_sort_key(row["agency"]), row["due_date"] is None,
            row["due_date"] or datetime.min.date(), row["task_id"])


def _overdue_columns(c: ReportContext) -> tuple[Column, ...]:
    """The columns every overdue list ends with: the task, its deadline, product, source."""
    _ = c._
    return (Column("task", c.source_label(_("Nhiệm vụ")), source_text=True),
            Column("deadline", c.source_label(_("Thời hạn (văn bản)")), source_text=True),
            Column("due_date", _("Hạn"), "date"),
            Column("product", c.source_label(_("Sản phẩm dự kiến")), source_text=True),
            Column("days_overdue", _("Số ngày quá hạn"), "int"),
            Column("source", c.source_label(_("Văn bản giao")), source_text=True))


def _assignment(c: ReportContext, row: Row) -> str:
    """How the task is the body's: primary lead, co-lead, or through a group (marked)."""
    _ = c._
    if row["via_group_id"]:
        return _("Giao chung: {group}", group=c.name(row["via_group_id"]))
    return _("Chủ trì") if row["is_primary_lead"] else _("Đồng chủ trì")


def agency_overdue_table(c: ReportContext) -> Table:
    """Every body's overdue tasks, group-assigned and co-led ones marked as such."""
    _ = c._
    rows = [{"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
             "task_id": r["task_id"], "assignment": _assignment(c, r),
             "task": r["task_name"], "deadline": r["deadline_text"], "due_date": r["due_date"],
             "product": r["expected_product"], "days_overdue": r["days_overdue"],
             "source": r["source_document"]}
            for r in c.inputs.current.agency_overdue]
    rows.sort(key=_by_agency_then_due)
    return Table("agency-overdue-tasks", _("Nhiệm vụ quá hạn của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("task_id", _("Mã")),
                  Column("assignment", _("Giao cho cơ quan")),
                  *_overdue_columns(c)),
                 tuple(rows),
                 note=_("Tính đến ngày {date}. Nhiệm vụ giao chung cho một nhóm cơ quan được "
                        "tính và liệt kê cho từng cơ quan thành viên.",
                        date=c.fmt.date(c.inputs.current.period.as_of_date)))


def _status_label(c: ReportContext, status: str) -> str:
    _ = c._
    return {"done_on_time": _("Hoàn thành đúng hạn"), "done_late": _("Hoàn thành trễ hạn"),
            "in_progress": _("Đang thực hiện trong hạn"), "overdue": _("Quá hạn"),
            "recurring": _("Thường xuyên")}.get(status, status)


def agency_task_list_table(c: ReportContext) -> Table:
    """Every body's tasks with their status: the rows its task counts are made of."""
    _ = c._
    rows = []
    for r in c.inputs.current.agency_tasks:
        done = r["status"] in ("done_on_time", "done_late")
        rows.append({"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
                     "task_id": r["task_id"], "task": r["task_name"],
                     "assignment": _assignment(c, r),
                     "status": _status_label(c, r["status"]),
                     "deadline": r["deadline_text"], "due_date": r["due_date"],
                     "evidence": (None if not done or r["has_evidence"] is None
                                  else _("Có") if r["has_evidence"] else _("Chưa có"))})
    return Table("agency-task-list", _("Danh sách nhiệm vụ của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("task_id", _("Mã")),
                  Column("task", c.source_label(_("Nhiệm vụ")), source_text=True),
                  Column("assignment", _("Giao cho cơ quan")),
                  Column("status", _("Trạng thái")),
                  Column("deadline", c.source_label(_("Thời hạn (văn bản)")), source_text=True),
                  Column("due_date", _("Hạn"), "date"),
                  Column("evidence", _("Minh chứng"))),
                 tuple(rows),
                 note=_("Mỗi nhiệm vụ cơ quan được giao (chủ trì, đồng chủ trì hoặc giao chung "
                        "cho một nhóm) là một dòng; các số đếm ở bảng nhiệm vụ là số dòng của "
                        "danh sách này theo trạng thái."),
                 screen_only=True)


def headline_rows(c: ReportContext) -> list[Row]:
    """Tasks assigned, done, in progress and overdue, nationally, over tasks with a deadline."""
    _ = c._
    national = c.inputs.current.tasks.get("national") or {}
    with_deadline = national.get("tasks_with_deadline")
    unit = _("nhiệm vụ")
    over_deadline = _("trên {n} nhiệm vụ có thời hạn", n=c.fmt.int(with_deadline))
    return [
        headline_row(c, _("Nhiệm vụ được giao"),
                     lambda q: _pair(q, "tasks_assigned", None),
                     basis=_("gồm {n} nhiệm vụ thường xuyên",
                             n=c.fmt.int(national.get("tasks_recurring"))),
                     unit=unit, better=None),
        headline_row(c, _("Nhiệm vụ có thời hạn đã hoàn thành"),
                     lambda q: _pair(q, "tasks_done", "completion_rate"),
                     basis=over_deadline, unit=unit, base=with_deadline, card=True),
        headline_row(c, _("Đang thực hiện trong hạn"),
                     lambda q: _pair(q, "tasks_in_progress", "in_progress_rate"),
                     basis=over_deadline, unit=unit, base=with_deadline, better=None),
        headline_row(c, _("Nhiệm vụ quá hạn"),
                     lambda q: _pair(q, "tasks_overdue", "overdue_rate"),
                     basis=over_deadline, unit=unit, base=with_deadline, card=True,
                     better="down"),
    ]
