"""Reporting and data quality: each body's months on time, files rejected, rows loaded.

Reads ``agg_agency_reporting`` through the quality annex's loader, so the scorecard and the
annex count the same months; gives the on-time and row-completeness measures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import duckdb

from dagster_project.lib.publish.report.context import Pair, ReportContext, headline_row
from dagster_project.lib.publish.report.method import Measure
from dagster_project.lib.publish.report.model import Column, Table
from dagster_project.lib.publish.report.query import Row, fetch, ratio
from dagster_project.lib.quality.quality_annex import load_agency_reporting
from dagster_project.lib.text.vnformat import vi_sort_key

if TYPE_CHECKING:
    from dagster_project.lib.publish.report.figures import QuarterFigures
    from dagster_project.lib.reference.periods import ReportingPeriod


def agency_reporting(con: duckdb.DuckDBPyConnection, period_key: str) -> dict[str, Row]:
    """Reporting record of each body in the quarter (timeliness, rows loaded, rejections)."""
    return {r["agency_id"]: r for r in load_agency_reporting(con, period_key)}


def report_months(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Each body's months due in the quarter and what arrived for each: its month counts' rows.

    Follows ``agg_agency_reporting`` month by month: a month is due when some body sent a
    progress report for it and the body existed on its last day; it is on time when any of
    its files came before the 25th of the following month, untimed when none has a time.
    """
    return fetch(con, """
        with sent as (
            select reporting_agency_id as agency_id, reporting_month,
                   count(submitted_at) as files_with_time,
                   count(case when is_on_time then 1 end) as files_on_time,
                   max(submitted_at) as last_submitted_at
            from marts.fct_submission
            where source_name = 'progress_report' and reporting_agency_id is not null
              and reporting_month is not null
            group by reporting_agency_id, reporting_month),
        months as (
            select distinct reporting_month,
                   cast(reporting_month + interval 1 month - interval 1 day as date) as month_end
            from sent where reporting_month between ? and ?),
        bodies as (
            select agency_id, valid_from, valid_to from marts.dim_agency
            where agency_id in (select agency_id from marts.agg_agency_reporting
                                where period_key = ?))
        select bodies.agency_id, months.reporting_month,
               cast(months.reporting_month + interval 1 month + interval 24 day as date)
                   as due_date,
               sent.agency_id is not null as is_received,
               coalesce(sent.files_with_time > 0, false) as has_time,
               coalesce(sent.files_on_time > 0, false) as is_on_time,
               sent.last_submitted_at
        from months
        inner join bodies
            on (bodies.valid_from is null or months.month_end >= bodies.valid_from)
           and (bodies.valid_to is null or months.month_end <= bodies.valid_to)
        left join sent
            on sent.agency_id = bodies.agency_id
           and sent.reporting_month = months.reporting_month
        order by bodies.agency_id, months.reporting_month""",
                 [period.start, period.end, period.key])


def problem_files(con: duckdb.DuckDBPyConnection, period: ReportingPeriod) -> list[Row]:
    """Each body's files of the quarter that were rejected or had rows quarantined.

    The files ``agg_agency_reporting`` counts (every file of a month of the quarter,
    superseded ones included), with the messages of the problems found in each.
    """
    return fetch(con, """
        with problems as (
            select file_sha256,
                   list(distinct message_vi order by message_vi)
                       filter (where severity = 'error') as errors_vi,
                   list(distinct message_en order by message_en)
                       filter (where severity = 'error') as errors_en
            from marts.fct_submission_problem
            group by file_sha256)
        select submissions.reporting_agency_id as agency_id, submissions.file_name,
               submissions.reporting_month, submissions.received_at,
               not submissions.is_accepted as is_rejected,
               coalesce(submissions.rows_quarantined, 0) as rows_quarantined,
               problems.errors_vi, problems.errors_en
        from marts.fct_submission as submissions
        left join problems on problems.file_sha256 = submissions.file_sha256
        where submissions.reporting_agency_id is not null
          and submissions.reporting_month between ? and ?
          and (not submissions.is_accepted or submissions.rows_quarantined > 0)
        order by agency_id, submissions.reporting_month, submissions.file_name""",
                 [period.start, period.end])


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


def _month_status(c: ReportContext, r: Row) -> str:
    _ = c._
    if not r["is_received"]:
        return _("Chưa nộp")
    if not r["has_time"]:
        return _("Đã nhận, không rõ thời điểm gửi")
    return _("Đúng hạn") if r["is_on_time"] else _("Trễ hạn")


def _vietnam_date(value: datetime | None) -> date | None:
    """The day in Viet Nam (UTC+7) of a time the archive keeps in UTC."""
    return (value + timedelta(hours=7)).date() if value is not None else None


def agency_report_months_table(c: ReportContext) -> Table:
    """Each body's months due, with what arrived: the rows of its month counts."""
    _ = c._
    rows = tuple({"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
                  "month": _("Tháng {month}", month=c.fmt.month(r["reporting_month"])),
                  "status": _month_status(c, r), "due_date": r["due_date"],
                  "sent": _vietnam_date(r["last_submitted_at"])}
                 for r in c.inputs.current.report_months)
    return Table("agency-report-months", _("Các tháng phải báo cáo của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("month", _("Tháng báo cáo")),
                  Column("status", _("Tình trạng")), Column("due_date", _("Hạn nộp"), "date"),
                  Column("sent", _("Ngày gửi (bản cuối)"), "date")),
                 rows,
                 note=_("Mỗi tháng phải báo cáo là một dòng; các số tháng ở bảng trên là số "
                        "dòng theo tình trạng."),
                 screen_only=True, folded=True)


def _messages(c: ReportContext, r: Row) -> str:
    messages = r["errors_en"] if c.lang == "en" else r["errors_vi"]
    return "; ".join(m.rstrip(".") for m in messages or ()) or c._("Không ghi nhận lỗi cụ thể")


def agency_rejected_files_table(c: ReportContext) -> Table:
    """Each body's files that were rejected, with why: the rows of its rejected-file count."""
    _ = c._
    rows = tuple({"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
                  "file": r["file_name"], "month": c.fmt.month(r["reporting_month"]),
                  "received": _vietnam_date(r["received_at"]), "reason": _messages(c, r)}
                 for r in c.inputs.current.problem_files if r["is_rejected"])
    return Table("agency-rejected-files", _("Tệp bị từ chối của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("file", _("Tệp")),
                  Column("month", _("Tháng báo cáo")), Column("received", _("Ngày nhận"), "date"),
                  Column("reason", _("Lý do"))),
                 rows, screen_only=True, folded=True)


def agency_quarantined_rows_table(c: ReportContext) -> Table:
    """Each body's files with rows set aside, how many and by which rules."""
    _ = c._
    rows = tuple({"agency_id": r["agency_id"], "agency": c.name(r["agency_id"]),
                  "file": r["file_name"], "month": c.fmt.month(r["reporting_month"]),
                  "rows": r["rows_quarantined"], "reason": _messages(c, r)}
                 for r in c.inputs.current.problem_files if r["rows_quarantined"])
    return Table("agency-quarantined-rows", _("Dòng bị cách ly của từng cơ quan, theo tệp"),
                 (Column("agency", _("Cơ quan")), Column("file", _("Tệp")),
                  Column("month", _("Tháng báo cáo")),
                  Column("rows", _("Dòng bị cách ly"), "int"),
                  Column("reason", _("Quy tắc không đạt"))),
                 rows, note=_("Số dòng bị cách ly ở bảng trên là tổng cột “Dòng bị cách ly”."),
                 screen_only=True, folded=True)


def agency_rule_failures_table(c: ReportContext) -> Table:
    """Each body's rows that broke a gate rule, by rule, with what the rule checks."""
    _ = c._
    rows = []
    for rule in c.inputs.gate.failed_rules:
        for agency_id, count in rule.failing_by_agency.items():
            rows.append({"agency_id": agency_id, "agency": c.name(agency_id),
                         "rule": _("Quy tắc {rule} ({message})", rule=rule.rule_id,
                                   message=rule.message.get(c.lang, rule.message["vi"])
                                   .rstrip(".")),
                         "severity": (_("Quy tắc chặn, được cho phép công bố")
                                      if rule.blocking else _("Cảnh báo")),
                         "rows": count})
    rows.sort(key=lambda row: (row["agency_id"], -row["rows"], row["rule"]))
    return Table("agency-rule-failures", _("Dòng vi phạm quy tắc kiểm tra của từng cơ quan"),
                 (Column("agency", _("Cơ quan")), Column("rule", _("Quy tắc kiểm tra")),
                  Column("severity", _("Mức độ")),
                  Column("rows", _("Dòng vi phạm quy tắc kiểm tra"), "int")),
                 tuple(rows),
                 note=_("Số dòng vi phạm ở bảng trên là tổng cột “Dòng vi phạm quy tắc kiểm "
                        "tra”."),
                 screen_only=True, folded=True)
